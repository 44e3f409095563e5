"""Carbon accounts on real SQLite and PostgreSQL: activity → inventory with trace, benchmark, rating, consent, audit."""

import io
from datetime import date, timedelta
from decimal import Decimal as D

import openpyxl
import pytest
from sqlalchemy import select

from lvrongtong.accounts import service
from lvrongtong.accounts.activity import ActivityIn
from lvrongtong.audit.models import AuditEntry
from lvrongtong.kit.errors import NotFound, ValidationFailed
from lvrongtong.kit.principal import CLI
from lvrongtong.registry import service as registry
from lvrongtong.registry.schemas import EnterpriseCreate
from tests.conftest import uscc

YEAR = "2024"


def _month(m: int) -> tuple[date, date]:
    start = date(2024, m, 1)
    end = (date(2024, m + 1, 1) if m < 12 else date(2025, 1, 1)) - timedelta(days=1)
    return start, end


def _account(s, code: str, mwh_per_month: str, output_cny: str, industry="3011", gas_m3: str | None = None):
    registry.create_enterprise(s, CLI, EnterpriseCreate(uscc=code, name=f"测试水泥{code[-4:]}", region_code="500112",
                                                        industry_code=industry, size_class="medium"))
    service.open_account(s, CLI, code)
    for m in range(1, 13):
        a, b = _month(m)
        service.add_activity(s, CLI, code, ActivityIn("electricity", D(mwh_per_month), "MWh", a, b, source="bill"))
    if gas_m3:
        service.add_activity(s, CLI, code, ActivityIn("fuel", D(gas_m3), "m3", date(2024, 1, 1), date(2024, 12, 31),
                                                      carrier="天然气"))
    service.set_denominators(s, CLI, code, YEAR, {"output_value_cny": D(output_cny), "value_added_cny": D(output_cny) / 4})
    service.compute_period(s, CLI, code, YEAR)


@pytest.fixture
def peers(rt):
    """Six firms in GB/T 4754 class 3011 with the same electricity use and different output values."""
    codes = [uscc("500112", f"CEM0000{i}") for i in range(6)]
    with rt.transaction() as s:
        for i, code in enumerate(codes):
            _account(s, code, "100", str(10_000_000 * (i + 1)), gas_m3="100000" if i == 0 else None)
    return codes


def test_inventory_keeps_the_carbon_engine_trace(rt, peers):
    with rt.transaction() as s:
        out = service.view(s, CLI, peers[0], YEAR)
    inv = out["inventory"]
    elec = next(line for line in inv["lines"] if line["kind"] == "electricity")
    assert elec["quantity"] == "1200" and elec["method_id"] == "inventory.scope2.electricity" and elec["source"] == "bill"
    factor = elec["trace"]["factors"][0]
    # region 500112 → Chongqing province factor; 2024 not published → latest earlier year, recorded
    assert factor["factor_id"] == "grid_co2:average:500000:2022" and factor["fallback"]
    assert D(elec["emissions_tco2e"]) == D(1200) * D(factor["value"])
    gas = next(line for line in inv["lines"] if line["kind"] == "fuel")
    assert gas["scope"] == "1" and gas["method_id"] == "inventory.scope1.combustion"
    assert D(inv["total_tco2e"]) == D(inv["scope1_tco2e"]) + D(inv["scope2_tco2e"])
    assert inv["completeness"] == {"months_with_data": 12, "months": 12, "by_source": {"bill": 12, "manual": 1}}


def test_benchmark_and_rating_with_reasons(rt, peers):
    with rt.transaction() as s:
        out = service.view(s, CLI, peers[5], YEAR)
    bench = out["benchmark"]["output"]
    assert bench["usable"] and bench["level"] == "class" and bench["sample"] == 6
    rating = out["rating"]
    k = D(out["indicators"]["intensity_output_t_per_10k_cny"]) / D(bench["value"])
    assert D(rating["k"]) == round(k, 4)
    assert rating["colour"] == "深绿"  # the largest output value: lowest intensity, K ≈ 0.53
    assert rating["owner"] == "platform" and rating["reasons"]
    huzhou = out["portable_ratings"][0]
    assert huzhou["status"] == "rated" and huzhou["grade"] == 1


def test_too_few_firms_flag_the_benchmark_and_leave_the_firm_unrated(rt, world):
    with rt.transaction() as s:
        _account(s, uscc("500112", "LNE00001"), "50", "5000000", industry="2710")
        out = service.view(s, CLI, uscc("500112", "LNE00001"), YEAR)
    assert out["benchmark"]["output"]["usable"] is False
    assert out["rating"]["status"] == "unrated" and out["rating"]["colour"] is None
    assert "no_benchmark" in [r["code"] for r in out["rating"]["reasons"]]


def test_bad_activity_is_refused_with_field_and_rule(rt, world):
    with rt.transaction() as s:
        service.open_account(s, CLI, world.ent_uscc)
        with pytest.raises(ValidationFailed) as e:
            service.add_activity(s, CLI, world.ent_uscc, ActivityIn("fuel", D(5), "t", date(2024, 1, 1),
                                                                    date(2024, 1, 31), carrier="unobtainium"))
        assert e.value.details[0].field == "fuel"
        with pytest.raises(ValidationFailed) as e:
            service.add_activity(s, CLI, world.ent_uscc, ActivityIn("electricity", D(5), "t", date(2024, 1, 1),
                                                                    date(2024, 1, 31)))
        assert e.value.details[0].field == "electricity"


def test_xlsx_import_reports_each_row(client, world, as_user):
    h = as_user("ent_user")
    assert client.post(f"/api/v1/accounts/{world.ent_uscc}", headers=h).status_code == 201
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["类型", "能源品种", "数量", "单位", "开始日期", "结束日期", "来源", "凭证号"])
    ws.append(["electricity", "", 3000, "kWh", "2024-01-01", "2024-01-31", "bill", "E-2024-01"])
    ws.append(["fuel", "柴油", 2, "t", "2024-01-01", "2024-01-31", "", ""])
    ws.append(["electricity", "", -5, "kWh", "2024-02-01", "2024-02-29", "", ""])
    ws.append(["heat", "", 10, "GJ", "2024-03-31", "2024-03-01", "", ""])
    buf = io.BytesIO()
    book.save(buf)
    r = client.post(f"/api/v1/accounts/{world.ent_uscc}/activity/import", headers=h,
                    files={"file": ("activity.xlsx", buf.getvalue())})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["accepted"], body["rejected"]) == (2, 2)
    assert [row["status"] for row in body["report"]] == ["accepted", "accepted", "rejected", "rejected"]
    assert body["report"][2]["problems"][0]["rule"] == "non_negative"
    assert body["report"][3]["problems"][0]["rule"] == "range_ordered"
    listed = client.get(f"/api/v1/accounts/{world.ent_uscc}/activity", params={"period": "2024-01"}, headers=h).json()
    assert {(i["kind"], i["source"]) for i in listed["items"]} == {("electricity", "bill"), ("fuel", "xlsx")}


def test_bank_sees_the_account_only_under_a_live_consent(client, rt, world, as_user):
    ent, bank_a, bank_b = as_user("ent_user"), as_user("a_officer"), as_user("b_officer")
    client.post(f"/api/v1/accounts/{world.ent_uscc}", headers=ent)
    client.post(f"/api/v1/accounts/{world.ent_uscc}/activity", headers=ent, json={
        "kind": "electricity", "quantity": "1000", "unit": "MWh", "starts_on": "2024-01-01", "ends_on": "2024-12-31"})
    url = f"/api/v1/accounts/{world.ent_uscc}"
    assert client.get(url, params={"period": YEAR}, headers=bank_a).status_code == 404  # no consent yet
    expires = (date.today() + timedelta(days=90)).isoformat()
    r = client.post(f"{url}/consents", headers=ent, json={"grantee_org_id": world.bank_a_id,
                                                           "scope": ["inventory", "rating"], "expires_on": expires})
    assert r.status_code == 201, r.text
    consent_id = r.json()["id"]
    seen = client.get(url, params={"period": YEAR}, headers=bank_a)
    assert seen.status_code == 200 and seen.json()["access"] == "consent"
    assert "inventory" in seen.json() and "rating" in seen.json() and "indicators" not in seen.json()
    assert client.get(f"{url}/activity", params={"period": YEAR}, headers=bank_a).status_code == 404  # not in scope
    assert client.get(url, params={"period": YEAR}, headers=bank_b).status_code == 404  # another bank
    assert [a["uscc"] for a in client.get("/api/v1/accounts", headers=bank_a).json()["items"]] == [world.ent_uscc]
    # banks cannot write, nor grant themselves access
    assert client.post(f"{url}/consents", headers=bank_b, json={
        "grantee_org_id": world.bank_b_id, "scope": ["inventory"], "expires_on": expires}).status_code == 404
    assert client.delete(f"{url}/consents/{consent_id}", headers=ent).status_code == 200
    assert client.get(url, params={"period": YEAR}, headers=bank_a).status_code == 404  # withdrawn: at once
    with rt.transaction() as s:
        actions = [a for a in s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq))]
    assert {"account.open", "account.consent.grant", "account.read_under_consent",
            "account.consent.withdraw"} <= set(actions)


def test_expired_consent_gives_no_access(rt, world):
    from lvrongtong.accounts.models import AccountConsent
    from lvrongtong.auth.models import User
    from lvrongtong.auth.service import principal_for_user

    with rt.transaction() as s:
        service.open_account(s, CLI, world.ent_uscc)
        c = service.grant_consent(s, CLI, world.ent_uscc, world.bank_a_id, ["inventory"], date.today() + timedelta(days=1))
        s.get(AccountConsent, c.id).expires_on = date.today() - timedelta(days=1)  # time passes
        s.flush()
        bank = principal_for_user(s, s.scalar(select(User).where(User.username == "a_officer")))
        with pytest.raises(NotFound):
            service.view(s, bank, world.ent_uscc, YEAR)


def test_consent_only_to_financial_institutions_and_in_the_future(rt, world):
    with rt.transaction() as s:
        service.open_account(s, CLI, world.ent_uscc)
        with pytest.raises(ValidationFailed) as e:
            service.grant_consent(s, CLI, world.ent_uscc, world.gov_id, ["telepathy"], date.today())
        assert {d.rule for d in e.value.details} == {"scope_known", "future", "grantee_type"}


def test_regulator_sees_aggregates_not_accounts(client, rt, peers, world, as_user):
    reg = as_user("reg_admin")
    assert client.get(f"/api/v1/accounts/{peers[0]}", params={"period": YEAR}, headers=reg).status_code == 404
    agg = client.get("/api/v1/accounts/aggregates", params={"period": YEAR}, headers=reg).json()
    assert agg["accounts"] == 6 and agg["by_division"][0]["division"] == "30"
    assert client.get("/api/v1/accounts/aggregates", params={"period": YEAR},
                      headers=as_user("a_officer")).status_code == 403


def test_account_page_renders_charts_and_reasons(client, peers, world):
    client.post("/login", data={"username": "reg_admin", "password": "correct-horse-battery"})
    assert "aggregates" in client.get("/accounts", params={"period": YEAR}).text
    assert client.get(f"/accounts/{peers[0]}", params={"period": YEAR}).status_code == 404


def test_owner_page_shows_profile(client, rt, peers, world):
    from lvrongtong.registry.schemas import OrganisationCreate

    with rt.transaction() as s:
        org = registry.create_organisation(s, CLI, OrganisationCreate(type="enterprise", name="测试水泥0000",
                                                                      uscc=peers[0], region_code="500112"))
        from lvrongtong.auth import service as auth

        auth.create_user(s, CLI, "cement_user", "correct-horse-battery", org.id, ["operator"])
    client.post("/login", data={"username": "cement_user", "password": "correct-horse-battery"})
    page = client.get(f"/accounts/{peers[0]}", params={"period": YEAR})
    assert page.status_code == 200
    assert 'id="chart-months"' in page.text and 'id="rating-reasons"' in page.text
    assert "grid_co2:average:500000:2022" in page.text


def test_cli_show_json(rt, peers):
    import json

    from typer.testing import CliRunner

    from lvrongtong.cli import app

    url = rt.settings.resolved_database_url
    r = CliRunner().invoke(app, ["account", "show", peers[1], "--period", YEAR, "--json", "--database-url", url,
                                 "--data-dir", str(rt.settings.data_dir)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert {"inventory", "indicators", "benchmark", "rating", "portable_ratings", "tags"} <= set(out)
    assert out["rating"]["reasons"]
    tags = out["tags"]
    assert tags["industry"]["code"] == "3011" and tags["ets_covered"]["value"] is False
    assert tags["transition"]["in_scope"] and tags["transition"]["sector"] == "building_materials"
    assert tags["data_completeness"]["share"] == 1.0 and tags["rating_trend"]["direction"] == "insufficient"
    assert tags["green_financing"]["loans"] == 0 and tags["carbon_reduction_tool_loans"]["loans"] == 0


def test_rating_thresholds_are_configurable(rt, peers, tmp_path):
    import json

    from lvrongtong.accounts.rules import load_schemes

    schemes = load_schemes()
    for band in schemes["platform"]["bands"]:
        band["max_k"] = None if band["max_k"] is None else "0.01"  # a strict city: everyone but the best is red
    custom = tmp_path / "schemes.json"
    custom.write_text(json.dumps(schemes, ensure_ascii=False), encoding="utf-8")
    with rt.transaction() as s:
        assert service.view(s, CLI, peers[5], YEAR)["rating"]["colour"] == "深绿"
        assert service.view(s, CLI, peers[5], YEAR, schemes_file=custom)["rating"]["colour"] == "红"


def test_live_consents_of_one_bank_add_up_and_a_withdrawn_one_adds_nothing(client, rt, world, as_user):
    from lvrongtong.accounts.models import AccountConsent

    ent, bank = as_user("ent_user"), as_user("a_officer")
    url = f"/api/v1/accounts/{world.ent_uscc}"
    client.post(url, headers=ent)
    client.post(f"{url}/activity", headers=ent, json={
        "kind": "electricity", "quantity": "1000", "unit": "MWh", "starts_on": "2024-01-01", "ends_on": "2024-12-31"})
    expires = (date.today() + timedelta(days=90)).isoformat()
    ids = [client.post(f"{url}/consents", headers=ent, json={"grantee_org_id": world.bank_a_id, "scope": [item],
                                                             "expires_on": expires}).json()["id"]
           for item in ("inventory", "activity")]
    seen = client.get(url, params={"period": YEAR}, headers=bank).json()
    assert "inventory" in seen  # from the older consent, though a newer one exists
    assert client.get(f"{url}/activity", params={"period": YEAR}, headers=bank).status_code == 200  # the newer
    assert client.delete(f"{url}/consents/{ids[0]}", headers=ent).status_code == 200  # withdraw 'inventory'
    seen = client.get(url, params={"period": YEAR}, headers=bank)
    assert seen.status_code == 200 and "inventory" not in seen.json()
    assert client.get(f"{url}/activity", params={"period": YEAR}, headers=bank).status_code == 200
    ids.append(client.post(f"{url}/consents", headers=ent, json={"grantee_org_id": world.bank_a_id,
                                                                 "scope": ["inventory"], "expires_on": expires}).json()["id"])
    assert "inventory" in client.get(url, params={"period": YEAR}, headers=bank).json()
    with rt.transaction() as s:  # time passes: the re-granted 'inventory' consent expires
        s.get(AccountConsent, ids[2]).expires_on = date.today() - timedelta(days=1)
    assert "inventory" not in client.get(url, params={"period": YEAR}, headers=bank).json()
    assert client.get(f"{url}/activity", params={"period": YEAR}, headers=bank).status_code == 200
    assert client.get(url, params={"period": YEAR}, headers=as_user("b_officer")).status_code == 404  # other bank

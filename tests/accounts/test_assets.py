"""Carbon assets: allowances and CCER with transactions, balances, validation, access, XLSX, CLI."""

import io
import json
from datetime import date, timedelta
from decimal import Decimal as D

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from lvrongtong.accounts import asset_rules as ar
from lvrongtong.accounts import assets, service
from lvrongtong.audit.models import AuditEntry
from lvrongtong.kit.errors import Conflict, NotFound, ValidationFailed
from lvrongtong.kit.principal import CLI

TODAY = date(2025, 6, 30)


# ---------------------------------------------------------------- pure rules

def test_replay_gives_the_balance_after_each_move_in_date_order():
    moves = [ar.Move(date(2024, 3, 1), "sold", D(200), D(90), "X", order=3),
             ar.Move(date(2024, 1, 10), "allocated", D(1000), order=1),
             ar.Move(date(2024, 2, 1), "purchased", D(300), D(80), "Y", order=2)]
    assert [b for _, b in ar.replay("allowance", moves)] == [D(1000), D(1300), D(1100)]
    s = ar.summary("allowance", moves)
    assert s["balance_tco2e"] == D(1100) and s["paid_cny"] == D(24000) and s["received_cny"] == D(18000)
    assert s["average_purchase_price_cny"] == D(80)


@pytest.mark.parametrize("move, rule", [
    (ar.Move(date(2024, 1, 1), "issued", D(1)), "move_kind_allowed"),  # allowances are allocated, not issued
    (ar.Move(date(2024, 1, 1), "allocated", D(0)), "positive"),
    (ar.Move(date(2024, 1, 1), "purchased", D(5)), "price_required"),
    (ar.Move(date(2024, 1, 1), "sold", D(5), D(60)), "counterparty_required"),
    (ar.Move(date(2024, 1, 1), "sold", D(5), D(-1), "X"), "non_negative"),
    (ar.Move(date(2025, 7, 1), "allocated", D(5)), "not_future"),
])
def test_a_bad_move_names_its_field_and_rule(move, rule):
    assert rule in [p.rule for p in ar.check_move("allowance", move, TODAY)]


def test_surrender_beyond_holdings_and_back_dated_sale_are_refused():
    held = [ar.Move(date(2024, 1, 10), "allocated", D(100), order=1),
            ar.Move(date(2024, 5, 1), "sold", D(80), D(70), "X", order=2)]
    p = ar.check_balance("allowance", held, ar.Move(date(2024, 6, 1), "surrendered", D(30), order=9))
    assert [(x.field, x.rule) for x in p] == [("quantity_tco2e", "surrender_within_holdings")]
    assert "20" in p[0].message_zh and "20" in p[0].message_en
    # a sale dated before the allocation would make that day's balance negative
    p = ar.check_balance("allowance", held, ar.Move(date(2024, 1, 5), "sold", D(10), D(70), "Y", order=9))
    assert p[0].rule == "no_negative_balance"
    # a sale on 2024-03 fits that day, but leaves the May sale short: refused, naming the date
    p = ar.check_balance("allowance", held, ar.Move(date(2024, 3, 1), "sold", D(30), D(70), "Y", order=9))
    assert (p[0].field, p[0].rule) == ("occurred_on", "no_negative_balance")


@given(st.lists(st.tuples(st.sampled_from(["issued", "purchased", "sold", "surrendered", "retired"]),
                          st.integers(1, 500), st.integers(0, 60)), max_size=25))
def test_accepting_only_checked_moves_never_gives_a_negative_balance(raw):
    accepted: list[ar.Move] = []
    for i, (kind, qty, day) in enumerate(raw):
        m = ar.Move(date(2024, 1, 1) + timedelta(days=day), kind, D(qty), D(50), "X", order=i)
        if not ar.check_move("ccer", m, TODAY) and not ar.check_balance("ccer", accepted, m):
            accepted.append(m)
    assert all(b >= 0 for _, b in ar.replay("ccer", accepted))


# ---------------------------------------------------------------- service on SQLite and PostgreSQL

@pytest.fixture
def holding(rt, world):
    with rt.transaction() as s:
        service.open_account(s, CLI, world.ent_uscc)
        cea = assets.add_asset(s, CLI, world.ent_uscc, assets.AssetIn("allowance", "CEA-2023-2024", "全国碳排放配额",
                                                                      "全国碳市场", "2023-2024"))
        ccer = assets.add_asset(s, CLI, world.ent_uscc, assets.AssetIn("ccer", "CCER-PV-2024", "光伏 CCER",
                                                                       "CCER", vintage=2024, project_ref="P-001"))
        for item in (assets.TransactionIn(date(2024, 1, 15), "allocated", D(1000), reference="ALLOC-2023"),
                     assets.TransactionIn(date(2024, 4, 2), "purchased", D(200), D("85.5"), "某电厂", "T-0001"),
                     assets.TransactionIn(date(2024, 9, 3), "sold", D(150), D("92"), "某钢厂", "T-0002")):
            assets.add_transaction(s, CLI, world.ent_uscc, cea.id, item)
        assets.add_transaction(s, CLI, world.ent_uscc, ccer.id,
                               assets.TransactionIn(date(2024, 6, 1), "purchased", D(50), D(60), "某光伏", "C-1"))
    return cea.id, ccer.id


def test_holdings_replay_balances_and_report_every_transaction(rt, world, holding):
    with rt.transaction() as s:
        out = assets.holdings(s, CLI, world.ent_uscc)
    cea = next(a for a in out["assets"] if a["kind"] == "allowance")
    assert cea["summary"]["balance_tco2e"] == "1050"
    assert [t["balance_after_tco2e"] for t in cea["transactions"]] == ["1000", "1200", "1050"]
    assert cea["summary"]["paid_cny"] == "17100" and cea["summary"]["received_cny"] == "13800"
    assert {k["kind"]: k["balance_tco2e"] for k in out["by_kind"]} == {"allowance": "1050", "ccer": "50"}


def test_surrender_beyond_holdings_is_refused_and_nothing_is_stored(rt, world, holding):
    cea_id, _ = holding
    with rt.transaction() as s:
        with pytest.raises(ValidationFailed) as e:
            assets.add_transaction(s, CLI, world.ent_uscc, cea_id,
                                   assets.TransactionIn(date(2025, 5, 1), "surrendered", D(2000)))
        d = e.value.details[0]
        assert (d.field, d.rule) == ("quantity_tco2e", "surrender_within_holdings")
        assert "1050" in d.message_zh and "exceeds" in d.message_en
        with pytest.raises(ValidationFailed) as e:
            assets.add_transaction(s, CLI, world.ent_uscc, cea_id, assets.TransactionIn(
                date(2025, 5, 1), "purchased", D(1), D(80), "X", reference="T-0001"))
        assert e.value.details[0].rule == "reference_unique"
        with pytest.raises(Conflict):
            assets.add_asset(s, CLI, world.ent_uscc, assets.AssetIn("allowance", "CEA-2023-2024", compliance_period="2023"))
        with pytest.raises(ValidationFailed) as e:
            assets.add_asset(s, CLI, world.ent_uscc, assets.AssetIn("allowance", "CEA-X", compliance_period="soon"))
        assert e.value.details[0].rule == "compliance_period_format"
        surrender = assets.add_transaction(s, CLI, world.ent_uscc, cea_id,
                                           assets.TransactionIn(date(2025, 5, 1), "surrendered", D(1050)))
        assert surrender.id
        actions = set(s.scalars(select(AuditEntry.action)))
    assert {"account.asset.add", "account.asset.transaction"} <= actions


def test_api_access_follows_consent_scope(client, world, as_user, holding):
    ent, bank = as_user("ent_user"), as_user("a_officer")
    url = f"/api/v1/accounts/{world.ent_uscc}"
    assert client.get(f"{url}/assets", headers=bank).status_code == 404
    assert client.get(f"{url}/assets", headers=as_user("reg_admin")).status_code == 404
    expires = (date.today() + timedelta(days=30)).isoformat()
    client.post(f"{url}/consents", headers=ent, json={"grantee_org_id": world.bank_a_id, "scope": ["inventory"],
                                                      "expires_on": expires})
    assert client.get(f"{url}/assets", headers=bank).status_code == 404  # consent without 'assets'
    client.post(f"{url}/consents", headers=ent, json={"grantee_org_id": world.bank_a_id, "scope": ["assets"],
                                                      "expires_on": expires})
    seen = client.get(f"{url}/assets", headers=bank)
    assert seen.status_code == 200 and seen.json()["access"] == "consent"
    # banks read, never write
    assert client.post(f"{url}/assets", headers=bank, json={"kind": "ccer", "code": "X"}).status_code == 404
    r = client.post(f"{url}/assets/{holding[0]}/transactions", headers=ent, json={
        "occurred_on": "2024-10-01", "kind": "sold", "quantity_tco2e": "5000", "price_cny": "90",
        "counterparty": "X"})
    assert r.status_code == 422
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "quantity_tco2e" and detail["rule"] == "no_negative_balance"
    assert detail["message_zh"] and detail["message_en"]
    x = client.get(f"{url}/assets.xlsx", headers=bank)
    assert x.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(x.content))
    rows = list(book["交易流水 transactions"].iter_rows(values_only=True))
    assert len(rows) == 1 + 4 and rows[0][0] == "资产代码"
    assert {r[0] for r in book["资产汇总 summary"].iter_rows(min_row=2, max_row=3, values_only=True)} == {
        "CEA-2023-2024", "CCER-PV-2024"}


def test_assets_page_and_cli(client, rt, world, holding):
    from typer.testing import CliRunner

    from lvrongtong.cli import app

    client.post("/login", data={"username": "ent_user", "password": "correct-horse-battery"})
    page = client.get(f"/accounts/{world.ent_uscc}/assets")
    assert page.status_code == 200 and 'id="asset-report"' in page.text and "CEA-2023-2024" in page.text
    r = CliRunner().invoke(app, ["account", "assets", world.ent_uscc, "--json", "--database-url",
                                 rt.settings.resolved_database_url, "--data-dir", str(rt.settings.data_dir)])
    assert r.exit_code == 0, r.output
    assert {a["code"] for a in json.loads(r.output)["assets"]} == {"CEA-2023-2024", "CCER-PV-2024"}


def test_regulator_cannot_read_assets(rt, world, holding):
    from lvrongtong.auth.models import User
    from lvrongtong.auth.service import principal_for_user

    with rt.transaction() as s:
        reg = principal_for_user(s, s.scalar(select(User).where(User.username == "reg_admin")))
        with pytest.raises(NotFound):
            assets.holdings(s, reg, world.ent_uscc)

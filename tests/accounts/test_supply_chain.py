"""Supply chain: suppliers' shared account figures feed the buyer's scope-3 category 1 view; without consent
nothing of the supplier shows."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from lvrongtong.accounts import service, supply_chain
from lvrongtong.accounts.activity import ActivityIn
from lvrongtong.kit.errors import ValidationFailed
from lvrongtong.kit.principal import CLI
from lvrongtong.registry import service as registry
from lvrongtong.registry.schemas import EnterpriseCreate
from tests.conftest import uscc

YEAR = "2024"


def _supplier(s, body: str, mwh: str, output: str | None, product: str | None = None):
    code = uscc("500113", body)
    registry.create_enterprise(s, CLI, EnterpriseCreate(uscc=code, name=f"供应商{body[-2:]}", region_code="500113",
                                                        industry_code="3011", size_class="small"))
    service.open_account(s, CLI, code)
    service.add_activity(s, CLI, code, ActivityIn("electricity", D(mwh), "MWh", date(2024, 1, 1), date(2024, 12, 31)))
    values = {k: D(v) for k, v in (("output_value_cny", output), ("product_quantity", product)) if v}
    if product:
        values["product_unit"] = "t"
    service.set_denominators(s, CLI, code, YEAR, values)
    service.compute_period(s, CLI, code, YEAR)
    return code


@pytest.fixture
def chain(rt, world):
    expires = date.today() + timedelta(days=60)
    with rt.transaction() as s:
        service.open_account(s, CLI, world.ent_uscc)
        by_value = _supplier(s, "BUY00001", "1000", "50000000")
        by_product = _supplier(s, "BUY00002", "500", "10000000", product="2000")
        silent = _supplier(s, "BUY00003", "800", "8000000")
        nobody = uscc("500113", "BUY00004")  # no account at all
        consents = {}
        for code in (by_value, by_product):
            consents[code] = service.grant_consent(s, CLI, code, world.enterprise_org_id, ["supply_chain"], expires).id
        for code, value, qty in ((by_value, "3000000", None), (by_product, "2000000", "100"), (silent, "1000000", None),
                                 (nobody, "500000", None)):
            supply_chain.set_purchase(s, CLI, world.ent_uscc, supply_chain.PurchaseIn(
                code, YEAR, D(value), D(qty) if qty else None, "t" if qty else "", "熟料"))
    return {"by_value": by_value, "by_product": by_product, "silent": silent, "nobody": nobody, "consents": consents}


def test_scope3_uses_shared_supplier_figures_and_says_where_each_came_from(client, rt, world, as_user, chain):
    ent = as_user("ent_user")
    out = client.get(f"/api/v1/accounts/{world.ent_uscc}/scope3", params={"period": YEAR}, headers=ent).json()
    lines = {x["supplier_uscc"]: x for x in out["suppliers"]}
    with rt.transaction() as s:
        e1 = D(service.view(s, CLI, chain["by_value"], YEAR)["inventory"]["total_tco2e"])
        e2 = D(service.view(s, CLI, chain["by_product"], YEAR)["inventory"]["total_tco2e"])
    v = lines[chain["by_value"]]
    assert (v["status"], v["method"]) == ("from_supplier_account", "supplier_output_intensity")
    assert abs(D(v["emissions_tco2e"]) - e1 / D(5000) * D(300)) < D("0.000001")  # t/万元 × 300 万元
    p = lines[chain["by_product"]]
    assert (p["status"], p["method"]) == ("from_supplier_account", "supplier_product_intensity")
    assert abs(D(p["emissions_tco2e"]) - e2 / D(2000) * D(100)) < D("0.000001")
    for key in ("silent", "nobody"):  # no consent and no account look the same; nothing of the supplier shows
        line = lines[chain[key]]
        assert line["status"] == "not_shared" and line["emissions_tco2e"] is None
        assert "supplier_name" not in line and "supplier_intensity" not in line
    assert D(out["total_tco2e"]) == D(v["emissions_tco2e"]) + D(p["emissions_tco2e"])
    assert D(out["coverage_by_value"]) == D("0.7692")  # 5 of 6.5 million CNY
    # the supplier withdraws: at once, nothing of it shows any more
    with rt.transaction() as s:
        service.withdraw_consent(s, CLI, chain["by_value"], chain["consents"][chain["by_value"]])
    again = client.get(f"/api/v1/accounts/{world.ent_uscc}/scope3", params={"period": YEAR}, headers=ent).json()
    assert {x["supplier_uscc"]: x["status"] for x in again["suppliers"]}[chain["by_value"]] == "not_shared"


def test_the_buyer_cannot_read_the_supplier_account_itself_and_banks_cannot_read_scope3(client, world, as_user, chain):
    ent = as_user("ent_user")
    assert client.get(f"/api/v1/accounts/{chain['by_value']}", params={"period": YEAR}, headers=ent).status_code == 404
    assert client.get(f"/api/v1/accounts/{world.ent_uscc}/scope3", params={"period": YEAR},
                      headers=as_user("a_officer")).status_code == 404


def test_purchases_and_supply_chain_consents_are_validated(rt, world, chain):
    expires = date.today() + timedelta(days=30)
    with rt.transaction() as s:
        with pytest.raises(ValidationFailed) as e:
            supply_chain.set_purchase(s, CLI, world.ent_uscc, supply_chain.PurchaseIn(
                world.ent_uscc[:17] + ("0" if world.ent_uscc[17] != "0" else "1"), "2024Q1", D(0), D(5), ""))
        rules = {(d.field, d.rule) for d in e.value.details}
        assert rules == {("supplier_uscc", "uscc_check_character"), ("period", "year"),
                         ("purchased_value_cny", "positive"), ("purchased_quantity", "quantity_with_unit")}
        with pytest.raises(ValidationFailed) as e:
            supply_chain.set_purchase(s, CLI, world.ent_uscc, supply_chain.PurchaseIn(world.ent_uscc, YEAR, D(1)))
        assert e.value.details[0].rule == "not_self"
        with pytest.raises(ValidationFailed) as e:  # a buyer enterprise gets supply_chain only
            service.grant_consent(s, CLI, chain["silent"], world.enterprise_org_id, ["inventory"], expires)
        assert e.value.details[0].rule == "supply_chain_only"
        with pytest.raises(ValidationFailed) as e:  # and a bank never gets supply_chain
            service.grant_consent(s, CLI, chain["silent"], world.bank_a_id, ["supply_chain"], expires)
        assert e.value.details[0].rule == "supply_chain_to_buyer"


def test_owner_page_lists_suppliers_with_their_data_source(client, world, chain):
    client.post("/login", data={"username": "ent_user", "password": "correct-horse-battery"})
    page = client.get(f"/accounts/{world.ent_uscc}", params={"period": YEAR})
    assert page.status_code == 200 and 'id="scope3"' in page.text
    assert "供应商BY01"[:3] in page.text and "未授权共享" in page.text

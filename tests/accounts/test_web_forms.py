"""Web forms of the account pages: the enterprise records asset transactions and supplier purchases."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from lvrongtong.accounts import assets, service
from lvrongtong.accounts.models import AccountSupplier, CarbonAssetTransaction
from lvrongtong.kit.principal import CLI

PASSWORD = "correct-horse-battery"


@pytest.fixture
def allowance(rt, world):
    with rt.transaction() as s:
        service.open_account(s, CLI, world.ent_uscc)
        cea = assets.add_asset(s, CLI, world.ent_uscc, assets.AssetIn("allowance", "CEA-2023-2024", "全国碳排放配额",
                                                                      "全国碳市场", "2023-2024"))
        assets.add_transaction(s, CLI, world.ent_uscc, cea.id,
                               assets.TransactionIn(date(2024, 1, 15), "allocated", D(1000), reference="ALLOC-2023"))
        service.grant_consent(s, CLI, world.ent_uscc, world.bank_a_id, ["inventory", "assets"],
                              date.today() + timedelta(days=30))
    return cea.id


def _count(rt, model) -> int:
    with rt.transaction() as s:
        return s.scalar(select(func.count()).select_from(model))


def _login(client, username: str) -> None:
    client.post("/login", data={"username": username, "password": PASSWORD})


def test_owner_records_a_transaction_through_the_asset_page_form(client, rt, world, allowance):
    _login(client, "ent_user")
    url = f"/accounts/{world.ent_uscc}/assets"
    assert 'id="transaction-form"' in client.get(url).text
    r = client.post(f"{url}/transactions", follow_redirects=False, data={
        "asset_id": str(allowance), "occurred_on": "2024-05-02", "kind": "sold", "quantity_tco2e": "300",
        "price_cny": "88.5", "counterparty": "某钢厂", "reference": "T-0009", "note": "月度出售"})
    assert r.status_code == 303 and r.headers["location"].startswith(url)
    with rt.transaction() as s:
        row = s.scalar(select(CarbonAssetTransaction).where(CarbonAssetTransaction.reference == "T-0009"))
        assert (row.kind, D(row.quantity_tco2e), D(row.price_cny), row.counterparty, row.note) == (
            "sold", D(300), D("88.5"), "某钢厂", "月度出售")
    assert "<td>700</td>" in client.get(url).text  # the balance after the sale


def test_selling_more_than_held_shows_the_rule_keeps_the_values_and_stores_nothing(client, rt, world, allowance):
    _login(client, "ent_user")
    before = _count(rt, CarbonAssetTransaction)
    r = client.post(f"/accounts/{world.ent_uscc}/assets/transactions", data={
        "asset_id": str(allowance), "occurred_on": "2024-05-02", "kind": "sold", "quantity_tco2e": "5000",
        "price_cny": "90", "counterparty": "某钢厂", "reference": "T-OVER"})
    assert r.status_code == 422 and 'id="transaction-error"' in r.text
    assert "quantity_tco2e" in r.text and "no_negative_balance" in r.text
    assert 'value="5000"' in r.text and 'value="T-OVER"' in r.text and 'value="sold" selected' in r.text
    assert _count(rt, CarbonAssetTransaction) == before
    r = client.post(f"/accounts/{world.ent_uscc}/assets/transactions", data={
        "asset_id": str(allowance), "occurred_on": "2024-13-40", "kind": "sold", "quantity_tco2e": "many"})
    assert r.status_code == 422 and "occurred_on" in r.text and "quantity_tco2e" in r.text
    assert _count(rt, CarbonAssetTransaction) == before


def test_owner_records_a_supplier_purchase_and_a_bad_one_is_shown(client, rt, world, allowance):
    _login(client, "ent_user")
    page = f"/accounts/{world.ent_uscc}"
    assert 'id="supplier-form"' in client.get(page, params={"period": "2024"}).text
    r = client.post(f"{page}/suppliers", params={"period": "2024"}, follow_redirects=False, data={
        "supplier_uscc": world.other_uscc, "period": "2024", "purchased_value_cny": "1200000",
        "purchased_quantity": "", "purchased_unit": "", "goods": "汽车零部件"})
    assert r.status_code == 303, r.text
    with rt.transaction() as s:
        row = s.scalar(select(AccountSupplier))
        assert (row.supplier_uscc, row.period, D(row.purchased_value_cny), row.goods) == (
            world.other_uscc, "2024", D(1200000), "汽车零部件")
    assert world.other_uscc in client.get(page, params={"period": "2024"}).text
    r = client.post(f"{page}/suppliers", params={"period": "2024"}, data={
        "supplier_uscc": world.ent_uscc, "period": "2024", "purchased_value_cny": "-5", "goods": "电"})
    assert r.status_code == 422 and 'id="supplier-error"' in r.text
    assert "not_self" in r.text and "purchased_value_cny" in r.text and f'value="{world.ent_uscc}"' in r.text
    assert _count(rt, AccountSupplier) == 1


def test_a_bank_under_consent_never_sees_nor_posts_the_forms(client, rt, world, allowance):
    _login(client, "a_officer")
    page = client.get(f"/accounts/{world.ent_uscc}/assets")
    assert page.status_code == 200 and "CEA-2023-2024" in page.text  # reads under its consent
    assert "transaction-form" not in page.text
    assert "supplier-form" not in client.get(f"/accounts/{world.ent_uscc}", params={"period": "2024"}).text
    before = (_count(rt, CarbonAssetTransaction), _count(rt, AccountSupplier))
    r = client.post(f"/accounts/{world.ent_uscc}/assets/transactions", data={
        "asset_id": str(allowance), "occurred_on": "2024-05-02", "kind": "allocated", "quantity_tco2e": "10"})
    assert r.status_code == 404  # "not found", like every other forbidden account
    r = client.post(f"/accounts/{world.ent_uscc}/suppliers", data={
        "supplier_uscc": world.other_uscc, "period": "2024", "purchased_value_cny": "10"})
    assert r.status_code == 404  # "not found", like every other forbidden account
    assert (_count(rt, CarbonAssetTransaction), _count(rt, AccountSupplier)) == before

"""Every bad input is a 422 that names the field and the rule, in one error shape with zh/en messages."""

import pytest

from tests.conftest import uscc

GOOD_LOAN = {"contract_no": "A-NEW", "amount_cny": "1000000", "balance_cny": "500000", "rate_pct": "3.45",
             "approved_on": "2024-01-10", "disbursed_on": "2024-01-15", "matures_on": "2027-01-15"}


def _only_detail(r, field, rule):
    assert r.status_code == 422, r.text
    body = r.json()["error"]
    assert body["code"] == "validation_failed" and body["message_zh"] and body["message_en"]
    pairs = [(d["field"], d["rule"]) for d in body["details"]]
    assert (field, rule) in pairs, pairs
    for d in body["details"]:
        assert d["message_zh"] and d["message_en"]


def _enterprise(**over):
    data = {"uscc": uscc("500101", "NEWENT01"), "name": "重庆新企业有限公司", "region_code": "500101",
            "industry_code": "4416", "size_class": "small"}
    data.update(over)
    return data


@pytest.mark.parametrize("bad, rule", [
    ("9144030071526726XA", "uscc_check_character"),
    ("91440300715267", "uscc_length"),
    ("9144030071526O26XG", "uscc_charset"),
])
def test_invalid_uscc(client, world, as_user, bad, rule):
    r = client.post("/api/v1/enterprises", json=_enterprise(uscc=bad), headers=as_user("a_officer"))
    _only_detail(r, "uscc", rule)


def test_unknown_region(client, world, as_user):
    r = client.post("/api/v1/enterprises", json=_enterprise(region_code="500199"), headers=as_user("a_officer"))
    _only_detail(r, "region_code", "region_unknown")


def test_unknown_industry(client, world, as_user):
    r = client.post("/api/v1/enterprises", json=_enterprise(industry_code="9999"), headers=as_user("a_officer"))
    _only_detail(r, "industry_code", "industry_unknown")


def test_valid_enterprise_is_created(client, world, as_user):
    r = client.post("/api/v1/enterprises", json=_enterprise(), headers=as_user("a_officer"))
    assert r.status_code == 201, r.text
    assert r.json()["uscc"] == uscc("500101", "NEWENT01")


def test_duplicate_uscc_is_conflict(client, world, as_user):
    r = client.post("/api/v1/enterprises", json=_enterprise(uscc=world.ent_uscc), headers=as_user("a_officer"))
    assert r.status_code == 409 and r.json()["error"]["details"][0]["rule"] == "uscc_unique"


def _loan(world, **over):
    data = dict(GOOD_LOAN, borrower_uscc=world.ent_uscc)
    data.update(over)
    return data


@pytest.mark.parametrize("field, value, rule", [
    ("amount_cny", "-1", "positive"),
    ("balance_cny", "-5", "non_negative"),
])
def test_negative_amounts(client, world, as_user, field, value, rule):
    r = client.post("/api/v1/loans", json=_loan(world, **{field: value}), headers=as_user("a_officer"))
    _only_detail(r, field, rule)


def test_balance_above_amount(client, world, as_user):
    r = client.post("/api/v1/loans", json=_loan(world, balance_cny="2000000"), headers=as_user("a_officer"))
    _only_detail(r, "balance_cny", "balance_le_amount")


def test_maturity_before_disbursement(client, world, as_user):
    r = client.post("/api/v1/loans", json=_loan(world, matures_on="2024-01-01"), headers=as_user("a_officer"))
    _only_detail(r, "matures_on", "maturity_after_disbursement")


def test_disbursement_before_approval(client, world, as_user):
    r = client.post("/api/v1/loans", json=_loan(world, disbursed_on="2023-12-01"), headers=as_user("a_officer"))
    _only_detail(r, "disbursed_on", "disbursement_after_approval")


def test_update_rules_apply_to_merged_state(client, world, as_user):
    r = client.patch(f"/api/v1/loans/{world.loan_a_id}", json={"balance_cny": "99999999"},
                     headers=as_user("a_officer"))
    _only_detail(r, "balance_cny", "balance_le_amount")


def test_unknown_borrower(client, world, as_user):
    r = client.post("/api/v1/loans", json=_loan(world, borrower_uscc=uscc("500101", "NBDY0001")),
                    headers=as_user("a_officer"))
    _only_detail(r, "borrower_uscc", "enterprise_exists")


def test_valid_loan_defaults_lender_region_industry(client, world, as_user):
    r = client.post("/api/v1/loans", json=_loan(world), headers=as_user("a_officer"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["lender_org_id"] == world.bank_a_id
    assert (body["region_code"], body["industry_code"]) == ("500112", "4416")


def test_duplicate_contract_is_conflict(client, world, as_user):
    r = client.post("/api/v1/loans", json=_loan(world, contract_no="A-0001"), headers=as_user("a_officer"))
    assert r.status_code == 409


def test_malformed_query_parameters_use_the_error_shape(client, world, as_user):
    r = client.get("/api/v1/loans", params={"page_size": 1000}, headers=as_user("reg_admin"))
    _only_detail(r, "page_size", "max_value")
    r = client.get("/api/v1/loans", params={"sort": "password"}, headers=as_user("reg_admin"))
    _only_detail(r, "sort", "sort_field_unknown")


def test_unknown_route_uses_the_error_shape(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_viewer_cannot_write(client, world, as_user):
    r = client.post("/api/v1/loans", json=_loan(world, borrower_uscc=world.other_uscc), headers=as_user("b_viewer"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"

"""A bank cannot read, change, list or export another bank's loans through any route (404/403, never data)."""

import io

import openpyxl
import pytest


def test_list_shows_only_own_loans(client, world, as_user):
    a = client.get("/api/v1/loans", headers=as_user("a_officer")).json()
    b = client.get("/api/v1/loans", headers=as_user("b_officer")).json()
    assert [x["contract_no"] for x in a["items"]] == ["A-0001"] and a["total"] == 1
    assert [x["contract_no"] for x in b["items"]] == ["B-0001"] and b["total"] == 1


def test_filter_by_other_lender_returns_nothing(client, world, as_user):
    r = client.get("/api/v1/loans", params={"lender_org_id": world.bank_a_id}, headers=as_user("b_officer"))
    assert r.status_code == 200 and r.json()["total"] == 0 and r.json()["items"] == []
    r = client.get("/api/v1/loans", params={"borrower_uscc": world.ent_uscc}, headers=as_user("b_officer"))
    assert r.json()["total"] == 0


@pytest.mark.parametrize("method, body", [("get", None), ("patch", {"balance_cny": "1"}), ("delete", None)])
def test_other_banks_loan_is_not_found(client, world, as_user, method, body):
    headers = as_user("b_officer")
    kwargs = {"json": body} if body else {}
    r = getattr(client, method)(f"/api/v1/loans/{world.loan_a_id}", headers=headers, **kwargs)
    assert r.status_code == 404, r.text
    assert "A-0001" not in r.text and "8000000" not in r.text
    # the loan is untouched
    own = client.get(f"/api/v1/loans/{world.loan_a_id}", headers=as_user("a_officer")).json()
    assert own["balance_cny"] == "8000000.00"


def test_cannot_create_loan_in_another_banks_name(client, world, as_user):
    r = client.post("/api/v1/loans", headers=as_user("b_officer"), json={
        "contract_no": "B-FAKE", "borrower_uscc": world.other_uscc, "lender_org_id": world.bank_a_id,
        "amount_cny": "100", "balance_cny": "100", "approved_on": "2024-01-01", "matures_on": "2025-01-01"})
    assert r.status_code == 403


def test_export_contains_only_own_loans(client, world, as_user):
    r = client.get("/api/v1/loans/export.xlsx", headers=as_user("b_officer"))
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    contracts = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert contracts == ["B-0001"]


def test_api_key_has_its_organisations_scope(client, world, as_user):
    r = client.post("/api/v1/auth/api-keys", json={"name": "core banking", "roles": ["operator"]},
                    headers=as_user("a_admin"))
    assert r.status_code == 201, r.text
    key = {"X-API-Key": r.json()["api_key"]}
    assert client.get("/api/v1/loans", headers=key).json()["total"] == 1
    assert client.get(f"/api/v1/loans/{world.loan_b_id}", headers=key).status_code == 404
    bearer = {"Authorization": f"Bearer {r.json()['api_key']}"}
    assert client.get(f"/api/v1/loans/{world.loan_a_id}", headers=bearer).status_code == 200


def test_admin_cannot_create_key_for_another_org(client, world, as_user):
    r = client.post("/api/v1/auth/api-keys", json={"name": "x", "organisation_id": world.bank_b_id},
                    headers=as_user("a_admin"))
    assert r.status_code == 403


def test_web_pages_respect_scope(client, world):
    client.post("/login", data={"username": "b_officer", "password": "correct-horse-battery"})
    assert client.get(f"/loans/{world.loan_a_id}").status_code == 404
    page = client.get("/loans").text
    assert "B-0001" in page and "A-0001" not in page
    xlsx = client.get("/export/loans.xlsx")
    assert b"A-0001" not in xlsx.content


def test_regulator_sees_all_enterprise_sees_own(client, world, as_user):
    assert client.get("/api/v1/loans", headers=as_user("reg_admin")).json()["total"] == 2
    ent = client.get("/api/v1/loans", headers=as_user("ent_user")).json()
    assert [x["contract_no"] for x in ent["items"]] == ["A-0001"]
    assert client.get("/api/v1/enterprises", headers=as_user("ent_user")).json()["total"] == 1
    assert client.get(f"/api/v1/enterprises/{world.other_uscc}", headers=as_user("ent_user")).status_code == 404


def test_government_has_no_loan_level_access(client, world, as_user):
    r = client.get("/api/v1/loans", headers=as_user("gov_viewer"))
    assert r.status_code == 403
    assert client.get(f"/api/v1/loans/{world.loan_a_id}", headers=as_user("gov_viewer")).status_code == 403


def test_anonymous_gets_401(client, world):
    r = client.get("/api/v1/loans")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/loans", headers={"Authorization": "Bearer lvt_forged"}).status_code == 401

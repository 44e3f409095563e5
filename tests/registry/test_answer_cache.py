"""The answer cache never serves an answer older than the last committed write, nor another scope's."""

from datetime import date
from decimal import Decimal

from lvrongtong.kit.principal import CLI
from lvrongtong.registry import instruments
from lvrongtong.registry.schemas import LoanCreate


def test_write_through_api_invalidates(client, world, as_user):
    headers = as_user("a_officer")
    assert client.get("/api/v1/loans", headers=headers).json()["total"] == 1
    r = client.patch(f"/api/v1/loans/{world.loan_a_id}", json={"balance_cny": "123"}, headers=headers)
    assert r.status_code == 200
    again = client.get("/api/v1/loans", headers=headers).json()
    assert again["items"][0]["balance_cny"] == "123.00"


def test_write_outside_the_app_invalidates(client, world, as_user, rt):
    headers = as_user("a_officer")
    assert client.get("/api/v1/loans", headers=headers).json()["total"] == 1
    with rt.transaction() as s:  # a commit outside the app's requests (CLI, job) in this process
        instruments.create_loan(s, CLI, LoanCreate(
            contract_no="A-0002", borrower_uscc=world.ent_uscc, lender_org_id=world.bank_a_id,
            amount_cny=Decimal("100"), balance_cny=Decimal("100"), approved_on=date(2025, 1, 1),
            matures_on=date(2026, 1, 1)))
    assert client.get("/api/v1/loans", headers=headers).json()["total"] == 2


def test_same_url_different_scope(client, world, as_user, app):
    a = client.get("/api/v1/loans?page=1", headers=as_user("a_officer")).json()
    b = client.get("/api/v1/loans?page=1", headers=as_user("b_officer")).json()
    assert a["items"][0]["contract_no"] == "A-0001" and b["items"][0]["contract_no"] == "B-0001"
    client.get("/api/v1/loans?page=1", headers=as_user("a_officer"))
    assert app.state.answer_cache.hits >= 1


def test_cache_can_be_switched_off(rt, world):
    from fastapi.testclient import TestClient

    from lvrongtong.app import create_app

    rt.settings.answer_cache_size = 0
    try:
        with TestClient(create_app(rt)) as c:
            token = c.post("/api/v1/auth/token", json={"username": "a_officer",
                                                        "password": "correct-horse-battery"}).json()["access_token"]
            c.get("/api/v1/loans", headers={"Authorization": f"Bearer {token}"})
            c.get("/api/v1/loans", headers={"Authorization": f"Bearer {token}"})
            assert c.app.state.answer_cache.hits == 0
    finally:
        rt.settings.answer_cache_size = 1024


def test_other_process_commit_is_seen_within_the_lag(client, world, as_user, rt):
    import time

    from sqlalchemy import update

    from lvrongtong.kit.dataversion import DataVersion, clock

    headers = as_user("a_officer")
    first = client.get("/api/v1/loans", headers=headers).json()
    # another process's commit: data and version change, but nothing in this process was told
    with rt.engine.begin() as conn:
        conn.execute(update(DataVersion).where(DataVersion.name == "registry").values(version=DataVersion.version + 1))
        conn.exec_driver_sql(f"UPDATE instrument SET balance_cny = 1 WHERE id = {world.loan_a_id}")
    time.sleep(clock.max_age + 0.05)
    after = client.get("/api/v1/loans", headers=headers).json()
    assert first["items"][0]["balance_cny"] != after["items"][0]["balance_cny"] == "1.00"

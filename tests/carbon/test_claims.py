"""Claims register: shares on one project and year never exceed 100 %; the loan book's benefits are
computed, attributed, flagged when over-claimed, idempotent, and shown on the loan page."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from lvrongtong.carbon.benefits import compute_book
from lvrongtong.carbon.claims import ClaimExceedsProject, ClaimRequest, register
from lvrongtong.carbon.models import BenefitClaim, CalculationRun
from lvrongtong.cli import app as cli
from lvrongtong.kit.principal import CLI
from lvrongtong.registry import instruments
from lvrongtong.registry.models import Project
from lvrongtong.registry.schemas import LoanCreate


def _project(s, code):
    return s.scalar(select(Project).where(Project.code == code))


def _with_generation(rt, world, mwh=10000):
    with rt.transaction() as s:
        p = _project(s, world.project_code)
        p.capacity = {**p.capacity, "annual_generation_mwh": mwh}
        return p.id


def test_refuse_names_competing_claims(rt, world):
    pid = _with_generation(rt, world)
    with rt.transaction() as s:
        register(s, CLI, ClaimRequest(pid, 2024, "carbon_credit", "CCER-001", Decimal("0.7"), "credits issued"))
        with pytest.raises(ClaimExceedsProject) as e:
            register(s, CLI, ClaimRequest(pid, 2024, "cerf_refinancing", "CERF-9", Decimal("0.4"), "refinanced"))
        assert "CCER-001" in e.value.message_en and e.value.status == 409
        # the same claimant again replaces its own claim instead of adding to it
        register(s, CLI, ClaimRequest(pid, 2024, "carbon_credit", "CCER-001", Decimal("0.6"), "credits issued"))
        register(s, CLI, ClaimRequest(pid, 2024, "cerf_refinancing", "CERF-9", Decimal("0.4"), "refinanced"))
        total = s.scalar(select(func.sum(BenefitClaim.share)).where(BenefitClaim.project_id == pid,
                                                                    BenefitClaim.status == "accepted"))
        assert Decimal(total) == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value=0, max_value=1, places=3), min_size=1, max_size=8))
def test_accepted_shares_never_exceed_one(rt_once, shares):
    rt, pid = rt_once
    with rt.transaction() as s:
        s.query(BenefitClaim).delete()
        for n, share in enumerate(shares):
            try:
                register(s, CLI, ClaimRequest(pid, 2030, "other", f"c{n}", share, "property test"), audit=False)
            except ClaimExceedsProject:
                pass
        total = s.scalar(select(func.coalesce(func.sum(BenefitClaim.share), 0)).where(
            BenefitClaim.project_id == pid, BenefitClaim.status == "accepted"))
        assert Decimal(total) <= 1


@pytest.fixture
def rt_once(rt, world):
    return rt, _with_generation(rt, world)


def test_book_benefits_attribute_flag_and_rerun(rt, world, client, as_user):
    _with_generation(rt, world, 10000)
    with rt.transaction() as s:  # a second bank lends 30 M on the same 32 M project: 8 M + 30 M > 32 M
        instruments.create_loan(s, CLI, LoanCreate(
            contract_no="B-0002", borrower_uscc=world.ent_uscc, lender_org_id=world.bank_b_id,
            project_code=world.project_code, amount_cny=Decimal("30000000"), balance_cny=Decimal("30000000"),
            rate_pct=Decimal("3.2"), approved_on=world_date(), matures_on=world_date(2030)))
        report = compute_book(s, CLI, 2024)
    assert report.projects_with_inputs == 1 and report.accepted == 1 and report.flagged == 1
    # project: 10 000 MWh → 10^7 kWh × 305.5 gce/kWh (2020, fallback) = 3 055 tce;
    # CO2 = 10 000 MWh × 0.5227 tCO2/MWh (Chongqing 2022, fallback from 2024) = 5 227 t
    # loan A share = 8 000 000 ÷ 32 000 000 = 0.25 → 1 306.75 tCO2, 763.75 tce
    assert report.co2_reduced_t == Decimal("1306.75") and report.energy_saved_tce == Decimal("763.75")
    with rt.transaction() as s:
        again = compute_book(s, CLI, 2024)
        assert (again.accepted, again.flagged) == (1, 1)
        assert s.scalar(select(func.count()).select_from(BenefitClaim)) == 2
        assert s.scalar(select(func.count()).select_from(CalculationRun)) == 1  # identical run reused
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    page = client.get(f"/loans/{world.loan_a_id}").text
    assert "1,306.75" in page and "0.2500" in page
    run_id = page.split('href="/carbon/runs/')[1].split('"')[0]
    assert client.get(f"/carbon/runs/{run_id}").status_code == 200
    # bank B sees its own flagged claim with the competing one named, never bank A's loan page
    flagged = client.get("/api/v1/carbon/claims", headers=as_user("b_officer")).json()["items"]
    assert [c["status"] for c in flagged] == ["flagged"] and flagged[0]["competing"][0]["share"].startswith("0.25")
    assert client.get(f"/api/v1/loans/{world.loan_a_id}", headers=as_user("b_officer")).status_code == 404


def world_date(year=2024):
    from datetime import date

    return date(year, 6, 1)


def test_claims_api_refuses_over_claim_with_409(client, world, rt, as_user):
    _with_generation(rt, world)
    reg = as_user("reg_admin")
    assert client.post("/api/v1/carbon/benefits/2024", headers=as_user("a_officer")).status_code == 403
    assert client.post("/api/v1/carbon/benefits/2024", headers=reg).json()["accepted"] == 1
    r = client.post("/api/v1/carbon/claims", headers=reg, json={
        "project_code": world.project_code, "year": 2024, "claimant_kind": "carbon_credit",
        "claimant_ref": "CCER-7", "share": "0.9", "basis": "credits for the same generation"})
    assert r.status_code == 409 and r.json()["error"]["details"][0]["rule"] == "claims_at_most_one"
    r = client.post("/api/v1/carbon/claims", headers=as_user("b_officer"), json={
        "project_code": world.project_code, "year": 2024, "claimant_kind": "instrument",
        "claimant_ref": str(world.loan_a_id), "share": "0.1", "basis": "x"})
    assert r.status_code in (404, 422)  # bank B cannot claim through bank A's loan


def test_cli_benefits_json(rt, world):
    _with_generation(rt, world)
    url = rt.engine.url.render_as_string(hide_password=False)
    r = CliRunner().invoke(cli, ["carbon", "benefits", "--year", "2024", "--json", "--database-url", url])
    assert r.exit_code == 0, r.output
    assert '"accepted": 1' in r.stdout

"""Financed emissions of a book: vectorised engine matches the one-position method, scoped per bank,
missing data counted not estimated, drill-down and page (SQLite and PostgreSQL)."""

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from lvrongtong.carbon.factors import ShippedFactors
from lvrongtong.carbon.method import run
from lvrongtong.carbon.methods import get_method
from lvrongtong.carbon.models import CounterpartyYear
from lvrongtong.carbon.portfolio import Book, financed_emissions, plain_numpy
from lvrongtong.registry.models import Enterprise


def _data(rt, uscc, **kw):
    with rt.transaction() as s:
        ent = s.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
        s.add(CounterpartyYear(enterprise_id=ent.id, year=2024, source="test", updated_at=datetime.now(UTC), **kw))


def test_bank_sees_its_own_financed_emissions(rt, world, client, as_user):
    # loan A: balance 8 000 000; equity 60 M + debt 100 M → AF 0.05; 20 000 t × 0.05 = 1 000 tCO2e; option 2a → 2
    _data(rt, world.ent_uscc, emissions_scope12_t=Decimal(20000), data_option="2a",
          total_equity_cny=Decimal(60_000_000), total_debt_cny=Decimal(100_000_000))
    a = client.get("/api/v1/carbon/financed", params={"year": 2024}, headers=as_user("a_officer")).json()
    assert a["financed_emissions_tco2e"] == 1000.0 and a["weighted_data_quality"] == 2.0
    assert a["positions"]["ok"] == 1 and a["coverage_by_balance"] == 1.0
    assert a["intensity_tco2e_per_million_cny"] == 125.0  # 1 000 t ÷ 8 CNY m
    b = client.get("/api/v1/carbon/financed", params={"year": 2024}, headers=as_user("b_officer")).json()
    assert b["financed_emissions_tco2e"] == 0 and b["positions"]["no_data"] == 1  # loan B's borrower has no data
    reg = client.get("/api/v1/carbon/financed", params={"year": 2024}, headers=as_user("reg_admin")).json()
    assert reg["positions"] == {"ok": 1, "no_data": 1, "denominator_not_positive": 0, "attribution_above_one": 0}
    assert reg["coverage_by_balance"] == 0.8  # 8 M of 10 M
    rows = client.get("/api/v1/carbon/financed/positions", params={"year": 2024, "status": "no_data"},
                      headers=as_user("reg_admin")).json()
    assert [r["reference"] for r in rows["items"]] == ["B-0001"]
    assert client.get("/api/v1/carbon/financed", params={"year": 2024}, headers=as_user("gov_viewer")).status_code == 403
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    page = client.get("/carbon/financed?year=2024")
    assert page.status_code == 200 and "A-0001" in page.text and "B-0001" not in page.text


def test_listed_counterparty_uses_evic_and_attribution_above_one_is_flagged(rt, world, client, as_user):
    with rt.transaction() as s:
        s.scalar(select(Enterprise).where(Enterprise.uscc == world.ent_uscc)).listed = True
    _data(rt, world.ent_uscc, emissions_scope12_t=Decimal(1000), data_option="1a", total_equity_cny=Decimal(1),
          total_debt_cny=Decimal(1), evic_cny=Decimal(4_000_000))  # 8 M > EVIC 4 M → AF 2 → flagged
    a = client.get("/api/v1/carbon/financed", params={"year": 2024}, headers=as_user("a_officer")).json()
    assert a["positions"]["attribution_above_one"] == 1 and a["financed_emissions_tco2e"] == 0


@given(st.lists(st.tuples(st.floats(1, 1e9), st.floats(-1e9, 1e10), st.floats(1, 1e10), st.floats(0, 1e7),
                          st.sampled_from(["1a", "2b", "3c"])), min_size=1, max_size=30))
def test_vectorised_engine_agrees_with_the_single_position_method(rows):
    bal, eq, debt, em, opt = (np.array(c) for c in zip(*rows, strict=True))
    book = Book(bal.astype(float), em.astype(float), eq.astype(float), debt.astype(float), np.full(len(rows), np.nan),
                np.zeros(len(rows), bool), Book.scores_for(list(opt)))
    out = financed_emissions(book)
    expected = 0.0
    for b, e, d, m, o in rows:
        try:
            r = run(get_method("financed.business_loan"), {"outstanding": repr(b), "equity": repr(e), "debt": repr(d),
                                                            "emissions": repr(m), "data_option": o}, ShippedFactors())
            expected += float(r.figures["financed_emissions"])
        except Exception:  # refused positions contribute nothing
            pass
    assert abs(out.total_tco2e - expected) <= 1e-6 * max(1.0, expected)
    assert out.counts["ok"] + out.counts["attribution_above_one"] + out.counts["denominator_not_positive"] == len(rows)
    ok = out.status == 0
    assert np.all((out.attribution[ok] >= 0) & (out.attribution[ok] <= 1))


def test_plain_baseline_equals_engine_on_clean_data():
    rng = np.random.default_rng(3)
    eq, debt = rng.uniform(1e6, 1e9, 1000), rng.uniform(1e6, 1e9, 1000)
    bal, em = rng.uniform(1, 1e6, 1000), rng.uniform(0, 1e5, 1000)
    book = Book(bal, em, eq, debt, np.full(1000, np.nan), np.zeros(1000, bool), np.full(1000, 3.0))
    assert abs(financed_emissions(book).total_tco2e - plain_numpy(bal, eq, debt, em)) < 1e-6

"""The monitoring cube on accepted submissions: stocks at the snapshot month, flows summed, shares,
weighted rates, year-on-year, scope by role, drill-down — checked against sums computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lvrongtong.kit.errors import AppError
from lvrongtong.kit.principal import CLI
from lvrongtong.reporting import service as reporting
from lvrongtong.statistics import service as stats
from lvrongtong.statistics.definitions import Query
from tests.reporting.helpers import loan_row


def _report(rt, world, period, rows):
    with rt.transaction() as s:
        out = reporting.submit_json(s, CLI, rt.settings, world.bank_a_id, period, rows, None)
        assert out.submission.status == "accepted", [f for f in out.findings][:5]


def _world_book(world):
    green = loan_row(world, 1, balance_cny="8000000.00", rate_pct="3.00", co2e_reduction_t="100")
    other = loan_row(world, 2, green="否", catalogue_code="", amount_cny="5000000.00", balance_cny="2000000.00",
                     rate_pct="4.00", district_code="500103")
    trans = loan_row(world, 3, green="否", transition="是", catalogue_code="", amount_cny="3000000.00",
                     balance_cny="3000000.00", rate_pct="3.50", approved_on="2025-09-01", disbursed_on="2025-09-15",
                     matures_on="2028-09-15")
    return green, other, trans


def test_month_quarter_and_yoy(rt, world):
    green, other, trans = _world_book(world)
    _report(rt, world, "2024-09", [green, other])
    _report(rt, world, "2025-08", [green, other])
    _report(rt, world, "2025-09", [dict(green, balance_cny="7000000.00"), other, trans])
    with rt.transaction() as s:
        cube = stats.build(s, CLI, rt.settings, Query(by=[], grain="month"))
    cells = {c["t"]: c for c in cube.cells}
    sep = cells["2025-09"]
    assert Decimal(sep["balance_cny"]) == Decimal("12000000.00") and sep["loans"] == 3
    assert Decimal(sep["green_balance_cny"]) == Decimal("7000000.00")
    assert Decimal(sep["transition_balance_cny"]) == Decimal("3000000.00")
    assert sep["green_share"] == pytest.approx(7 / 12)
    # balance-weighted rate: (3.00×7m + 4.00×2m + 3.50×3m) / 12m
    assert sep["rate_balance_weighted_pct"] == pytest.approx((21 + 8 + 10.5) / 12)
    assert Decimal(sep["new_lending_cny"]) == Decimal("3000000.00") and sep["new_loans"] == 1
    assert sep["rate_new_weighted_pct"] == pytest.approx(3.5)
    assert sep["balance_yoy"] == pytest.approx(12 / 10 - 1)  # vs 2024-09: 8m + 2m
    assert Decimal(sep["co2e_reduction_t"]) == Decimal("100")
    with rt.transaction() as s:
        q = stats.build(s, CLI, rt.settings, Query(by=[], grain="quarter")).cells
    q3 = {c["t"]: c for c in q}["2025-Q3"]
    assert q3["snapshot"] == "2025-09" and Decimal(q3["balance_cny"]) == Decimal("12000000.00")  # not Aug + Sep


def test_by_dimensions_with_labels_and_drill(rt, world):
    green, other, trans = _world_book(world)
    _report(rt, world, "2025-09", [green, other, trans])
    with rt.transaction() as s:
        cube = stats.build(s, CLI, rt.settings, Query(by=["district", "green_type"]))
        cells = {(c["district"], c["green_type"]): c for c in cube.cells}
        assert Decimal(cells[("500103", "other")]["balance_cny"]) == Decimal("2000000.00")
        assert cells[("500112", "green")]["district_name"] and cells[("500112", "green")]["green_type_name"] == "绿色"
        by_level = stats.build(s, CLI, rt.settings, Query(by=["level1"])).cells
        assert {c["level1"] for c in by_level} == {"2019:1", ""}
        loans, total = stats.drill(s, CLI, rt.settings, Query(by=["district"]), {"district": "500112"}, "2025-09")
        assert total == 2 and {r["loan_id"] for r in loans} == {"A-00001", "A-00003"}


def test_scope_bank_sees_own_government_no_loans(rt, world, client):
    from sqlalchemy import select

    from lvrongtong.auth.models import User
    from lvrongtong.auth.service import principal_for_user

    green, other, trans = _world_book(world)
    _report(rt, world, "2025-09", [green, other, trans])
    with rt.transaction() as s:
        def who(name):
            return principal_for_user(s, s.scalar(select(User).where(User.username == name)))

        assert stats.build(s, who("b_officer"), rt.settings, Query()).cells == []  # bank B: nothing of bank A
        assert len(stats.build(s, who("a_officer"), rt.settings, Query()).cells) == 1
        assert len(stats.build(s, who("gov_viewer"), rt.settings, Query()).cells) == 1
        with pytest.raises(AppError) as e:
            stats.drill(s, who("gov_viewer"), rt.settings, Query(), {}, "2025-09")
        assert e.value.status == 403
        with pytest.raises(AppError) as e:
            stats.build(s, who("ent_user"), rt.settings, Query())
        assert e.value.status == 403


def test_bad_queries_name_the_field(rt, world):
    with rt.transaction() as s:
        for q, field in ((Query(by=["nope"]), "by"), (Query(grain="week"), "grain"),
                         (Query(period_from="2025-13"), "period_from"),
                         (Query(where={"district": ["x' OR 1=1 --"]}), "district")):
            with pytest.raises(AppError) as e:
                stats.build(s, CLI, rt.settings, q)
            assert e.value.details[0].field == field

"""Every validation rule fires on the case it is written for, and only then (pure, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from lvrongtong.reference.uscc import make_uscc
from lvrongtong.reporting import rules
from lvrongtong.reporting.fields import parse_row

BANK = make_uscc("9", "1", "500103", "BANKA001")
BORROWER = make_uscc("9", "1", "500112", "ENT00001")


def ctx() -> rules.Context:
    return rules.Context(date(2026, 10, 1), date(2026, 10, 31), BANK, {"500112", "500103"}, {"4416", "3670"},
                         {"2019": {"1", "1.1", "1.1.1"}, "2025": {"1", "1.1", "1.1.1", "3.2.1"}})


def row(**over):
    base = {"loan_id": "A-1", "borrower_uscc": BORROWER, "borrower_name": "示例", "enterprise_size": "中型",
            "industry_code": "4416", "district_code": "500112", "amount_cny": "100.00", "balance_cny": "80.00",
            "rate_pct": "3.1", "approved_on": "2024-03-05", "disbursed_on": "2024-03-10", "matures_on": "2029-03-10",
            "green": "是", "catalogue_code": "1.1.1"}
    base.update(over)
    return base


def fired(rows, control=rules.ControlTotals(None, None, None)) -> set[str]:
    return {f.rule for f in rules.evaluate([(i + 2, parse_row(r)) for i, r in enumerate(rows)], ctx(), control)}


def test_a_clean_row_passes_every_rule():
    assert fired([row()]) == set()


CASES = [
    ("DRR-001", {"borrower_name": ""}),
    ("DRR-002", {"amount_cny": "一百"}),
    ("DRR-002", {"balance_cny": "80.001"}),
    ("DRR-002", {"approved_on": "2024/13/01"}),
    ("DRR-002", {"enterprise_size": "huge"}),
    ("DRR-003", {"borrower_uscc": BORROWER[:-1] + ("0" if BORROWER[-1] != "0" else "1")}),
    ("DRR-004", {"industry_code": "9999"}),
    ("DRR-005", {"district_code": "110101"}),
    ("DRR-006", {"amount_cny": "0", "balance_cny": "0"}),
    ("DRR-007", {"balance_cny": "120.00"}),
    ("DRR-008", {"rate_pct": "-0.5"}),
    ("DRR-009", {"rate_pct": "18"}),
    ("DRR-010", {"disbursed_on": "2024-03-01"}),
    ("DRR-011", {"approved_on": "2026-11-02", "disbursed_on": "2026-11-03", "matures_on": "2027-11-03"}),
    ("DRR-012", {"catalogue_code": ""}),
    ("DRR-013", {"catalogue_code": "3.2.1"}),  # in 2025, not in 2019 which applies to a 2024 approval
    ("DRR-013", {"catalogue_version": "2025"}),
    ("DRR-014", {"carbon_reduction_tool": "是"}),
    ("DRR-015", {"carbon_reduction_tool": "是", "green": "否", "catalogue_code": "", "co2e_reduction_t": "5"}),
    ("DRR-016", {"energy_saving_tce": "-1"}),
    ("DRR-017", {"reporting_institution_uscc": BORROWER}),
    ("DRR-018", {"transition": "是"}),
    ("DRR-019", {"approved_on": "2020-01-01", "disbursed_on": "2020-01-02", "matures_on": "2025-01-02"}),
]


@pytest.mark.parametrize("rule,change", CASES, ids=[f"{r}-{next(iter(c))}" for r, c in CASES])
def test_each_rule_fires_on_its_case(rule, change):
    assert rule in fired([row(**change)])


def test_set_rules():
    assert "DRR-020" in fired([row(), row()])  # duplicate loan id
    assert "DRR-022" in fired([row()], control=None)  # no aggregate line: warning
    assert rules.BY_ID["DRR-022"].severity == "warning"
    assert "DRR-021" in fired([row()], rules.ControlTotals(1, None, rules.Decimal("79.99")))
    assert "DRR-021" not in fired([row()], rules.ControlTotals(1, rules.Decimal("100"), rules.Decimal("80")))
    assert "DRR-023" in fired([])


def test_every_rule_is_tested_and_described():
    tested = {r for r, _ in CASES} | {"DRR-020", "DRR-021", "DRR-022", "DRR-023"}
    assert tested == set(rules.BY_ID)
    for r in rules.RULES:
        assert r.zh and r.en and r.basis and r.severity in ("error", "warning")


def test_counts_separate_errors_and_warnings():
    found = rules.evaluate([(2, parse_row(row(rate_pct="18"))), (3, parse_row(row(loan_id="A-2", balance_cny="500")))],
                           ctx(), None)
    c = rules.counts(found)
    assert c["errors"] == 1 and c["warnings"] == 2 and c["rows_with_errors"] == 1 and c["rows_with_warnings"] == 1

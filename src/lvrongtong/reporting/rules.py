"""Validation rules for loan-level reports, as code (pure: no I/O).

Each rule has an id, a version, a severity (``error`` blocks the submission, ``warning`` does
not), the field it judges, zh/en messages and its basis — the standard it comes from, or
``platform`` where the rule is this platform's own plausibility check (the PBoC's green-loan
statistics rules are not public: shared facts §1.5, §10). The rule set has one version; every
submission records the version that judged it.

Row rules see one typed row; set rules (duplicates, control totals) see the whole submission.
``evaluate`` returns every finding; nothing is stopped at the first error, so an institution
sees all of its problems at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from lvrongtong.reference.catalogue_rules import version_for
from lvrongtong.reference.uscc import validate_uscc
from lvrongtong.reporting.fields import FIELDS

RULESET_VERSION = "drr-2026.1"
# Platform plausibility bounds for the annual rate (%): outside them a warning, not an error.
# Not a regulatory limit — configurable per installation (Context.rate_warn_low/high).
RATE_WARN_LOW = Decimal("1.0")
RATE_WARN_HIGH = Decimal("15.0")


@dataclass
class Context:
    """What the rules need to know beyond the row (built once per submission)."""

    period_start: date
    period_end: date
    institution_uscc: str
    regions: set[str]
    industries: set[str]
    catalogue_codes: dict[str, set[str]]  # version → item codes
    rate_warn_low: Decimal = RATE_WARN_LOW
    rate_warn_high: Decimal = RATE_WARN_HIGH
    _uscc_ok: dict[str, bool] = field(default_factory=dict)

    def uscc_valid(self, code: str) -> bool:
        ok = self._uscc_ok.get(code)
        if ok is None:
            ok = self._uscc_ok[code] = validate_uscc(code).valid
        return ok


@dataclass(frozen=True)
class Rule:
    id: str
    version: int
    severity: str  # error / warning
    field: str
    zh: str
    en: str
    basis: str
    check: Callable[[dict[str, Any], Context], Iterable[tuple[str, Any]] | None] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "severity": self.severity, "field": self.field,
                "message_zh": self.zh, "message_en": self.en, "basis": self.basis,
                "scope": "row" if self.check else "submission"}


@dataclass(frozen=True)
class Finding:
    row: int  # spreadsheet row number (1 = header), or 0 for the submission as a whole
    loan_id: str
    rule: str
    field: str
    value: str


def _v(value: Any) -> str:
    return "" if value is None else str(value)[:80]


# --- row rules: each yields (field, offending value) or returns None -------------------------------

def _required(row, ctx):
    return [(f.name, "") for f in FIELDS if f.required and row.get(f.name) is None and f.name not in row["_bad"]]


def _uscc(row, ctx):
    code = row["borrower_uscc"]
    if code is not None and not ctx.uscc_valid(code.upper()):
        return [("borrower_uscc", code)]


def _industry(row, ctx):
    code = row["industry_code"]
    if code is not None and code not in ctx.industries:
        return [("industry_code", code)]


def _district(row, ctx):
    code = row["district_code"]
    if code is not None and code not in ctx.regions:
        return [("district_code", code)]


def _amounts(row, ctx):
    out = []
    if row["amount_cny"] is not None and row["amount_cny"] <= 0:
        out.append(("amount_cny", row["amount_cny"]))
    if row["balance_cny"] is not None and row["balance_cny"] < 0:
        out.append(("balance_cny", row["balance_cny"]))
    return out


def _balance_le_amount(row, ctx):
    a, b = row["amount_cny"], row["balance_cny"]
    if a is not None and b is not None and b > a:
        return [("balance_cny", b)]


def _rate_impossible(row, ctx):
    r = row["rate_pct"]
    if r is not None and (r < 0 or r >= 100):
        return [("rate_pct", r)]


def _rate_plausible(row, ctx):
    r = row["rate_pct"]
    if r is not None and 0 <= r < 100 and not ctx.rate_warn_low <= r <= ctx.rate_warn_high:
        return [("rate_pct", r)]


def _date_order(row, ctx):
    a, d, m = row["approved_on"], row["disbursed_on"], row["matures_on"]
    out = []
    if a and d and d < a:
        out.append(("disbursed_on", d))
    if m and (d or a) and m <= (d or a):
        out.append(("matures_on", m))
    return out


def _not_after_period(row, ctx):
    return [(name, row[name]) for name in ("approved_on", "disbursed_on")
            if row[name] is not None and row[name] > ctx.period_end]


def _green_needs_code(row, ctx):
    if row["green"] and not row["catalogue_code"]:
        return [("catalogue_code", "")]


def expected_version(row) -> str | None:
    return version_for("loan", row["approved_on"]) if row["approved_on"] else None


def _catalogue(row, ctx):
    code = row["catalogue_code"]
    if not code or row["approved_on"] is None:
        return None
    expected = expected_version(row)
    if row["catalogue_version"] and row["catalogue_version"] != expected:
        return [("catalogue_version", row["catalogue_version"])]
    if code not in ctx.catalogue_codes.get(expected, ()):
        return [("catalogue_code", code)]


def _cerf_benefit(row, ctx):
    if row["carbon_reduction_tool"] and not (row["co2e_reduction_t"] and row["co2e_reduction_t"] > 0):
        return [("co2e_reduction_t", row["co2e_reduction_t"])]


def _cerf_green(row, ctx):
    if row["carbon_reduction_tool"] and row["green"] is False:
        return [("green", "false")]


def _benefit_non_negative(row, ctx):
    return [(n, row[n]) for n in ("co2e_reduction_t", "energy_saving_tce") if row[n] is not None and row[n] < 0]


def _institution(row, ctx):
    code = row["reporting_institution_uscc"]
    if code and code.upper() != ctx.institution_uscc:
        return [("reporting_institution_uscc", code)]


def _green_and_transition(row, ctx):
    if row["green"] and row["transition"]:
        return [("transition", "true")]


def _matured_outstanding(row, ctx):
    m, b = row["matures_on"], row["balance_cny"]
    if m is not None and b and b > 0 and m < ctx.period_start:
        return [("matures_on", m)]


PLATFORM = "platform: plausibility check of this platform (PBoC statistics rules are not public, facts §1.5)"
RULES: tuple[Rule, ...] = (
    Rule("DRR-001", 1, "error", "*", "必填字段为空", "a required field is empty",
         "common data model (docs/reporting.md)", _required),
    Rule("DRR-002", 1, "error", "*", "字段值无法读取（格式不符）", "a value cannot be read (wrong format)",
         "common data model (docs/reporting.md)", None),
    Rule("DRR-003", 1, "error", "borrower_uscc", "统一社会信用代码校验位错误或格式不符",
         "unified social credit code fails its GB 32100 check", "GB 32100-2015 §4–5", _uscc),
    Rule("DRR-004", 1, "error", "industry_code", "行业代码不在 GB/T 4754-2017 中",
         "industry code is not in GB/T 4754-2017", "GB/T 4754-2017", _industry),
    Rule("DRR-005", 1, "error", "district_code", "地区代码不在 GB/T 2260 参考数据中",
         "district code is not in the GB/T 2260 reference data", "GB/T 2260", _district),
    Rule("DRR-006", 1, "error", "amount_cny", "合同金额须大于0，余额不得为负",
         "contract amount must be > 0 and balance ≥ 0", PLATFORM, _amounts),
    Rule("DRR-007", 1, "error", "balance_cny", "贷款余额不得大于合同金额", "balance must not exceed the contract amount",
         PLATFORM, _balance_le_amount),
    Rule("DRR-008", 1, "error", "rate_pct", "利率不可能（小于0或不小于100%）", "impossible rate (< 0 or ≥ 100 %)",
         PLATFORM, _rate_impossible),
    Rule("DRR-009", 1, "warning", "rate_pct",
         f"利率超出合理区间 {RATE_WARN_LOW}%–{RATE_WARN_HIGH}%（平台设定，可配置），请核实",
         f"rate outside the plausible range {RATE_WARN_LOW}–{RATE_WARN_HIGH} % (platform setting); please check",
         PLATFORM, _rate_plausible),
    Rule("DRR-010", 1, "error", "disbursed_on", "日期顺序应为 审批 ≤ 发放 < 到期",
         "dates must run approved ≤ disbursed < matures", PLATFORM, _date_order),
    Rule("DRR-011", 1, "error", "approved_on", "审批或发放日期晚于报告期末", "approval or disbursement after the end "
         "of the reporting month", PLATFORM, _not_after_period),
    Rule("DRR-012", 1, "error", "catalogue_code", "绿色贷款须填写目录分类代码", "a green loan needs a catalogue code",
         "green-loan statistics classify by catalogue item (facts §1.5)", _green_needs_code),
    Rule("DRR-013", 1, "error", "catalogue_code",
         "目录代码不在审批日适用的目录版本中（2025-10-01前审批适用2019版，之后适用2025版）",
         "catalogue code is not in the version valid at the approval date (2019 before 2025-10-01, 2025 after)",
         "《绿色金融支持项目目录(2025年版)》 transition rule (facts §1.4); reference/catalogue_rules.py", _catalogue),
    Rule("DRR-014", 1, "error", "co2e_reduction_t", "碳减排支持工具贷款须填报年碳减排量（大于0）",
         "a carbon-reduction-facility loan needs its annual CO2e reduction (> 0)",
         "PBoC CERF: FIs disclose the emission reductions driven (facts §3.1)", _cerf_benefit),
    Rule("DRR-015", 1, "error", "green", "碳减排支持工具贷款应为绿色贷款",
         "a carbon-reduction-facility loan must be flagged green",
         "PBoC CERF supports 清洁能源, 节能环保, 碳减排技术 (facts §3.1)", _cerf_green),
    Rule("DRR-016", 1, "error", "co2e_reduction_t", "环境效益数值不得为负", "benefit figures must not be negative",
         PLATFORM, _benefit_non_negative),
    Rule("DRR-017", 1, "error", "reporting_institution_uscc", "报送机构代码与提交机构不一致（不得代其他机构报送）",
         "the reporting institution in the row is not the submitting institution", PLATFORM, _institution),
    Rule("DRR-018", 1, "warning", "transition", "同时标记为绿色和转型贷款，请核实",
         "flagged both green and transition; please check", PLATFORM, _green_and_transition),
    Rule("DRR-019", 1, "warning", "matures_on", "已到期贷款仍有余额，请核实是否逾期或展期",
         "matured before the reporting month but still has a balance (overdue or extended?)", PLATFORM,
         _matured_outstanding),
    Rule("DRR-020", 1, "error", "loan_id", "同一报送中贷款编号重复", "duplicate loan id in the submission",
         PLATFORM, None),
    Rule("DRR-021", 1, "error", "balance_cny", "明细合计与机构汇总行不一致", "row totals do not reconcile with the "
         "institution's aggregate line", PLATFORM, None),
    Rule("DRR-022", 1, "warning", "loan_id", "未提供机构汇总行（合计），无法核对总数",
         "no aggregate line (合计 / TOTAL): totals could not be reconciled", PLATFORM, None),
    Rule("DRR-023", 1, "error", "*", "报送中没有贷款明细", "the submission holds no loan rows", PLATFORM, None),
)
BY_ID = {r.id: r for r in RULES}
ROW_RULES = tuple(r for r in RULES if r.check is not None)


@dataclass(frozen=True)
class ControlTotals:
    loan_count: int | None
    amount_cny: Decimal | None
    balance_cny: Decimal | None


class Checker:
    """Runs every rule over a submission one row at a time (so a large file is never held as rows)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.findings: list[Finding] = []
        self.rows = 0
        self._seen: dict[str, int] = {}
        self.amount = Decimal(0)
        self.balance = Decimal(0)

    def row(self, number: int, row: dict[str, Any]) -> None:
        add = self.findings.append
        loan_id = row["loan_id"] or ""
        for name, raw in row["_bad"].items():
            add(Finding(number, loan_id, "DRR-002", name, raw))
        for rule in ROW_RULES:
            hits = rule.check(row, self.ctx)
            if hits:
                for name, value in hits:
                    add(Finding(number, loan_id, rule.id, name, _v(value)))
        if loan_id:
            first = self._seen.setdefault(loan_id, number)
            if first != number:
                add(Finding(number, loan_id, "DRR-020", "loan_id", f"{loan_id} (row {first})"))
        self.rows += 1
        self.amount += row["amount_cny"] or 0
        self.balance += row["balance_cny"] or 0

    def finish(self, control: ControlTotals | None) -> list[Finding]:
        add = self.findings.append
        if not self.rows:
            add(Finding(0, "", "DRR-023", "*", ""))
        if control is None:
            add(Finding(0, "", "DRR-022", "loan_id", ""))
        else:
            for name, stated, actual in (("loan_count", control.loan_count, self.rows),
                                         ("amount_cny", control.amount_cny, self.amount),
                                         ("balance_cny", control.balance_cny, self.balance)):
                if stated is not None and stated != actual:
                    add(Finding(0, "", "DRR-021", name, f"stated {stated}, rows sum to {actual}"))
        return self.findings


def evaluate(rows: list[tuple[int, dict[str, Any]]], ctx: Context,
             control: ControlTotals | None) -> list[Finding]:
    """All findings for a parsed submission. ``rows`` are (row number, typed row with ``_bad``)."""
    checker = Checker(ctx)
    for number, row in rows:
        checker.row(number, row)
    return checker.finish(control)


def counts(findings: list[Finding]) -> dict[str, Any]:
    by_rule: dict[str, int] = {}
    error_rows: set[int] = set()
    warning_rows: set[int] = set()
    for f in findings:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        (error_rows if BY_ID[f.rule].severity == "error" else warning_rows).add(f.row)
    errors = sum(n for r, n in by_rule.items() if BY_ID[r].severity == "error")
    return {"errors": errors, "warnings": sum(by_rule.values()) - errors, "by_rule": dict(sorted(by_rule.items())),
            "rows_with_errors": len(error_rows - {0}), "rows_with_warnings": len(warning_rows - {0})}

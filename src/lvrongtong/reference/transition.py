"""Transition assessment — the platform's own method, used because the Chongqing transition-finance
support catalogue and the national sector standards' criteria could not be sourced (shared facts §2,
facts-2 §4).

What it rests on:

* sectors: the PBoC-led first batch of transition-finance standards (coal power, steel, building
  materials, agriculture), the second batch in drafting (shipping, chemicals, petrochemicals,
  metallurgy) and Chongqing's local standards (Wanzhou shipping, Changshou organic chemistry) —
  ``data/transition_sectors.csv``, each with its source; the GB/T 4754 mapping is the platform's;
* intensity benchmarks: 标杆水平 (benchmark) and 基准水平 (baseline) levels of the NDRC energy-efficiency
  notices where sourced (``data/transition_benchmarks.csv``), or a benchmark the user supplies with
  its source;
* a transition plan: baseline year and intensity, current intensity, target year and intensity,
  milestones, measures (expected reduction, year, whether it adds fossil capacity), a DNSH statement —
  the plan structure of the Hebei steel transition guideline (strategy and targets, decarbonisation
  path, safeguards, disclosure; shared facts-2 §4).

Checks (lower intensity is better), each reported with its result and reason:

``sector_in_scope``     the industry code falls in a listed transition sector;
``reaches_baseline``    the target is at or below the 基准 level (when a benchmark is known);
``reaches_benchmark``   the target is at or below the 标杆 level (a warning when not: not required);
``path_consistent``     every milestone lies on or below the straight line baseline → target;
``measures_cover_gap``  the measures' combined reductions (1 − Π(1 − rᵢ)) cover the cut from current
                        to target;
``no_lock_in``          no measure adds fossil capacity (avoid carbon lock-in);
``dnsh``                the plan states it does no significant harm to other environmental goals.

Decision: ``transition`` when the sector is in scope and every required check passes;
``needs_improvement`` when in scope but a required check fails; ``not_in_scope`` otherwise.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources

from lvrongtong.kit.errors import FieldError, ValidationFailed

METHOD_ID = "platform.transition.v1"
REQUIRED = ("reaches_baseline", "path_consistent", "measures_cover_gap", "no_lock_in", "dnsh")


@dataclass(frozen=True)
class Measure:
    name: str
    reduction_pct: Decimal  # expected cut of the intensity, percent
    year: int
    adds_fossil_capacity: bool = False


@dataclass(frozen=True)
class Plan:
    industry_code: str
    unit: str
    baseline_year: int
    baseline_value: Decimal
    current_value: Decimal
    target_year: int
    target_value: Decimal
    milestones: tuple[tuple[int, Decimal], ...] = ()
    measures: tuple[Measure, ...] = ()
    dnsh_confirmed: bool = False
    benchmark_id: str | None = None
    benchmark_level: Decimal | None = None  # user-supplied 标杆 (with benchmark_source)
    baseline_level: Decimal | None = None  # user-supplied 基准
    benchmark_source: str = ""


@dataclass
class Check:
    id: str
    result: str  # pass / fail / warn / n/a
    zh: str
    en: str


@dataclass
class Assessment:
    decision: str
    sector: dict | None
    benchmark: dict | None
    checks: list[Check] = field(default_factory=list)
    required_annual_cut_pct: Decimal | None = None
    method: str = METHOD_ID
    label_zh: str = "平台自有方法（非官方目录）：重庆市转型金融支持项目目录的行业与标准未能取得"
    label_en: str = "Platform's own method, not an official catalogue: the Chongqing transition catalogue could not be sourced"

    def as_dict(self) -> dict:
        return {"decision": self.decision, "method": self.method, "label_zh": self.label_zh, "label_en": self.label_en,
                "sector": self.sector, "benchmark": self.benchmark,
                "required_annual_cut_pct": None if self.required_annual_cut_pct is None
                else format(self.required_annual_cut_pct.quantize(Decimal("0.01")), "f"),
                "checks": [c.__dict__ for c in self.checks]}


def _csv(name: str) -> list[dict[str, str]]:
    raw = resources.files("lvrongtong.reference").joinpath("data", name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(raw.splitlines()))


def sectors() -> list[dict[str, str]]:
    return _csv("transition_sectors.csv")


def benchmarks() -> list[dict[str, str]]:
    return _csv("transition_benchmarks.csv")


def sector_for(industry_code: str) -> dict | None:
    """The transition sector whose GB/T 4754 codes (any level) prefix the given code."""
    best = None
    for s in sectors():
        for code in s["industry_codes"].split(";"):
            if industry_code.startswith(code) and (best is None or len(code) > best[0]):
                best = (len(code), s)
    return best[1] if best else None


def check_plan(plan: Plan) -> None:
    problems = []
    if plan.target_year <= plan.baseline_year:
        problems.append(FieldError("target_year", "after_baseline", "目标年份须晚于基准年份",
                                   "target_year must be after baseline_year"))
    for name in ("baseline_value", "current_value", "target_value"):
        if getattr(plan, name) < 0:
            problems.append(FieldError(name, "non_negative", f"{name} 不能为负", f"{name} must not be negative"))
    for year, _ in plan.milestones:
        if not plan.baseline_year < year <= plan.target_year:
            problems.append(FieldError("milestones", "within_plan_years", f"里程碑年份 {year} 不在计划期内",
                                       f"milestone year {year} is outside the plan years"))
    for m in plan.measures:
        if not Decimal(0) <= m.reduction_pct < 100:
            problems.append(FieldError("measures", "reduction_range", f"措施“{m.name}”的降幅应在 0–100% 之间",
                                       f"measure '{m.name}': reduction must be in [0, 100) %"))
    if (plan.benchmark_level is None) != (plan.baseline_level is None) or (
            plan.benchmark_level is not None and not plan.benchmark_source):
        problems.append(FieldError("benchmark_level", "benchmark_pair_with_source", "自定标杆/基准须同时给出并注明来源",
                                   "give both benchmark_level and baseline_level, with benchmark_source"))
    if problems:
        raise ValidationFailed(problems)


def _benchmark(plan: Plan) -> dict | None:
    if plan.benchmark_level is not None:
        return {"benchmark_id": "user", "benchmark_level": str(plan.benchmark_level),
                "baseline_level": str(plan.baseline_level), "unit": plan.unit, "source": plan.benchmark_source,
                "verification": "unverified", "note": "supplied by the user"}
    if plan.benchmark_id:
        found = next((b for b in benchmarks() if b["benchmark_id"] == plan.benchmark_id), None)
        if found is None:
            raise ValidationFailed([FieldError("benchmark_id", "benchmark_known", "未知的能效标杆编号",
                                               f"unknown benchmark id {plan.benchmark_id}")])
        if found["unit"] != plan.unit:
            raise ValidationFailed([FieldError("unit", "unit_matches_benchmark",
                                               f"计划单位须与标杆单位 {found['unit']} 一致",
                                               f"the plan's unit must be the benchmark's unit {found['unit']}")])
        return found
    return None


def assess(plan: Plan) -> Assessment:
    check_plan(plan)
    sector, bench = sector_for(plan.industry_code), _benchmark(plan)
    out = Assessment("not_in_scope", sector, bench)
    out.checks.append(Check("sector_in_scope", "pass" if sector else "fail",
                            f"行业 {plan.industry_code} {'属于转型行业：' + sector['name_zh'] if sector else '不在已知转型行业清单内'}",
                            f"industry {plan.industry_code} {'is in transition sector ' + sector['name_en'] if sector else 'is not in a listed transition sector'}"))
    years = plan.target_year - plan.baseline_year
    if plan.baseline_value > 0:
        ratio = plan.target_value / plan.baseline_value
        out.required_annual_cut_pct = (1 - (ratio.ln() / years).exp()) * 100 if ratio > 0 else Decimal(100)
    out.checks += _level_checks(plan, bench)
    out.checks.append(_path_check(plan))
    out.checks.append(_measures_check(plan))
    locked = [m.name for m in plan.measures if m.adds_fossil_capacity]
    out.checks.append(Check("no_lock_in", "fail" if locked else "pass",
                            "新增化石能源产能的措施：" + "、".join(locked) if locked else "无新增化石能源产能的措施",
                            "measures adding fossil capacity: " + ", ".join(locked) if locked else "no measure adds fossil capacity"))
    out.checks.append(Check("dnsh", "pass" if plan.dnsh_confirmed else "fail",
                            "已声明无重大损害" if plan.dnsh_confirmed else "未声明对其他环境目标无重大损害（DNSH）",
                            "DNSH stated" if plan.dnsh_confirmed else "no statement that the plan does no significant harm"))
    if sector:
        failed = [c for c in out.checks if c.id in REQUIRED and c.result == "fail"]
        out.decision = "needs_improvement" if failed else "transition"
    return out


def _level_checks(plan: Plan, bench: dict | None) -> list[Check]:
    if bench is None:
        na = ("未提供能效标杆/基准，无法比较", "no benchmark known or supplied; not compared")
        return [Check("reaches_baseline", "n/a", *na), Check("reaches_benchmark", "n/a", *na)]
    base, top = Decimal(bench["baseline_level"]), Decimal(bench["benchmark_level"])
    return [
        Check("reaches_baseline", "pass" if plan.target_value <= base else "fail",
              f"目标 {plan.target_value} {'≤' if plan.target_value <= base else '>'} 基准水平 {base} {plan.unit}",
              f"target {plan.target_value} {'≤' if plan.target_value <= base else '>'} baseline level {base} {plan.unit}"),
        Check("reaches_benchmark", "pass" if plan.target_value <= top else "warn",
              f"目标 {plan.target_value} {'≤' if plan.target_value <= top else '>'} 标杆水平 {top} {plan.unit}",
              f"target {plan.target_value} {'≤' if plan.target_value <= top else '>'} benchmark level {top} {plan.unit}"),
    ]


def _path_check(plan: Plan) -> Check:
    span = Decimal(plan.target_year - plan.baseline_year)
    above = []
    for year, value in sorted(plan.milestones):
        line = plan.baseline_value + (plan.target_value - plan.baseline_value) * (year - plan.baseline_year) / span
        if value > line:
            above.append(f"{year}: {value} > {line.quantize(Decimal('0.01'))}")
    if not plan.milestones:
        return Check("path_consistent", "fail", "计划未给出中间里程碑", "the plan gives no milestones")
    return Check("path_consistent", "fail" if above else "pass",
                 "里程碑高于直线路径：" + "；".join(above) if above else "里程碑均不高于基准年→目标年的直线路径",
                 "milestones above the straight path: " + "; ".join(above) if above
                 else "every milestone is on or below the straight path from baseline to target")


def _measures_check(plan: Plan) -> Check:
    remaining = Decimal(1)
    for m in plan.measures:
        remaining *= 1 - m.reduction_pct / 100
    covered = (1 - remaining) * 100
    needed = (1 - plan.target_value / plan.current_value) * 100 if plan.current_value > 0 else Decimal(0)
    ok = covered >= needed
    c, n = covered.quantize(Decimal("0.01")), max(needed, Decimal(0)).quantize(Decimal("0.01"))
    return Check("measures_cover_gap", "pass" if ok else "fail",
                 f"措施合计降幅 {c}% {'≥' if ok else '<'} 现状到目标所需 {n}%",
                 f"measures cut {c} % {'≥' if ok else '<'} the {n} % needed from current to target")


def plan_from_dict(d: dict) -> Plan:
    """A plan from JSON: numbers may be strings; milestones ``[[year, value], ...]`` or ``{"year": value}``;
    measures ``[{"name", "reduction_pct", "year", "adds_fossil_capacity"}]``. Every problem named."""
    problems: list[FieldError] = []

    def num(name: str, value, required: bool = True) -> Decimal | None:
        if value is None or value == "":
            if required:
                problems.append(FieldError(name, "required", f"缺少 {name}", f"{name} is required"))
            return None
        try:
            out = Decimal(str(value))
            if not out.is_finite():
                raise ValueError
            return out
        except (ArithmeticError, ValueError):
            problems.append(FieldError(name, "number", f"{name} 必须是数字", f"{name} must be a number"))
            return None

    def year(name: str, value) -> int:
        v = num(name, value)
        return int(v) if v is not None else 0

    if not isinstance(d, dict):
        raise ValidationFailed([FieldError("plan", "object", "计划应为 JSON 对象", "the plan must be a JSON object")])
    known = {"industry_code", "unit", "baseline_year", "baseline_value", "current_value", "target_year",
             "target_value", "milestones", "measures", "dnsh_confirmed", "benchmark_id", "benchmark_level",
             "baseline_level", "benchmark_source"}
    problems += [FieldError(k, "unknown_field", f"未知字段 {k}", f"unknown field {k}") for k in d if k not in known]
    raw_ms = d.get("milestones") or []
    pairs = list(raw_ms.items()) if isinstance(raw_ms, dict) else [tuple(x) for x in raw_ms if len(x) == 2]
    milestones = tuple((year("milestones", y), num("milestones", v) or Decimal(0)) for y, v in pairs)
    measures = []
    for m in d.get("measures") or []:
        measures.append(Measure(str(m.get("name", "")), num("measures", m.get("reduction_pct")) or Decimal(0),
                                year("measures", m.get("year")), bool(m.get("adds_fossil_capacity", False))))
    plan = Plan(str(d.get("industry_code") or ""), str(d.get("unit") or ""), year("baseline_year", d.get("baseline_year")),
                num("baseline_value", d.get("baseline_value")) or Decimal(0),
                num("current_value", d.get("current_value")) or Decimal(0), year("target_year", d.get("target_year")),
                num("target_value", d.get("target_value")) or Decimal(0), milestones, tuple(measures),
                bool(d.get("dnsh_confirmed", False)), d.get("benchmark_id") or None,
                num("benchmark_level", d.get("benchmark_level"), False), num("baseline_level", d.get("baseline_level"), False),
                str(d.get("benchmark_source") or ""))
    if not plan.industry_code:
        problems.append(FieldError("industry_code", "required", "缺少行业代码", "industry_code is required"))
    if not plan.unit:
        problems.append(FieldError("unit", "required", "缺少强度指标单位", "unit is required"))
    if problems:
        raise ValidationFailed(problems)
    return plan

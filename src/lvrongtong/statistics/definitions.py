"""The monitoring cube's definitions — dimensions, measures, time grains — in one place (pure).

``cube_sql`` turns a query into one SQL text over a relation named ``loans`` (the accepted
loan-level rows, ``reporting/store.py`` schema). The text uses only what DuckDB and Spark SQL
both run the same way (CTEs, SUM/COUNT/MAX, CASE, CONCAT, CAST(… AS STRING/DOUBLE), FULL OUTER
JOIN … USING), so the same definitions run unchanged on one machine (DuckDB) and on a cluster
(PySpark) — CI runs both on the same data and compares every cell.

Stocks and flows (docs/methodology.md, "Monitoring cube"):

* stock measures (balance, loan count, green / transition balance and share, balance-weighted rate,
  annual benefit of the loans outstanding) are read at the *snapshot month* of each time cell:
  the latest reported month inside it. A quarter's balance is its last reported month's balance,
  never the sum of three months.
* flow measures (new lending, new loans, new-lending weighted rate) add up every month of the cell;
  a loan is new in the month its first disbursement falls in.
* year-on-year growth compares a cell's balance with the same cell one year earlier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lvrongtong.kit.errors import field_error


@dataclass(frozen=True)
class Dimension:
    name: str
    expr: str  # SQL over ``loans``; never null
    zh: str
    en: str


DIMENSIONS: dict[str, Dimension] = {d.name: d for d in (
    Dimension("level1", "level1", "目录一级分类", "catalogue level 1"),
    Dimension("level2", "level2", "目录二级分类", "catalogue level 2"),
    Dimension("level3", "level3", "目录三级条目", "catalogue level 3"),
    Dimension("district", "district_code", "区县", "district"),
    Dimension("institution", "institution_id", "金融机构", "institution"),
    Dimension("institution_type", "institution_type", "机构类型", "institution type"),
    Dimension("industry", "industry_code", "行业（小类）", "industry (class)"),
    Dimension("industry_division", "substr(industry_code, 1, 2)", "行业（大类）", "industry (division)"),
    Dimension("enterprise_size", "enterprise_size", "企业规模", "enterprise size"),
    Dimension("green_type", "green_type", "绿色/转型", "green / transition / other"),
)}


@dataclass(frozen=True)
class Measure:
    name: str
    kind: str  # stock / flow / ratio
    zh: str
    en: str
    unit: str
    formula: str  # as documented


MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("balance_cny", "stock", "贷款余额", "outstanding balance", "CNY", "Σ balance at the snapshot month"),
    Measure("loans", "stock", "贷款笔数", "number of loans outstanding", "loans", "count at the snapshot month"),
    Measure("green_balance_cny", "stock", "绿色贷款余额", "green balance", "CNY", "Σ balance where green"),
    Measure("transition_balance_cny", "stock", "转型贷款余额", "transition balance", "CNY",
            "Σ balance where transition (and not green)"),
    Measure("green_share", "ratio", "绿色贷款占比", "green share of all loans", "1",
            "green balance ÷ balance of all reported loans in the cell"),
    Measure("transition_share", "ratio", "转型贷款占比", "transition share of all loans", "1",
            "transition balance ÷ balance of all reported loans in the cell"),
    Measure("rate_balance_weighted_pct", "ratio", "余额加权平均利率", "balance-weighted average rate", "%",
            "Σ(rate × balance) ÷ Σ balance"),
    Measure("co2e_reduction_t", "stock", "年碳减排量", "annual CO2e reduction of loans outstanding", "tCO2e",
            "Σ reported annual CO2e reduction"),
    Measure("energy_saving_tce", "stock", "年节能量", "annual energy saving of loans outstanding", "tce",
            "Σ reported annual energy saving"),
    Measure("new_lending_cny", "flow", "新发放金额", "new lending", "CNY",
            "Σ contract amount of loans first disbursed in the months of the cell"),
    Measure("new_loans", "flow", "新发放笔数", "number of new loans", "loans", "count of loans first disbursed"),
    Measure("rate_new_weighted_pct", "ratio", "新发放加权平均利率", "new-lending weighted average rate", "%",
            "Σ(rate × amount) ÷ Σ amount over new loans"),
    Measure("balance_yoy", "ratio", "余额同比增速", "balance year-on-year growth", "1",
            "balance ÷ balance of the same cell one year earlier − 1"),
)}

GRAINS = {
    "month": ("period", "CONCAT(CAST(year - 1 AS STRING), SUBSTR(period, 5, 3))"),
    "quarter": ("CONCAT(CAST(year AS STRING), '-Q', CAST(quarter AS STRING))",
                "CONCAT(CAST(year - 1 AS STRING), '-Q', CAST(quarter AS STRING))"),
    "year": ("CAST(year AS STRING)", "CAST(year - 1 AS STRING)"),
}
GREEN_TYPES = ("green", "transition", "other")
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_VALUE = re.compile(r"^[\w.:\-]{1,40}$")


@dataclass
class Query:
    by: list[str] = field(default_factory=list)
    grain: str = "month"
    period_from: str | None = None
    period_to: str | None = None
    where: dict[str, list[str]] = field(default_factory=dict)  # dimension → allowed values
    institutions: set[int] | None = None  # access scope: None = all

    def check(self) -> Query:
        unknown = [b for b in self.by if b not in DIMENSIONS]
        if unknown:
            raise field_error("by", "dimension_unknown", f"未知维度：{', '.join(unknown)}；可选：{', '.join(DIMENSIONS)}",
                              f"unknown dimension(s): {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}")
        if len(set(self.by)) != len(self.by):
            raise field_error("by", "dimension_repeated", "维度重复", "a dimension is repeated")
        if self.grain not in GRAINS:
            raise field_error("grain", "grain_value", "时间粒度应为 month、quarter 或 year",
                              "grain must be month, quarter or year")
        for name, value in (("period_from", self.period_from), ("period_to", self.period_to)):
            if value is not None and not _PERIOD.match(value):
                raise field_error(name, "period_format", "期间格式应为 YYYY-MM", "period must be YYYY-MM")
        for dim, values in self.where.items():
            if dim not in DIMENSIONS:
                raise field_error(dim, "dimension_unknown", f"未知筛选维度 {dim}", f"unknown filter dimension {dim}")
            bad = [v for v in values if not _VALUE.match(str(v))]
            if bad:
                raise field_error(dim, "filter_value", f"筛选值格式不符：{bad[0]}", f"bad filter value: {bad[0]}")
        return self


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def filters(q: Query) -> str:
    parts = ["1 = 1"]
    if q.period_from:
        parts.append(f"period >= {_quote(q.period_from)}")
    if q.period_to:
        parts.append(f"period <= {_quote(q.period_to)}")
    if q.institutions is not None:
        ids = ", ".join(str(int(i)) for i in sorted(q.institutions)) or "-1"
        parts.append(f"institution_id IN ({ids})")
    for dim, values in sorted(q.where.items()):
        expr = DIMENSIONS[dim].expr
        if dim == "institution":
            parts.append(f"{expr} IN ({', '.join(str(int(v)) for v in values) or '-1'})")
        else:
            parts.append(f"CAST({expr} AS STRING) IN ({', '.join(_quote(v) for v in values) or 'NULL'})")
    return " AND ".join(parts)


ROLLED_UP = "*"  # value of a dimension that a grouping set does not split by


def cube_sql(q: Query, sets: list[list[str]] | None = None) -> str:
    """One SQL text computing every measure for every cell of ``q`` (see the module docstring).

    ``sets`` computes several groupings in one pass (GROUPING SETS) — the full monitoring cube;
    a dimension that a set does not split by reads ``*`` in that set's cells. Without ``sets`` the
    cube is ``q.by``."""
    q.check()
    sets = [list(s) for s in (sets or [q.by])]
    for s_ in sets:
        Query(by=s_).check()
    dims = list(dict.fromkeys(d for s_ in sets for d in s_))
    t, t_prev = GRAINS[q.grain]
    keys = [f"d_{d}" for d in dims]
    dim_select = "".join(f"CAST({DIMENSIONS[d].expr} AS STRING) AS d_{d}, " for d in dims)
    grouping = ", ".join("(" + ", ".join([f"f.d_{d}" for d in s_] + ["f.t"]) + ")" for s_ in sets)
    rolled = "".join(f"CASE WHEN GROUPING(f.d_{d}) = 1 THEN '{ROLLED_UP}' ELSE f.d_{d} END AS d_{d}, " for d in dims)
    prev_join = " AND ".join([f"c.{k} = p.{k}" for k in keys] + ["p.t = c.t_prev"])
    out_keys = "".join(f"c.{k} AS {k[2:]}, " for k in keys)
    month = q.grain == "month"  # every month is its own snapshot: no snapshot join, no conditions
    if month:
        snap_cte, source = "", "base f"
    else:  # the latest reported month inside each time cell (reads two columns only)
        snap_cte = (f"snap AS (SELECT {t} AS t, MAX(period) AS snap_period FROM loans WHERE {filters(q)} "
                    f"GROUP BY {t}),\n")
        source = "(SELECT b.*, b.period = s.snap_period AS is_snap FROM base b JOIN snap s ON b.t = s.t) f"

    def at_snapshot(expr: str) -> str:
        return expr if month else f"CASE WHEN f.is_snap THEN {expr} END"

    def new_only(expr: str) -> str:
        return f"CASE WHEN f.new_in_period THEN {expr} END"

    having = "" if month else (f"\n  HAVING COUNT({at_snapshot('1')}) > 0 OR COUNT({new_only('1')}) > 0")
    return f"""
WITH base AS (
  SELECT {dim_select}{t} AS t, {t_prev} AS t_prev, period, balance_cny, amount_cny, rate_pct,
         new_in_period, green_type, co2e_reduction_t, energy_saving_tce
  FROM loans WHERE {filters(q)}
),
{snap_cte}cube AS (
  SELECT {rolled}f.t AS t, ANY_VALUE(f.t_prev) AS t_prev,
         {"f.t" if month else "MAX(" + at_snapshot("f.period") + ")"} AS snapshot,
         SUM({at_snapshot("f.balance_cny")}) AS balance_cny,
         COUNT({at_snapshot("1")}) AS loans,
         SUM({at_snapshot("CASE WHEN f.green_type = 'green' THEN f.balance_cny ELSE 0 END")}) AS green_balance_cny,
         SUM({at_snapshot("CASE WHEN f.green_type = 'transition' THEN f.balance_cny ELSE 0 END")})
           AS transition_balance_cny,
         SUM({at_snapshot("f.rate_pct * f.balance_cny")}) AS rate_x_balance,
         SUM({at_snapshot("f.co2e_reduction_t")}) AS co2e_reduction_t,
         SUM({at_snapshot("f.energy_saving_tce")}) AS energy_saving_tce,
         SUM({new_only("f.amount_cny")}) AS new_lending_cny,
         COUNT({new_only("1")}) AS new_loans,
         SUM({new_only("f.rate_pct * f.amount_cny")}) AS rate_x_new
  FROM {source}
  GROUP BY GROUPING SETS ({grouping}){having}
)
SELECT {out_keys}c.t AS t, c.snapshot AS snapshot,
       c.balance_cny, c.loans, c.green_balance_cny, c.transition_balance_cny,
       CAST(c.green_balance_cny AS DOUBLE) / CAST(NULLIF(c.balance_cny, 0) AS DOUBLE) AS green_share,
       CAST(c.transition_balance_cny AS DOUBLE) / CAST(NULLIF(c.balance_cny, 0) AS DOUBLE) AS transition_share,
       CAST(c.rate_x_balance AS DOUBLE) / CAST(NULLIF(c.balance_cny, 0) AS DOUBLE) AS rate_balance_weighted_pct,
       c.co2e_reduction_t, c.energy_saving_tce, c.new_lending_cny, c.new_loans,
       CAST(c.rate_x_new AS DOUBLE) / CAST(NULLIF(c.new_lending_cny, 0) AS DOUBLE) AS rate_new_weighted_pct,
       CAST(c.balance_cny AS DOUBLE) / CAST(NULLIF(p.balance_cny, 0) AS DOUBLE) - 1 AS balance_yoy
FROM cube c LEFT JOIN cube p ON {prev_join}
ORDER BY {", ".join([f"c.{k}" for k in keys] + ["c.t"])}
"""


# The full monitoring cube: every grouping the dashboards and the statistics tables use.
FULL_CUBE: list[list[str]] = [[], ["level1"], ["level2"], ["level3"], ["district"], ["institution"],
                              ["institution_type"], ["industry"], ["industry_division"], ["enterprise_size"],
                              ["green_type"], ["level1", "district"], ["institution", "green_type"],
                              ["district", "green_type"], ["enterprise_size", "green_type"]]


def drill_sql(q: Query, cell: dict[str, str], t: str, measure_kind: str, limit: int, offset: int) -> tuple[str, str]:
    """(rows SQL, count SQL) for the loans behind one cell: the snapshot rows for stock measures,
    the new loans for flow measures."""
    q.check()
    tt, _ = GRAINS[q.grain]
    conds = [f"({tt}) = {_quote(t)}"]
    for dim, value in cell.items():
        if dim not in DIMENSIONS:
            raise field_error(dim, "dimension_unknown", f"未知维度 {dim}", f"unknown dimension {dim}")
        conds.append(f"CAST({DIMENSIONS[dim].expr} AS STRING) = {_quote(value)}")
    if measure_kind == "flow":
        conds.append("new_in_period")
    else:
        conds.append(f"period = (SELECT MAX(period) FROM loans WHERE {filters(q)} AND ({tt}) = {_quote(t)})")
    where = f"{filters(q)} AND " + " AND ".join(conds)
    rows = (f"SELECT * FROM loans WHERE {where} ORDER BY institution_id, loan_id "
            f"LIMIT {int(limit)} OFFSET {int(offset)}")
    return rows, f"SELECT COUNT(*) FROM loans WHERE {where}"

"""The common data model for loan-level green / transition finance reporting (pure).

One row per loan outstanding (or disbursed) in the reporting month, for *all* of the
institution's corporate loans in scope — green, transition and other — so that shares of all
loans can be computed. Field definitions are documented in ``docs/reporting.md``; this table is
the single source for the file template, the JSON API, parsing and the Parquet schema.

Parsing turns the strings of a file (or the values of a JSON body) into typed values and says,
per field, why a value cannot be read. It never guesses: an unreadable value is a finding of rule
``DRR-002`` and the row is refused with the rest of the submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lvrongtong.kit.tabular import FALSE_WORDS, TRUE_WORDS

SIZES = {"large": "large", "medium": "medium", "small": "small", "micro": "micro",
         "大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
CONTROL_IDS = {"合计", "TOTAL", "total"}  # the institution's aggregate line in a file


@dataclass(frozen=True)
class Field:
    name: str
    header_zh: str
    kind: str  # str / decimal / date / bool / size
    required: bool
    zh: str
    en: str
    max_len: int = 200
    scale: int = 2  # decimals: digits allowed after the point (the Parquet column is an exact decimal)


FIELDS: tuple[Field, ...] = (
    Field("loan_id", "贷款编号", "str", True, "机构内唯一的贷款合同编号", "loan contract number, unique in the institution",
          64),
    Field("borrower_uscc", "借款人统一社会信用代码", "str", True, "GB 32100 统一社会信用代码（18位）",
          "borrower's unified social credit code (GB 32100, 18 characters)", 18),
    Field("borrower_name", "借款人名称", "str", True, "借款人全称", "borrower's registered name"),
    Field("enterprise_size", "企业规模", "size", True, "大型/中型/小型/微型（或 large/medium/small/micro）",
          "enterprise size class: large / medium / small / micro"),
    Field("industry_code", "行业代码", "str", True, "借款人或项目所属 GB/T 4754-2017 行业代码",
          "GB/T 4754-2017 industry code of the borrower or project", 4),
    Field("district_code", "地区代码", "str", True, "项目或借款人所在区县 GB/T 2260 代码",
          "GB/T 2260 code of the district / county of the project or borrower", 6),
    Field("amount_cny", "合同金额", "decimal", True, "贷款合同金额（元）", "contract amount (CNY)"),
    Field("balance_cny", "贷款余额", "decimal", True, "报告期末贷款余额（元）", "balance at the end of the reporting month (CNY)"),
    Field("rate_pct", "执行利率", "decimal", True, "年化执行利率（%）", "annual interest rate (%)",
          scale=4),
    Field("approved_on", "审批日期", "date", True, "贷款审批日期，决定适用的目录版本",
          "approval date; decides the catalogue version that applies"),
    Field("disbursed_on", "发放日期", "date", False, "首次发放日期", "first disbursement date"),
    Field("matures_on", "到期日期", "date", True, "合同到期日期", "contractual maturity date"),
    Field("green", "是否绿色贷款", "bool", True, "是/否", "green loan flag (yes / no)"),
    Field("transition", "是否转型贷款", "bool", False, "是/否，缺省为否", "transition loan flag (default no)"),
    Field("catalogue_version", "目录版本", "str", False, "所用目录版本（2019/2025…）；缺省按审批日期确定",
          "catalogue version used (2019 / 2025 …); by default the one valid at the approval date", 16),
    Field("catalogue_code", "目录分类代码", "str", False, "绿色贷款必填：所属目录条目代码",
          "catalogue item code (required for green loans)", 32),
    Field("carbon_reduction_tool", "是否碳减排支持工具", "bool", False, "是否申请碳减排支持工具，缺省为否",
          "financed under the PBoC carbon-emission-reduction facility (default no)"),
    Field("co2e_reduction_t", "年碳减排量", "decimal", False, "项目年碳减排量（吨二氧化碳当量）",
          "annual CO2e reduction of the project (t)", scale=4),
    Field("energy_saving_tce", "年节能量", "decimal", False, "项目年节约标准煤（吨）",
          "annual energy saving of the project (t of standard coal equivalent)", scale=4),
    Field("reporting_institution_uscc", "报送机构统一社会信用代码", "str", False,
          "如填写，须与报送机构一致", "if given, must be the submitting institution's USCC", 18),
)
BY_NAME = {f.name: f for f in FIELDS}
BY_HEADER = {**{f.name: f for f in FIELDS}, **{f.header_zh: f for f in FIELDS}}
NUMERIC = tuple(f.name for f in FIELDS if f.kind == "decimal")


def header_map(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map file headers (Chinese or English) to field names; return (mapping, unknown headers)."""
    mapping, unknown = {}, []
    for h in headers:
        f = BY_HEADER.get(h.strip())
        if f is None:
            if h.strip():
                unknown.append(h)
        else:
            mapping[h] = f.name
    return mapping, unknown


def missing_columns(mapped: set[str]) -> list[Field]:
    return [f for f in FIELDS if f.required and f.name not in mapped]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def parse_value(f: Field, raw: Any) -> tuple[Any, str | None]:
    """(typed value or None, reason it cannot be read or None). Empty → None, judged by DRR-001."""
    text = _text(raw)
    if text == "":
        return None, None
    if f.kind == "str":
        if len(text) > f.max_len:
            return None, f"longer than {f.max_len} characters"
        return text, None
    if f.kind == "decimal":
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None, "not a number"
        if not value.is_finite():
            return None, "not a finite number"
        if value.as_tuple().exponent < -f.scale:
            return None, f"more than {f.scale} decimal places"
        if abs(value) >= Decimal(10) ** 16:
            return None, "too large"
        return value, None
    if f.kind == "date":
        try:
            return date.fromisoformat(text[:10]), None
        except ValueError:
            return None, "not a date YYYY-MM-DD"
    if f.kind == "bool":
        low = text.lower()
        if low in TRUE_WORDS:
            return True, None
        if low in FALSE_WORDS:
            return False, None
        return None, "not yes/no (是/否)"
    if f.kind == "size":
        size = SIZES.get(text.lower() if text.isascii() else text)
        return (size, None) if size else (None, "not one of 大型/中型/小型/微型 (large/medium/small/micro)")
    raise ValueError(f"unknown field kind {f.kind}")


_BOOLS = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}
_LIMIT = Decimal(10) ** 16


def _parser(f: Field):
    """A per-field reader with the common, well-formed cases on a fast path; anything unusual goes
    through ``parse_value``, which gives the reason."""
    slow = parse_value

    if f.kind == "str":
        def read(raw: Any) -> tuple[Any, str | None]:
            if isinstance(raw, str):
                text = raw.strip()
                if len(text) <= f.max_len:
                    return (text or None), None
            return (None, None) if raw is None else slow(f, raw)
    elif f.kind == "decimal":
        def read(raw: Any) -> tuple[Any, str | None]:
            if isinstance(raw, str) and raw and "," not in raw:
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    return slow(f, raw)
                if value.is_finite() and value.as_tuple().exponent >= -f.scale and abs(value) < _LIMIT:
                    return value, None
            return (None, None) if raw is None or raw == "" else slow(f, raw)
    elif f.kind == "date":
        def read(raw: Any) -> tuple[Any, str | None]:
            if isinstance(raw, str) and len(raw) == 10:
                try:
                    return date.fromisoformat(raw), None
                except ValueError:
                    pass
            return (None, None) if raw is None or raw == "" else slow(f, raw)
    elif f.kind == "bool":
        def read(raw: Any) -> tuple[Any, str | None]:
            if isinstance(raw, str):
                hit = _BOOLS.get(raw.strip().lower())
                if hit is not None:
                    return hit, None
            return (None, None) if raw is None or raw == "" else slow(f, raw)
    else:
        def read(raw: Any) -> tuple[Any, str | None]:
            return (None, None) if raw is None or raw == "" else slow(f, raw)
    return read


_PARSERS = [(f.name, _parser(f)) for f in FIELDS]


def parse_row(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed row; ``row["_bad"]`` maps each unreadable field to "raw value: reason" (rule DRR-002)."""
    row: dict[str, Any] = {}
    bad: dict[str, str] = {}
    get = raw.get
    for name, read in _PARSERS:
        value, reason = read(get(name))
        if reason:
            bad[name] = f"{_text(get(name))[:60]}: {reason}"
        row[name] = value
    for flag in ("transition", "carbon_reduction_tool"):
        if row[flag] is None and flag not in bad:
            row[flag] = False
    if row["borrower_uscc"]:
        row["borrower_uscc"] = row["borrower_uscc"].upper()
    row["_bad"] = bad
    return row

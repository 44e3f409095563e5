"""Import enterprises, projects and loans from .csv / .xlsx with a row-level report.

Every row is validated with the same schema and rules as the API. Valid rows are stored,
each in its own savepoint so that one refused row cannot spoil another; invalid rows are
reported with row, field, rule and message. If anything unexpected fails, the whole import
is rolled back: nothing is half-written. The job and its report are kept either way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from lvrongtong.audit import service as audit
from lvrongtong.kit.errors import AppError, FieldError, Forbidden
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.tabular import normalise_bool, read_table
from lvrongtong.kit.validation import field_errors
from lvrongtong.kit.xlsx import write_xlsx
from lvrongtong.reference.service import ReferenceLookup
from lvrongtong.registry import instruments, service
from lvrongtong.registry.models import ImportJob
from lvrongtong.registry.schemas import EnterpriseCreate, LoanCreate, ProjectCreate


@dataclass(frozen=True)
class Column:
    name: str
    label_zh: str
    required: bool
    rule_zh: str
    example: str


@dataclass(frozen=True)
class ImportSpec:
    entity: str
    label_zh: str
    schema: type[BaseModel]
    columns: tuple[Column, ...]
    create: Callable[[Session, Principal, Any, ReferenceLookup], Any]
    key: Callable[[BaseModel], str]
    bool_fields: tuple[str, ...] = ()

    def aliases(self) -> dict[str, str]:
        out = {c.name: c.name for c in self.columns}
        out.update({c.label_zh: c.name for c in self.columns})
        return out


def _parse_capacity(text: str) -> dict[str, str]:
    """``installed_capacity_mw=50; annual_output_mwh=60000`` or a JSON object."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        return json.loads(text)
    pairs = [p for p in text.replace("；", ";").split(";") if p.strip()]
    return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}


ENTERPRISES = ImportSpec(
    "enterprises", "企业", EnterpriseCreate,
    (
        Column("uscc", "统一社会信用代码", True, "18位，GB 32100-2015 校验码", "91500112MA5U7DQ021"),
        Column("name", "企业名称", True, "2–200字", "重庆示例新能源有限公司"),
        Column("region_code", "行政区划代码", True, "GB/T 2260 区县代码，如500112", "500112"),
        Column("industry_code", "行业代码", True, "GB/T 4754-2017 代码，如4416", "4416"),
        Column("size_class", "企业规模", True, "large / medium / small / micro", "medium"),
        Column("listed", "是否上市", False, "是/否", "否"),
        Column("ets_covered", "是否控排企业", False, "是/否", "否"),
        Column("registered_capital_cny", "注册资本(元)", False, "≥0", "50000000"),
    ),
    lambda s, w, d, r: service.create_enterprise(s, w, d, r),
    lambda d: d.uscc,  # type: ignore[attr-defined]
    ("listed", "ets_covered"),
)

PROJECTS = ImportSpec(
    "projects", "项目", ProjectCreate,
    (
        Column("code", "项目编号", False, "唯一；留空则自动生成", "CQ-PV-2024-001"),
        Column("name", "项目名称", True, "2–200字", "渝北区屋顶分布式光伏项目"),
        Column("enterprise_uscc", "业主统一社会信用代码", True, "须为已登记企业", "91500112MA5U7DQ021"),
        Column("region_code", "行政区划代码", True, "GB/T 2260", "500112"),
        Column("address", "地址", False, "", "渝北区示例路1号"),
        Column("industry_code", "行业代码", True, "GB/T 4754-2017", "4416"),
        Column("total_investment_cny", "总投资(元)", True, "≥0", "32000000"),
        Column("capacity", "规模参数", False, "键=值；用分号分隔，如 installed_capacity_mw=8", "installed_capacity_mw=8"),
        Column("description_zh", "项目描述", False, "中文描述", "利用厂房屋顶建设8MW分布式光伏，自发自用余电上网。"),
        Column("approved_on", "核准/备案日期", False, "YYYY-MM-DD", "2024-03-15"),
        Column("starts_on", "开工日期", False, "YYYY-MM-DD", "2024-05-01"),
        Column("ends_on", "完工日期", False, "YYYY-MM-DD，不早于开工日期", "2024-12-31"),
    ),
    lambda s, w, d, r: service.create_project(s, w, d, r),
    lambda d: d.code or "",  # type: ignore[attr-defined]
)

LOANS = ImportSpec(
    "loans", "贷款", LoanCreate,
    (
        Column("contract_no", "合同编号", True, "本机构内唯一", "JK2024-000123"),
        Column("borrower_uscc", "借款人统一社会信用代码", True, "须为已登记企业", "91500112MA5U7DQ021"),
        Column("lender_org_id", "贷款机构ID", False, "留空为本机构", ""),
        Column("project_code", "项目编号", False, "须为借款人的项目", ""),
        Column("amount_cny", "合同金额(元)", True, ">0", "10000000"),
        Column("balance_cny", "余额(元)", True, "≥0 且不大于合同金额", "8000000"),
        Column("rate_pct", "年利率(%)", False, "0–100", "3.45"),
        Column("currency", "币种", False, "ISO 4217，默认CNY", "CNY"),
        Column("approved_on", "审批日期", True, "YYYY-MM-DD", "2024-03-01"),
        Column("disbursed_on", "发放日期", False, "不早于审批日期", "2024-03-10"),
        Column("matures_on", "到期日期", True, "晚于发放日期", "2027-03-10"),
        Column("purpose", "贷款用途", False, "", "分布式光伏电站建设"),
        Column("collateral", "担保方式", False, "", "保证"),
        Column("region_code", "投向区县代码", False, "默认借款人所在区县", ""),
        Column("industry_code", "投向行业代码", False, "默认借款人行业", ""),
        Column("declared_green", "是否绿色贷款", False, "是/否", "是"),
        Column("declared_transition", "是否转型贷款", False, "是/否", "否"),
        Column("carbon_reduction_tool", "是否碳减排支持工具", False, "是/否", "否"),
    ),
    lambda s, w, d, r: instruments.create_loan(s, w, d, r),
    lambda d: d.contract_no,  # type: ignore[attr-defined]
    ("declared_green", "declared_transition", "carbon_reduction_tool"),
)

SPECS = {s.entity: s for s in (ENTERPRISES, PROJECTS, LOANS)}


@dataclass
class ImportResult:
    job_id: int | None
    entity: str
    status: str
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    problems: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)


def _problem(row: int, err: FieldError) -> dict[str, Any]:
    return {"row": row, "field": err.field, "rule": err.rule, "message_zh": err.message_zh,
            "message_en": err.message_en}


def _row_values(spec: ImportSpec, raw: dict[str, str]) -> dict[str, Any]:
    aliases = spec.aliases()
    values: dict[str, Any] = {}
    for header, value in raw.items():
        name = aliases.get(header)
        if name is None or value == "":
            continue
        if name in spec.bool_fields:
            value = normalise_bool(value)
        if name == "capacity":
            value = _parse_capacity(value)
        values[name] = value
    return values


def spec_for(entity: str) -> ImportSpec:
    if entity not in SPECS:
        raise AppError("import_entity_unknown", f"不支持导入“{entity}”", f"cannot import '{entity}'", 422,
                       [FieldError("entity", "import_entity_known", "可选：enterprises / projects / loans",
                                   "choose enterprises, projects or loans")])
    return SPECS[entity]


def run_import(session: Session, who: Principal, entity: str, filename: str, content: bytes) -> ImportResult:
    """Validate and store; the caller commits. Raises only for whole-file problems."""
    spec = spec_for(entity)
    if not who.can_write():
        raise Forbidden("导入需要“操作员”或“管理员”角色", "importing needs the operator or admin role")
    headers, rows = read_table(filename, content)
    aliases = spec.aliases()
    unknown = [h for h in headers if h and h not in aliases]
    result = ImportResult(None, entity, "completed", len(rows), 0, 0)
    if unknown:
        result.problems.append({"row": 1, "field": ",".join(unknown), "rule": "column_unknown",
                                "message_zh": f"未识别的列将被忽略：{', '.join(unknown)}",
                                "message_en": f"unknown columns are ignored: {', '.join(unknown)}"})
    ref = ReferenceLookup(session)
    seen: dict[str, int] = {}
    for rownum, raw in rows:
        try:
            data = spec.schema.model_validate(_row_values(spec, raw))
        except ValidationError as exc:
            result.problems.extend(_problem(rownum, e) for e in field_errors(exc, skip_loc=()))
            result.rows_rejected += 1
            continue
        key = spec.key(data)
        if key and key in seen:
            result.problems.append(_problem(rownum, FieldError(
                spec.columns[0].name, "duplicate_in_file", f"与第{seen[key]}行重复", f"duplicates row {seen[key]}")))
            result.rows_rejected += 1
            continue
        nested = session.begin_nested()
        try:
            created = spec.create(session, who, data, ref)
        except AppError as exc:
            nested.rollback()
            errs = exc.details or [FieldError("", exc.code, exc.message_zh, exc.message_en)]
            result.problems.extend(_problem(rownum, e) for e in errs)
            result.rows_rejected += 1
            continue
        nested.commit()
        if key:
            seen[key] = rownum
        result.rows_accepted += 1
        result.accepted.append({"row": rownum, "key": key or getattr(created, "code", "")})
    job = ImportJob(entity=entity, filename=filename[:200], sha256=hashlib.sha256(content).hexdigest(),
                    organisation_id=who.organisation_id, user_id=who.user_id, status=result.status,
                    rows_total=result.rows_total, rows_accepted=result.rows_accepted,
                    rows_rejected=result.rows_rejected, report=result.problems)
    session.add(job)
    session.flush()
    result.job_id = job.id
    audit.record(session, who, f"import.{entity}", "import_job", job.id, None,
                 {"sha256": job.sha256, "accepted": [a["key"] for a in result.accepted],
                  "rejected_rows": sorted({p["row"] for p in result.problems})})
    return result


def record_failed_import(session: Session, who: Principal, entity: str, filename: str, content: bytes,
                         error: AppError) -> ImportResult:
    """Keep a trace of an import that stored nothing (whole-file error or rollback)."""
    errs = error.details or [FieldError("file", error.code, error.message_zh, error.message_en)]
    problems = [_problem(0, e) for e in errs]
    job = ImportJob(entity=entity, filename=filename[:200], sha256=hashlib.sha256(content).hexdigest(),
                    organisation_id=who.organisation_id, user_id=who.user_id, status="failed",
                    rows_total=0, rows_accepted=0, rows_rejected=0, report=problems)
    session.add(job)
    session.flush()
    audit.record(session, who, f"import.{entity}.failed", "import_job", job.id, None, {"sha256": job.sha256})
    return ImportResult(job.id, entity, "failed", 0, 0, 0, problems)


def template(entity: str, fmt: str = "xlsx") -> tuple[bytes, str]:
    spec = spec_for(entity)
    headers = [c.name for c in spec.columns]
    example = [c.example for c in spec.columns]
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(headers)
        writer.writerow(example)
        return buf.getvalue().encode("utf-8-sig"), "text/csv"
    notes = [(c.name, f"{c.label_zh}｜{'必填' if c.required else '选填'}｜{c.rule_zh}") for c in spec.columns]
    notes.insert(0, ("说明", f"{spec.label_zh}导入模板：第一行为列名（也可用中文列名），第二行为示例，导入前请删除。"))
    return write_xlsx(spec.entity, headers, [example], notes), \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_xlsx(result_rows: list[dict[str, Any]]) -> bytes:
    return write_xlsx("report", ["row", "field", "rule", "message_zh", "message_en"],
                      ([p["row"], p["field"], p["rule"], p["message_zh"], p["message_en"]] for p in result_rows))

"""Use cases of regulatory reporting: submit (API, file, CLI), judge, accept or reject, keep history.

A submission is judged as a whole: every row through every rule, then the set rules. Any error
rejects all of it (stored with its findings and receipt, nothing loaded); warnings do not. An
accepted submission's rows land in the Parquet store and it becomes the one in force for its
institution and month; the one it supersedes stays, with the list of loans added, removed and
changed between the two.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lvrongtong.audit.service import record
from lvrongtong.kit.errors import AppError, FieldError, Forbidden, NotFound, ValidationFailed, field_error
from lvrongtong.kit.pagination import paginate
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.tabular import _decode, read_table
from lvrongtong.reference.models import CatalogueItem, Industry, Region
from lvrongtong.registry.models import Organisation
from lvrongtong.reporting import rules, store
from lvrongtong.reporting.fields import (
    BY_NAME,
    CONTROL_IDS,
    FIELDS,
    header_map,
    missing_columns,
    parse_row,
    parse_value,
)
from lvrongtong.reporting.models import ReportChange, ReportFinding, ReportSubmission

REPORTING_ORG_TYPES = {"bank", "insurer", "securities_fund"}
MAX_STORED_FINDINGS = 20_000
MAX_STORED_CHANGES = 20_000


# --- access ---------------------------------------------------------------------------------------

def sees_all(who: Principal) -> bool:
    return who.is_system or who.org_type == "regulator"


def visible_institutions(who: Principal) -> set[int] | None:
    """None = every institution (regulator, operator); otherwise the caller's own organisations."""
    return None if sees_all(who) else set(who.org_ids or ({who.organisation_id} if who.organisation_id else set()))


def _institution(session: Session, who: Principal, institution_id: int) -> Organisation:
    org = session.get(Organisation, institution_id)
    if org is None:
        raise NotFound("报送机构", "reporting institution")
    if not who.is_system:
        own = who.org_ids or frozenset({who.organisation_id})
        if institution_id not in own:
            raise Forbidden("不能代其他机构报送", "you cannot submit for another institution")
        if not who.can_write():
            raise Forbidden("需要操作员或管理员角色才能报送", "submitting needs the operator or admin role")
    if org.type not in REPORTING_ORG_TYPES:
        raise field_error("institution_id", "institution_type",
                          f"机构类型“{org.type}”不报送贷款数据（应为银行、保险或证券基金机构）",
                          f"an organisation of type '{org.type}' does not report loan data")
    return org


def parse_period(period: str) -> tuple[date, date]:
    try:
        year, month = (int(p) for p in period.split("-"))
        start = date(year, month, 1)
        if len(period) != 7:
            raise ValueError
    except ValueError:
        raise field_error("period", "period_format", "报告期格式应为 YYYY-MM", "period must be YYYY-MM") from None
    end = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
    if start > date.today():
        raise field_error("period", "period_future", "报告期尚未开始", "the reporting month has not started yet")
    return start, date.fromordinal(end)


def context(session: Session, org: Organisation, start: date, end: date) -> rules.Context:
    codes: dict[str, set[str]] = {}
    for version, code in session.execute(select(CatalogueItem.version, CatalogueItem.code)):
        codes.setdefault(version, set()).add(code)
    return rules.Context(start, end, org.uscc.upper(), set(session.scalars(select(Region.code))),
                         set(session.scalars(select(Industry.code))), codes)


# --- reading input ----------------------------------------------------------------------------------

def _csv_rows(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(_decode(content)))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise field_error("file", "file_empty", "文件为空", "the file is empty") from None
    return headers, ((n, r) for n, r in enumerate(reader, start=2))


def file_rows(filename: str, content: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of an uploaded CSV (UTF-8 or GBK/GB18030) or XLSX, keyed by field name; structural
    problems (unreadable file, unknown or missing columns) refuse the whole file at once."""
    if filename.lower().endswith(".csv"):
        headers, raw = _csv_rows(content)
        mapping, unknown = header_map(headers)
        index = [(i, mapping.get(h)) for i, h in enumerate(headers)]

        def rows():
            for n, cells in raw:
                if any(c.strip() for c in cells):
                    yield n, {name: cells[i] if i < len(cells) else "" for i, name in index if name}
    else:
        headers, table = read_table(filename, content)
        mapping, unknown = header_map(headers)

        def rows():
            for n, cells in table:
                yield n, {mapping[h]: v for h, v in cells.items() if h in mapping}
    problems = [FieldError(h, "column_unknown", f"未知列“{h}”（见报送模板）", f"unknown column '{h}' (see the template)")
                for h in unknown]
    problems += [FieldError(f.name, "column_missing", f"缺少必填列“{f.header_zh}”（{f.name}）",
                            f"missing required column '{f.name}' ({f.header_zh})")
                 for f in missing_columns(set(mapping.values()))]
    if problems:
        raise ValidationFailed(problems)
    return rows()


def json_rows(loans: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    known = {f.name for f in FIELDS}
    for i, loan in enumerate(loans):
        extra = sorted(set(loan) - known)
        if extra:
            raise field_error(f"loans[{i}].{extra[0]}", "field_unknown", f"未知字段“{extra[0]}”",
                              f"unknown field '{extra[0]}'")
        yield i + 2, loan


def _control_from(row: dict[str, Any]) -> rules.ControlTotals:
    amount, _ = parse_value(BY_NAME["amount_cny"], row.get("amount_cny"))
    balance, _ = parse_value(BY_NAME["balance_cny"], row.get("balance_cny"))
    return rules.ControlTotals(None, amount, balance)


def control_from_json(data: dict[str, Any] | None) -> rules.ControlTotals | None:
    if data is None:
        return None
    try:
        count = int(data["loan_count"]) if data.get("loan_count") is not None else None
        amount = Decimal(str(data["amount_cny"])) if data.get("amount_cny") is not None else None
        balance = Decimal(str(data["balance_cny"])) if data.get("balance_cny") is not None else None
    except (ValueError, ArithmeticError):
        raise field_error("control_totals", "control_totals_format", "汇总行数值无法读取",
                          "control totals are not numbers") from None
    return rules.ControlTotals(count, amount, balance)


# --- the submission ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    submission: ReportSubmission
    findings: list[rules.Finding]


def submit(session: Session, who: Principal, settings, institution_id: int, period: str,
           rows: Iterable[tuple[int, dict[str, Any]]], *, sha256: str, source: str, filename: str = "",
           control: rules.ControlTotals | None = None, note: str = "") -> Outcome:
    """Judge and store one submission (commits). Raises for structural problems; rule findings
    never raise — they are the receipt's content."""
    org = _institution(session, who, institution_id)
    start, end = parse_period(period)
    duplicate = session.scalar(select(ReportSubmission).where(
        ReportSubmission.institution_id == institution_id, ReportSubmission.period == period,
        ReportSubmission.current.is_(True), ReportSubmission.sha256 == sha256))
    if duplicate is not None:
        raise AppError("duplicate_submission", f"与在用的报送 {duplicate.receipt} 内容完全相同，未重复接收",
                       f"identical to the submission in force ({duplicate.receipt}); not received again", 409,
                       [FieldError("file", "duplicate_submission", "内容哈希相同", "same content hash")])
    ctx = context(session, org, start, end)
    checker = rules.Checker(ctx)
    receipt = uuid.uuid4().hex
    root = store.warehouse(settings.data_dir)
    rel = store.relative_path(period, institution_id, receipt)
    writer = store.Writer(root, rel, {
        "institution_id": institution_id, "institution_type": org.subtype or org.type, "period": period,
        "year": start.year, "quarter": (start.month - 1) // 3 + 1, "month": start.month, "receipt": receipt})
    totals = {"amount_cny": Decimal(0), "balance_cny": Decimal(0), "green_balance_cny": Decimal(0),
              "transition_balance_cny": Decimal(0), "cerf_balance_cny": Decimal(0), "green_loans": 0,
              "co2e_reduction_t": Decimal(0)}
    try:
        for number, raw in rows:
            if str(raw.get("loan_id") or "").strip() in CONTROL_IDS:
                if control is not None:
                    checker.findings.append(rules.Finding(number, "", "DRR-021", "loan_id", "second aggregate line"))
                control = _control_from(raw)
                continue
            row = parse_row(raw)
            checker.row(number, row)
            applied = rules.expected_version(row) or ""
            writer.add(row, applied, start, end)
            balance = row["balance_cny"] or 0
            totals["amount_cny"] += row["amount_cny"] or 0
            totals["balance_cny"] += balance
            if row["green"]:
                totals["green_balance_cny"] += balance
                totals["green_loans"] += 1
            elif row["transition"]:
                totals["transition_balance_cny"] += balance
            if row["carbon_reduction_tool"]:
                totals["cerf_balance_cny"] += balance
            totals["co2e_reduction_t"] += row["co2e_reduction_t"] or 0
        findings = checker.finish(control)
        writer.close()
    except BaseException:
        writer.close()
        writer.discard()
        raise
    summary = rules.counts(findings)
    accepted = summary["errors"] == 0
    previous = session.scalar(select(ReportSubmission).where(
        ReportSubmission.institution_id == institution_id, ReportSubmission.period == period,
        ReportSubmission.current.is_(True)).with_for_update())
    sequence = (session.scalar(select(func.max(ReportSubmission.sequence)).where(
        ReportSubmission.institution_id == institution_id, ReportSubmission.period == period)) or 0) + 1
    sub = ReportSubmission(
        receipt=receipt, institution_id=institution_id, period=period, sequence=sequence,
        status="accepted" if accepted else "rejected", current=accepted,
        supersedes_id=previous.id if (accepted and previous) else None, ruleset_version=rules.RULESET_VERSION,
        source=source, filename=filename[:200], sha256=sha256, rows_total=checker.rows,
        rows_with_errors=summary["rows_with_errors"], rows_with_warnings=summary["rows_with_warnings"],
        errors=summary["errors"], warnings=summary["warnings"], by_rule=summary["by_rule"],
        findings_stored=min(len(findings), MAX_STORED_FINDINGS),
        control=None if control is None else {k: (str(v) if v is not None else None) for k, v in
                                              vars(control).items()},
        totals={k: str(v) for k, v in totals.items()}, changes={},
        parquet_path=rel if accepted else None, actor=who.actor, user_id=who.user_id, note=note[:2000])
    session.add(sub)
    try:
        if accepted and previous is not None:
            previous.current = False
            session.flush()
            old = root / previous.parquet_path
            changes, change_rows = diff(old, writer.tmp)
            sub.changes = changes
            session.bulk_insert_mappings(ReportChange, [
                {"submission_id": sub.id, **c} for c in change_rows[:MAX_STORED_CHANGES]])
        session.flush()
        session.bulk_insert_mappings(ReportFinding, [
            {"submission_id": sub.id, "row": f.row, "loan_id": f.loan_id[:64], "rule_id": f.rule,
             "severity": rules.BY_ID[f.rule].severity, "field": f.field[:40], "value": f.value[:120]}
            for f in findings[:MAX_STORED_FINDINGS]])
        record(session, who, "report.submit", "report_submission", sub.id, after={
            "receipt": receipt, "institution_id": institution_id, "period": period, "status": sub.status,
            "sha256": sha256, "rows": checker.rows, "errors": sub.errors, "warnings": sub.warnings,
            "supersedes": previous.receipt if (accepted and previous) else None})
        if accepted:
            writer.publish()
        else:
            writer.discard()
        session.commit()
    except BaseException:
        session.rollback()
        writer.discard()
        raise
    return Outcome(sub, findings)


def diff(old: Path, new: Path) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Loans added, removed and changed (field by field) between two submissions' files."""
    import duckdb

    names = [f.name for f in FIELDS if f.name != "loan_id"]
    changed = " OR ".join(f"o.{n} IS DISTINCT FROM n.{n}" for n in names)
    pairs = ", ".join(f"CASE WHEN o.{n} IS DISTINCT FROM n.{n} THEN [CAST(o.{n} AS VARCHAR), "
                      f"CAST(n.{n} AS VARCHAR)] END AS {n}" for n in names)
    sql = (f"SELECT coalesce(n.loan_id, o.loan_id) AS loan_id, CASE WHEN o.loan_id IS NULL THEN 'added' "
           f"WHEN n.loan_id IS NULL THEN 'removed' ELSE 'changed' END AS change, {pairs} "
           f"FROM read_parquet(?) n FULL OUTER JOIN read_parquet(?) o ON n.loan_id = o.loan_id "
           f"WHERE o.loan_id IS NULL OR n.loan_id IS NULL OR {changed} ORDER BY 2, 1")
    con = duckdb.connect()
    try:
        result = con.execute(sql, [str(new), str(old)])
        cols = [d[0] for d in result.description]
        out: list[dict[str, Any]] = []
        counts = {"added": 0, "removed": 0, "changed": 0}
        for rec in result.fetchall():
            row = dict(zip(cols, rec, strict=True))
            counts[row["change"]] += 1
            fields = {} if row["change"] != "changed" else {n: row[n] for n in names if row[n] is not None}
            out.append({"loan_id": row["loan_id"], "change": row["change"], "fields": fields})
        return counts, out
    finally:
        con.close()


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def json_hash(loans: list[dict[str, Any]], control: dict | None) -> str:
    return content_hash(json.dumps({"loans": loans, "control": control}, sort_keys=True, ensure_ascii=False,
                                   default=str).encode())


def submit_file(session: Session, who: Principal, settings, institution_id: int, period: str, filename: str,
                content: bytes, source: str = "file", note: str = "") -> Outcome:
    _institution(session, who, institution_id)  # refuse another institution's file before reading it
    parse_period(period)
    return submit(session, who, settings, institution_id, period, file_rows(filename, content),
                  sha256=content_hash(content), source=source, filename=filename, note=note)


def submit_json(session: Session, who: Principal, settings, institution_id: int, period: str,
                loans: list[dict[str, Any]], control: dict | None, note: str = "") -> Outcome:
    return submit(session, who, settings, institution_id, period, json_rows(loans),
                  sha256=json_hash(loans, control), source="api", control=control_from_json(control), note=note)


# --- reading back -------------------------------------------------------------------------------------

def receipt(sub: ReportSubmission, session: Session, findings: list[rules.Finding] | None = None,
            limit: int = 200) -> dict[str, Any]:
    org = session.get(Organisation, sub.institution_id)
    previous = session.get(ReportSubmission, sub.supersedes_id) if sub.supersedes_id else None
    out = {
        "receipt": sub.receipt, "id": sub.id, "institution_id": sub.institution_id,
        "institution": org.name if org else "", "period": sub.period, "sequence": sub.sequence,
        "status": sub.status, "current": sub.current, "sha256": sub.sha256, "source": sub.source,
        "filename": sub.filename, "ruleset_version": sub.ruleset_version,
        "received_at": sub.created_at.isoformat(), "by": sub.actor,
        "counts": {"rows_total": sub.rows_total, "rows_with_errors": sub.rows_with_errors,
                   "rows_with_warnings": sub.rows_with_warnings, "errors": sub.errors, "warnings": sub.warnings,
                   "by_rule": sub.by_rule},
        "totals": sub.totals, "control": sub.control,
        "supersedes": previous.receipt if previous else None, "changes": sub.changes,
        "findings_stored": sub.findings_stored,
    }
    if findings is not None:
        out["findings"] = [finding_dict(f.row, f.loan_id, f.rule, f.field, f.value) for f in findings[:limit]]
        out["findings_truncated"] = len(findings) > limit
    return out


def finding_dict(row: int, loan_id: str, rule_id: str, field: str, value: str) -> dict[str, Any]:
    rule = rules.BY_ID[rule_id]
    return {"row": row, "loan_id": loan_id, "rule": rule_id, "rule_version": rule.version,
            "severity": rule.severity, "field": field, "value": value,
            "message_zh": rule.zh, "message_en": rule.en}


def get_submission(session: Session, who: Principal, key: str | int) -> ReportSubmission:
    column = ReportSubmission.id if isinstance(key, int) or str(key).isdigit() else ReportSubmission.receipt
    sub = session.scalar(select(ReportSubmission).where(column == (int(key) if column is ReportSubmission.id
                                                                   else key)))
    allowed = visible_institutions(who)
    if sub is None or (allowed is not None and sub.institution_id not in allowed):
        raise NotFound("报送", "submission")
    return sub


def list_submissions(session: Session, who: Principal, *, institution_id: int | None = None,
                     period: str | None = None, status: str | None = None, current: bool | None = None,
                     page: int = 1, page_size: int = 50) -> tuple[list[ReportSubmission], int]:
    stmt = select(ReportSubmission)
    allowed = visible_institutions(who)
    if allowed is not None:
        stmt = stmt.where(ReportSubmission.institution_id.in_(allowed or {-1}))
    if institution_id is not None:
        stmt = stmt.where(ReportSubmission.institution_id == institution_id)
    if period:
        stmt = stmt.where(ReportSubmission.period == period)
    if status:
        if status not in ("accepted", "rejected"):
            raise field_error("status", "status_value", "状态应为 accepted 或 rejected",
                              "status must be accepted or rejected")
        stmt = stmt.where(ReportSubmission.status == status)
    if current is not None:
        stmt = stmt.where(ReportSubmission.current.is_(current))
    rows, total = paginate(session, stmt.order_by(ReportSubmission.id.desc()), stmt, page, page_size)
    return [r[0] for r in rows], total


def list_findings(session: Session, sub: ReportSubmission, *, rule: str | None = None, severity: str | None = None,
                  page: int = 1, page_size: int = 50) -> tuple[list[dict[str, Any]], int]:
    stmt = select(ReportFinding).where(ReportFinding.submission_id == sub.id)
    if rule:
        stmt = stmt.where(ReportFinding.rule_id == rule)
    if severity:
        stmt = stmt.where(ReportFinding.severity == severity)
    rows, total = paginate(session, stmt.order_by(ReportFinding.id), stmt, page, page_size)
    return [finding_dict(f.row, f.loan_id, f.rule_id, f.field, f.value) for (f,) in rows], total


def all_findings(session: Session, sub: ReportSubmission) -> Iterator[dict[str, Any]]:
    for (f,) in session.execute(select(ReportFinding).where(ReportFinding.submission_id == sub.id)
                                .order_by(ReportFinding.id)):
        yield finding_dict(f.row, f.loan_id, f.rule_id, f.field, f.value)


def list_changes(session: Session, sub: ReportSubmission, page: int = 1,
                 page_size: int = 50) -> tuple[list[dict[str, Any]], int]:
    stmt = select(ReportChange).where(ReportChange.submission_id == sub.id)
    rows, total = paginate(session, stmt.order_by(ReportChange.id), stmt, page, page_size)
    return [{"loan_id": c.loan_id, "change": c.change, "fields": c.fields} for (c,) in rows], total


def current_files(session: Session, settings, institution_ids: set[int] | None = None) -> list[str]:
    """Absolute paths of the Parquet files in force, for the given institutions (None = all; the
    caller has decided the scope)."""
    stmt = select(ReportSubmission.parquet_path, ReportSubmission.institution_id).where(
        ReportSubmission.current.is_(True))
    root = store.warehouse(settings.data_dir)
    return sorted(str(root / path) for path, inst in session.execute(stmt)
                  if institution_ids is None or inst in institution_ids)


def template_xlsx() -> bytes:
    from lvrongtong.kit.xlsx import write_xlsx
    from lvrongtong.reference.uscc import make_uscc

    example = ["A-2026-0001", make_uscc("9", "1", "500112", "MA5U0001"), "重庆示例光伏有限公司", "中型", "4416", "500112",
               "10000000.00", "8000000.00", "3.10", "2024-03-05", "2024-03-10", "2029-03-10", "是", "否",
               "2019", "3.2.1", "是", "4200", "", ""]
    notes = [(f"{f.header_zh} ({f.name})", f"{'必填' if f.required else '选填'}；{f.zh} / "
                                          f"{'required' if f.required else 'optional'}; {f.en}") for f in FIELDS]
    notes.append(("合计 / TOTAL", "最后一行可为机构汇总行：贷款编号填“合计”，并填合同金额与余额合计 / an aggregate "
                                 "line: loan_id '合计' or 'TOTAL' with the amount and balance totals"))
    notes += [(r.id, f"{r.severity} · {r.zh} / {r.en} · {r.basis}") for r in rules.RULES]
    return write_xlsx("报送模板 Template", [f.header_zh for f in FIELDS], [example], notes)

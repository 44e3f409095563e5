"""Activity data of an account: manual entry, XLSX/CSV import with a row-by-row report, device roll-ups.

Every record is checked the way the inventory will use it: the carbon engine is asked to compute it
(a dry run), so a record that is stored can always be calculated (known fuel, convertible unit)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lvrongtong.accounts.models import ACTIVITY_KINDS, SOURCES, ActivityRecord, CarbonAccount
from lvrongtong.audit.service import record as audit_record
from lvrongtong.carbon import service as carbon
from lvrongtong.kit.errors import AppError, FieldError, ValidationFailed
from lvrongtong.kit.principal import Principal

METHOD_OF = {"electricity": "inventory.scope2.electricity", "fuel": "inventory.scope1.combustion",
             "heat": "inventory.scope2.heat"}
SCOPE_OF = {"electricity": "2", "fuel": "1", "heat": "2"}
# import headers, Chinese or English
HEADERS = {"kind": ("kind", "类型"), "carrier": ("carrier", "能源品种"), "quantity": ("quantity", "数量"),
           "unit": ("unit", "单位"), "starts_on": ("starts_on", "开始日期"), "ends_on": ("ends_on", "结束日期"),
           "source": ("source", "来源"), "source_ref": ("source_ref", "凭证号"), "note": ("note", "备注")}


@dataclass
class ActivityIn:
    kind: str
    quantity: Decimal
    unit: str
    starts_on: date
    ends_on: date
    carrier: str = ""
    source: str = "manual"
    source_ref: str = ""
    note: str = ""


def method_inputs(kind: str, carrier: str, quantity: Decimal, unit: str, region: str, year: int) -> dict[str, Any]:
    if kind == "electricity":
        return {"electricity": {"value": str(quantity), "unit": unit}, "region": region, "year": year}
    if kind == "fuel":
        return {"fuel": carrier, "consumption": str(quantity), "consumption_unit": unit}
    return {"heat": {"value": str(quantity), "unit": unit}}


def check(session: Session, item: ActivityIn, region: str) -> None:
    """Every problem of one record at once (field + rule), including what the carbon engine refuses."""
    problems = []
    if item.kind not in ACTIVITY_KINDS:
        problems.append(FieldError("kind", "kind_known", f"类型应为 {'、'.join(ACTIVITY_KINDS)}",
                                   f"kind must be one of {', '.join(ACTIVITY_KINDS)}"))
    if item.source not in SOURCES:
        problems.append(FieldError("source", "source_known", f"来源应为 {'、'.join(SOURCES)}",
                                   f"source must be one of {', '.join(SOURCES)}"))
    if item.kind == "fuel" and not item.carrier:
        problems.append(FieldError("carrier", "required", "燃料须注明品种", "a fuel record needs its carrier"))
    if item.quantity < 0:
        problems.append(FieldError("quantity", "non_negative", "数量不能为负", "quantity must not be negative"))
    if item.ends_on < item.starts_on:
        problems.append(FieldError("ends_on", "range_ordered", "结束日期早于开始日期", "ends_on is before starts_on"))
    if problems:
        raise ValidationFailed(problems)
    try:
        carbon.calculate(session, METHOD_OF[item.kind],
                         method_inputs(item.kind, item.carrier, item.quantity, item.unit, region, item.starts_on.year))
    except AppError as e:
        raise ValidationFailed(e.details or [FieldError("unit", e.code, e.message_zh, e.message_en)]) from None


def add(session: Session, who: Principal, account: CarbonAccount, region: str, item: ActivityIn) -> ActivityRecord:
    check(session, item, region)
    row = ActivityRecord(account_id=account.id, kind=item.kind, carrier=item.carrier, quantity=item.quantity,
                         unit=item.unit, starts_on=item.starts_on, ends_on=item.ends_on, source=item.source,
                         source_ref=item.source_ref, note=item.note, created_by=who.user_id)
    session.add(row)
    session.flush()
    audit_record(session, who, "account.activity.add", "account_activity", row.id, None, as_dict(row))
    return row


def as_dict(r: ActivityRecord) -> dict:
    return {"id": r.id, "kind": r.kind, "carrier": r.carrier, "quantity": format(Decimal(r.quantity).normalize(), "f"),
            "unit": r.unit, "starts_on": r.starts_on.isoformat(), "ends_on": r.ends_on.isoformat(),
            "source": r.source, "source_ref": r.source_ref, "note": r.note}


def _cell(row: dict[str, str], key: str) -> str:
    for name in HEADERS[key]:
        if row.get(name):
            return row[name].strip()
    return ""


def _parse_row(row: dict[str, str]) -> ActivityIn:
    problems = []

    def day(key: str) -> date:
        try:
            return date.fromisoformat(_cell(row, key)[:10])
        except ValueError:
            problems.append(FieldError(key, "date", f"{key} 应为 YYYY-MM-DD", f"{key} must be YYYY-MM-DD"))
            return date(2000, 1, 1)

    try:
        quantity = Decimal(_cell(row, "quantity"))
        if not quantity.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.append(FieldError("quantity", "number", "数量应为数字", "quantity must be a number"))
        quantity = Decimal(0)
    item = ActivityIn(kind=_cell(row, "kind"), carrier=_cell(row, "carrier"), quantity=quantity,
                      unit=_cell(row, "unit"), starts_on=day("starts_on"), ends_on=day("ends_on"),
                      source=_cell(row, "source") or "xlsx", source_ref=_cell(row, "source_ref"),
                      note=_cell(row, "note"))
    if problems:
        raise ValidationFailed(problems)
    return item


def import_rows(session: Session, who: Principal, account: CarbonAccount, region: str, filename: str,
                content: bytes) -> dict:
    """Store every valid row; report each row (accepted with its id, or rejected with every problem)."""
    from lvrongtong.kit.tabular import read_table

    _, rows = read_table(filename, content)
    sha = hashlib.sha256(content).hexdigest()
    report, accepted = [], 0
    for number, raw in rows:
        try:
            item = _parse_row(raw)
            if item.source == "xlsx" and not item.source_ref:
                item.source_ref = f"{filename}#{number}"
            check(session, item, region)
        except ValidationFailed as e:
            report.append({"row": number, "status": "rejected", "problems": [d.as_dict() for d in e.details]})
            continue
        row = ActivityRecord(account_id=account.id, kind=item.kind, carrier=item.carrier, quantity=item.quantity,
                             unit=item.unit, starts_on=item.starts_on, ends_on=item.ends_on, source=item.source,
                             source_ref=item.source_ref, note=item.note, created_by=who.user_id)
        session.add(row)
        session.flush()
        accepted += 1
        report.append({"row": number, "status": "accepted", "id": row.id})
    summary = {"filename": filename, "sha256": sha, "rows": len(rows), "accepted": accepted,
               "rejected": len(rows) - accepted}
    audit_record(session, who, "account.activity.import", "carbon_account", account.id, None, summary)
    return {**summary, "report": report}


def replace_device_rollup(session: Session, account_id: int, device_identifier: str, kind: str, carrier: str,
                          unit: str, months: list[tuple[date, date, Decimal, int]]) -> int:
    """Store a device's monthly totals as activity (source=device), replacing its earlier roll-up of those months."""
    for starts_on, ends_on, _total, _n in months:
        session.execute(delete(ActivityRecord).where(
            ActivityRecord.account_id == account_id, ActivityRecord.source == "device",
            ActivityRecord.source_ref == device_identifier, ActivityRecord.starts_on == starts_on,
            ActivityRecord.ends_on == ends_on))
    session.add_all(ActivityRecord(account_id=account_id, kind=kind, carrier=carrier, quantity=total, unit=unit,
                                   starts_on=s, ends_on=e, source="device", source_ref=device_identifier,
                                   note=f"{n} readings") for s, e, total, n in months)
    session.flush()
    return len(months)


def records_in(session: Session, account_id: int, starts_on: date, ends_on: date) -> list[ActivityRecord]:
    return list(session.scalars(select(ActivityRecord).where(
        ActivityRecord.account_id == account_id, ActivityRecord.starts_on >= starts_on,
        ActivityRecord.ends_on <= ends_on).order_by(ActivityRecord.starts_on, ActivityRecord.id)))

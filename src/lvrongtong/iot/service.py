"""Device use cases: register (with a per-device credential), list with status, quarantine, roll-up into accounts."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lvrongtong.audit.service import record as audit_record
from lvrongtong.iot import status as rules
from lvrongtong.iot.ingest import credential_digest
from lvrongtong.iot.models import QUANTITIES, Device, QuarantinedReading, Reading
from lvrongtong.kit.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from lvrongtong.kit.principal import SYSTEM, Principal
from lvrongtong.registry import service as registry

KEY_PREFIX = "lvd_"
LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # account periods are calendar months in China time
PREFIX_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,79}$")
SUFFIX_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,79}$")


def default_prefix(uscc: str) -> str:
    return f"LVRT.{uscc.upper()}"


def _owner(who: Principal, uscc: str) -> None:
    if who.is_system:
        return
    if who.org_type != "enterprise" or who.org_uscc != uscc.upper():
        raise NotFound("企业", "enterprise")
    if not who.can_write():
        raise Forbidden("需要“操作员”或“管理员”角色", "the operator or admin role is required")


def register_device(session: Session, who: Principal, uscc: str, suffix: str, quantity: str, *, site: str = "",
                    name: str = "", prefix: str | None = None, interval_seconds: int = 900,
                    synthetic: bool = False) -> tuple[Device, str]:
    """Register a meter; returns the device and its secret key (shown once, stored only as SHA-256)."""
    _owner(who, uscc)
    ent = registry.get_enterprise(session, SYSTEM, uscc)
    prefix = prefix or default_prefix(ent.uscc)
    problems = []
    if not PREFIX_RE.match(prefix):
        problems.append(FieldError("prefix", "identifier_prefix", "前缀只能含字母、数字、点和连字符",
                                   "the prefix may contain letters, digits, dots and hyphens"))
    if not SUFFIX_RE.match(suffix or ""):
        problems.append(FieldError("suffix", "identifier_suffix", "后缀只能含字母、数字、点、连字符和下划线",
                                   "the suffix may contain letters, digits, dots, hyphens and underscores"))
    if quantity not in QUANTITIES:
        problems.append(FieldError("quantity", "quantity_known", f"计量对象应为 {'、'.join(QUANTITIES)}",
                                   f"quantity must be one of {', '.join(QUANTITIES)}"))
    if not 1 <= interval_seconds <= 86400:
        problems.append(FieldError("interval_seconds", "range", "上报间隔应在 1–86400 秒", "interval 1–86400 s"))
    if problems:
        raise ValidationFailed(problems)
    identifier = f"{prefix}/{suffix}"
    if session.scalar(select(Device.id).where(Device.identifier == identifier)):
        raise Conflict("suffix", "identifier_unique", "设备标识已存在", "a device with this identifier exists")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    device = Device(identifier=identifier, enterprise_id=ent.id, site=site, name=name, quantity=quantity,
                    unit=QUANTITIES[quantity][0], interval_seconds=interval_seconds,
                    credential_sha256=credential_digest(secret), credential_prefix=secret[:12], synthetic=synthetic)
    session.add(device)
    session.flush()
    audit_record(session, who, "iot.device.register", "iot_device", device.id, None,
                 {"identifier": identifier, "uscc": ent.uscc, "quantity": quantity, "unit": device.unit,
                  "credential_prefix": device.credential_prefix})
    return device, secret


def device_dict(d: Device) -> dict:
    return {"id": d.id, "identifier": d.identifier, "site": d.site, "name": d.name, "quantity": d.quantity,
            "unit": d.unit, "interval_seconds": d.interval_seconds, "active": d.active, "synthetic": d.synthetic,
            "credential_prefix": d.credential_prefix,
            "last_measured_at": d.last_measured_at.isoformat() if d.last_measured_at else None}


def _recent(session: Session, device_id: int, n: int = 25) -> list[Decimal]:
    values = session.scalars(select(Reading.value).where(Reading.device_id == device_id)
                             .order_by(Reading.measured_at.desc()).limit(n)).all()
    return [Decimal(v) for v in reversed(values)]


def device_statuses(session: Session, who: Principal, enterprise_id: int, now: datetime | None = None) -> list[dict]:
    """Each device of an enterprise with its status and alerts (callers check access to the enterprise)."""
    now = now or datetime.now(UTC)
    out = []
    day_ago = now - timedelta(hours=24)
    for d in session.scalars(select(Device).where(Device.enterprise_id == enterprise_id).order_by(Device.identifier)):
        state, alerts = rules.status(d.last_measured_at, d.interval_seconds, now, _recent(session, d.id))
        quarantined = session.scalar(select(func.count()).select_from(QuarantinedReading).where(
            QuarantinedReading.device_id == d.id, QuarantinedReading.received_at >= day_ago)) or 0
        if quarantined:
            alerts = [*alerts, {"code": "quarantined", "zh": f"24 小时内 {quarantined} 条读数被隔离",
                                "en": f"{quarantined} readings quarantined in the last 24 h"}]
        out.append({**device_dict(d), "status": state, "alerts": alerts})
    return out


def list_devices(session: Session, who: Principal, uscc: str) -> list[dict]:
    _owner_read(who, uscc)
    ent = registry.get_enterprise(session, SYSTEM, uscc)
    return device_statuses(session, who, ent.id)


def _owner_read(who: Principal, uscc: str) -> None:
    if not (who.is_system or (who.org_type == "enterprise" and who.org_uscc == uscc.upper())):
        raise NotFound("企业", "enterprise")


def quarantine(session: Session, who: Principal, uscc: str, limit: int = 100) -> list[dict]:
    _owner_read(who, uscc)
    ent = registry.get_enterprise(session, SYSTEM, uscc)
    ids = select(Device.id).where(Device.enterprise_id == ent.id)
    rows = session.scalars(select(QuarantinedReading).where(QuarantinedReading.device_id.in_(ids))
                           .order_by(QuarantinedReading.id.desc()).limit(limit))
    return [{"device": q.device_identifier, "reason": q.reason, "detail": q.detail, "payload": q.payload,
             "received_at": q.received_at.isoformat(), "channel": q.channel} for q in rows]


def _month_of(t: datetime) -> date:
    """An interval reading belongs to the month in which its interval ends — a reading stamped exactly at
    local midnight on the 1st closes the previous month's last interval."""
    local = (t - timedelta(seconds=1)).astimezone(LOCAL_TZ)
    return date(local.year, local.month, 1)


def monthly_totals(session: Session, device: Device, starts_on: date, ends_on: date) -> list[tuple[date, date, Decimal, int]]:
    lo = datetime(starts_on.year, starts_on.month, starts_on.day, tzinfo=LOCAL_TZ)
    hi = datetime(ends_on.year, ends_on.month, ends_on.day, tzinfo=LOCAL_TZ) + timedelta(days=1, seconds=1)
    months: dict[date, list] = {}
    for t, v in session.execute(select(Reading.measured_at, Reading.value).where(
            Reading.device_id == device.id, Reading.measured_at > lo, Reading.measured_at < hi)):
        m = _month_of(t)
        if starts_on <= m <= ends_on:
            acc = months.setdefault(m, [Decimal(0), 0])
            acc[0] += Decimal(v)
            acc[1] += 1
    out = []
    for m, (total, n) in sorted(months.items()):
        nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        out.append((m, nxt - timedelta(days=1), total, n))
    return out


def rollup(session: Session, who: Principal, uscc: str, starts_on: date, ends_on: date) -> dict:
    """Monthly totals of every device of the enterprise → account activity (source=device), replacing the
    previous roll-up of the same months; months without readings are left out (they show as gaps)."""
    from lvrongtong.accounts import service as accounts

    _owner(who, uscc)
    ent = registry.get_enterprise(session, SYSTEM, uscc)
    written = {}
    for d in session.scalars(select(Device).where(Device.enterprise_id == ent.id, Device.active.is_(True))):
        _unit, kind, carrier = QUANTITIES[d.quantity]
        months = monthly_totals(session, d, starts_on, ends_on)
        written[d.identifier] = accounts.record_device_rollup(session, who, ent.uscc, d.identifier, kind, carrier,
                                                              d.unit, months)
    audit_record(session, who, "iot.rollup", "enterprise", ent.uscc, None,
                 {"from": starts_on.isoformat(), "to": ends_on.isoformat(), "months_written": written})
    return {"uscc": ent.uscc, "months_written": written}

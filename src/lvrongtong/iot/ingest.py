"""Ingestion of device readings (HTTP and MQTT share it): check, then batch-insert, in the caller's transaction.

A batch is a list of envelopes ``{"device": identifier, "key": secret, "readings": [{"t", "v", "unit"}]}``.
Accepted readings are inserted with ON CONFLICT (device, measured_at) DO NOTHING — a duplicate
(same device and timestamp, e.g. a QoS 1 redelivery) changes nothing; a late reading is stored under
its own timestamp. Everything else is quarantined with a reason, never stored as data:

unknown_device · bad_credential · inactive_device · malformed · timestamp_invalid · future_timestamp ·
value_invalid · negative_value · unit_mismatch
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lvrongtong.iot.models import Device, QuarantinedReading, Reading

FUTURE_SKEW = timedelta(minutes=5)  # device clocks may run a little fast; beyond this a timestamp is refused
CHUNK = 2000


def credential_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    digest: str
    unit: str
    active: bool


class DeviceCache:
    """identifier → DeviceInfo for ``ttl`` seconds: the MQTT path must not query the registry per message.
    A new, rotated or deactivated device is seen within ``ttl`` seconds."""

    def __init__(self, ttl: float = 30.0):
        self.ttl = ttl
        self._items: dict[str, tuple[float, DeviceInfo | None]] = {}

    def lookup(self, session: Session, identifiers: set[str]) -> dict[str, DeviceInfo | None]:
        now = time.monotonic()
        missing = [i for i in identifiers if i not in self._items or self._items[i][0] < now]
        if missing:
            found = {d.identifier: DeviceInfo(d.id, d.credential_sha256, d.unit, d.active)
                     for d in session.execute(select(Device.identifier, Device.id, Device.credential_sha256,
                                                     Device.unit, Device.active)
                                              .where(Device.identifier.in_(missing)))}
            for i in missing:
                self._items[i] = (now + self.ttl, found.get(i))
        return {i: self._items[i][1] for i in identifiers}


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)

    def add(self, other: IngestResult) -> None:
        self.received += other.received
        self.stored += other.stored
        self.duplicates += other.duplicates
        for k, v in other.quarantined.items():
            self.quarantined[k] = self.quarantined.get(k, 0) + v

    def as_dict(self) -> dict:
        return {"received": self.received, "stored": self.stored, "duplicates": self.duplicates,
                "quarantined": dict(self.quarantined), "quarantined_total": sum(self.quarantined.values())}


def _timestamp(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        t = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(UTC) if t.tzinfo is not None else None  # a naive timestamp is ambiguous: refused


def _check_reading(r: Any, info: DeviceInfo, now: datetime) -> tuple[datetime, Decimal] | tuple[str, str]:
    if not isinstance(r, dict):
        return "malformed", "reading is not an object"
    t = _timestamp(r.get("t"))
    if t is None:
        return "timestamp_invalid", f"t={r.get('t')!r}: ISO 8601 with a UTC offset is required"
    if t > now + FUTURE_SKEW:
        return "future_timestamp", f"t={t.isoformat()} is after the time of receipt {now.isoformat()}"
    try:
        v = Decimal(str(r.get("v")))
        if not v.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        return "value_invalid", f"v={r.get('v')!r} is not a number"
    if v < 0:
        return "negative_value", f"v={v}: energy used in an interval cannot be negative"
    unit = r.get("unit")
    if unit is not None and unit != info.unit:
        return "unit_mismatch", f"unit {unit!r} ≠ the device's registered unit {info.unit!r}"
    return t, v


def ingest(session: Session, envelopes: list[Any], channel: str, cache: DeviceCache | None = None,
           now: datetime | None = None) -> IngestResult:
    """Check and store one batch in the caller's transaction (the caller commits, then acknowledges)."""
    now = now or datetime.now(UTC)
    cache = cache or DeviceCache(ttl=0)
    result = IngestResult()
    good: list[dict] = []
    bad: list[dict] = []
    latest: dict[int, datetime] = {}
    identifiers = {e.get("device") for e in envelopes if isinstance(e, dict) and isinstance(e.get("device"), str)}
    devices = cache.lookup(session, identifiers) if identifiers else {}

    def quarantine(ident: str, device_id: int | None, reason: str, detail: str, payload: Any) -> None:
        result.quarantined[reason] = result.quarantined.get(reason, 0) + 1
        bad.append({"device_identifier": str(ident)[:160], "device_id": device_id, "reason": reason,
                    "detail": detail[:2000], "payload": payload if isinstance(payload, dict) else {"raw": str(payload)[:2000]},
                    "received_at": now, "channel": channel})

    for env in envelopes:
        readings = env.get("readings") if isinstance(env, dict) else None
        ident = env.get("device", "") if isinstance(env, dict) else ""
        if not isinstance(readings, list) or not isinstance(ident, str) or not ident:
            result.received += 1
            quarantine(ident or "?", None, "malformed", "an envelope needs device, key and a readings list",
                       _redacted(env))
            continue
        result.received += len(readings)
        info = devices.get(ident)
        key = env.get("key")
        problem = None
        if info is None:
            problem = ("unknown_device", f"no device {ident!r} is registered")
        elif not isinstance(key, str) or not hmac.compare_digest(credential_digest(key), info.digest):
            problem = ("bad_credential", "the device key does not match")
        elif not info.active:
            problem = ("inactive_device", "the device is deactivated")
        if problem:
            for r in readings:
                quarantine(ident, info.id if info else None, *problem, r)
            continue
        for r in readings:
            checked = _check_reading(r, info, now)
            if isinstance(checked[0], str):
                quarantine(ident, info.id, checked[0], str(checked[1]), r)
                continue
            t, v = checked
            good.append({"device_id": info.id, "measured_at": t, "value": v, "received_at": now, "channel": channel})
            if info.id not in latest or t > latest[info.id]:
                latest[info.id] = t
    stored = _insert_readings(session, good)
    result.stored, result.duplicates = stored, len(good) - stored
    if bad:
        _insert_quarantined(session, bad)
    for device_id, t in latest.items():
        session.execute(update(Device).where(Device.id == device_id).values(last_received_at=now))
        session.execute(update(Device).where(Device.id == device_id, (Device.last_measured_at.is_(None)) |
                                             (Device.last_measured_at < t)).values(last_measured_at=t))
    return result


def _redacted(env: Any) -> dict:
    if isinstance(env, dict):
        return {k: ("***" if k == "key" else v) for k, v in env.items() if k != "readings"}
    return {"raw": str(env)[:2000]}


def _fingerprint(row: dict) -> str:
    import json

    body = json.dumps([row["device_identifier"], row["reason"], row["payload"]], sort_keys=True, ensure_ascii=False,
                      default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _insert_quarantined(session: Session, rows: list[dict]) -> int:
    """Quarantine once: the same (device, reason, payload) redelivered — within the batch or later — is
    skipped, so that count in = stored + quarantined holds across a crash and redelivery."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    unique: dict[str, dict] = {}
    for r in rows:
        unique.setdefault(_fingerprint(r), {**r})["fingerprint"] = _fingerprint(r)
    table = QuarantinedReading.__table__
    values = list(unique.values())
    done = 0
    for start in range(0, len(values), CHUNK):
        stmt = insert(table).on_conflict_do_nothing(index_elements=["fingerprint"]).returning(table.c.id)
        done += len(session.execute(stmt, values[start:start + CHUNK]).all())
    return done


def _insert_readings(session: Session, rows: list[dict]) -> int:
    """Batch insert; duplicates of (device, measured_at) — in the database or within the batch — are skipped.
    Returns how many rows were new."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    seen, unique = set(), []
    for r in rows:
        k = (r["device_id"], r["measured_at"])
        if k not in seen:
            seen.add(k)
            unique.append(r)
    table = Reading.__table__
    stored = 0
    for start in range(0, len(unique), CHUNK):
        stmt = insert(table).on_conflict_do_nothing(index_elements=["device_id", "measured_at"]).returning(table.c.id)
        stored += len(session.execute(stmt, unique[start:start + CHUNK]).all())
    return stored

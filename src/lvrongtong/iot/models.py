"""Device tables: the registry, accepted readings (one per device and timestamp), quarantined readings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lvrongtong.kit.db import AwareDateTime, Base, utcnow

# BIGINT on PostgreSQL (readings grow without bound); INTEGER on SQLite so the key stays the rowid
BigId = BigInteger().with_variant(Integer(), "sqlite")

# measured quantity → (unit the device must report, activity kind, carrier in the factor library)
QUANTITIES: dict[str, tuple[str, str, str]] = {
    "electricity": ("kWh", "electricity", ""),
    "natural_gas": ("m3", "fuel", "天然气"),
    "diesel": ("t", "fuel", "柴油"),
    "heat": ("GJ", "heat", ""),
}


class Device(Base):
    """A meter or sensor of one enterprise at one site.

    ``identifier`` is ``<prefix>/<suffix>`` (industrial-internet identifier style, docs/operations.md):
    the prefix names the enterprise (default ``LVRT.<USCC>``), the suffix the device within it.
    The credential is stored only as its SHA-256 (a 256-bit random secret; the lookup must be fast
    enough for every MQTT message, which a password hash like Argon2 is not)."""

    __tablename__ = "iot_device"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(160), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    site: Mapped[str] = mapped_column(String(120), default="")
    name: Mapped[str] = mapped_column(String(120), default="")
    quantity: Mapped[str] = mapped_column(String(24))  # QUANTITIES
    unit: Mapped[str] = mapped_column(String(8))
    interval_seconds: Mapped[int] = mapped_column(Integer, default=900)  # expected reporting interval
    credential_sha256: Mapped[str] = mapped_column(String(64))
    credential_prefix: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    synthetic: Mapped[bool] = mapped_column(default=False)
    last_measured_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    last_received_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class Reading(Base):
    """Energy used in the interval that ends at ``measured_at`` (interval, not cumulative register values)."""

    __tablename__ = "iot_reading"
    __table_args__ = (UniqueConstraint("device_id", "measured_at", name="uq_iot_reading_device_time"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("iot_device.id", ondelete="CASCADE"))
    measured_at: Mapped[datetime] = mapped_column(AwareDateTime())
    value: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    received_at: Mapped[datetime] = mapped_column(AwareDateTime())
    channel: Mapped[str] = mapped_column(String(8))  # http / mqtt


class QuarantinedReading(Base):
    """A reading that was not stored as data, with the reason (unknown device, bad credential, ...)."""

    __tablename__ = "iot_quarantine"
    __table_args__ = (Index("ix_iot_quarantine_device", "device_identifier", "received_at"),
                      Index("ux_iot_quarantine_fingerprint", "fingerprint", unique=True))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    device_identifier: Mapped[str] = mapped_column(String(160))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("iot_device.id", ondelete="SET NULL"), nullable=True)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime())
    channel: Mapped[str] = mapped_column(String(8))
    # sha256 of (device identifier, reason, payload): a redelivered message (QoS 1 after a crash) is not
    # quarantined twice — the same exactly-once effect as (device, time) for stored readings
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)


def _track() -> None:
    from lvrongtong.kit.dataversion import track

    track("iot", Device)


_track()

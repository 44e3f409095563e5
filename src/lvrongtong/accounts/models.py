"""Carbon-account tables: one account per enterprise (USCC), activity data, period snapshots, consents.

An activity record covers a date range (``starts_on`` … ``ends_on``); a reporting period (month,
quarter, year) counts every record whose range lies inside it, so monthly device roll-ups and a
yearly bill both feed the year. A period snapshot (``account_period``) keeps the denominators the
enterprise reported for the period and the last computed inventory with its full carbon-engine trace.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lvrongtong.kit.db import AwareDateTime, Base, utcnow

PERIOD_KINDS = ("month", "quarter", "year")
ACTIVITY_KINDS = ("electricity", "fuel", "heat")
SOURCES = ("manual", "xlsx", "bill", "device")
CONSENT_ITEMS = ("inventory", "indicators", "rating", "activity", "devices", "assets", "supply_chain")
# supply_chain is granted to a buyer enterprise (its scope-3 view); every other item to a financial institution
SUPPLY_CHAIN_ITEM = "supply_chain"


class CarbonAccount(Base):
    __tablename__ = "carbon_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data: labelled in every view
    opened_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class ActivityRecord(Base):
    """One quantity of energy used over a date range, with where it came from."""

    __tablename__ = "account_activity"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
        CheckConstraint("ends_on >= starts_on", name="range_ordered"),
        Index("ix_account_activity_account_range", "account_id", "starts_on", "ends_on"),
        # a device roll-up replaces its own earlier roll-up of the same range (source_ref = device identifier)
        UniqueConstraint("account_id", "source", "source_ref", "kind", "carrier", "starts_on", "ends_on",
                         name="uq_account_activity_source_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("carbon_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # electricity / fuel / heat
    carrier: Mapped[str] = mapped_column(String(32), default="")  # fuel name as in the factor library
    quantity: Mapped[Decimal] = mapped_column(Numeric(24, 6))
    unit: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(8))  # manual / xlsx / bill / device
    source_ref: Mapped[str] = mapped_column(String(120), default="")  # bill number, file sha256, device identifier
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class AccountPeriod(Base):
    """A reporting period of one account: reported denominators and the last computed inventory."""

    __tablename__ = "account_period"
    __table_args__ = (UniqueConstraint("account_id", "label", name="uq_account_period_label"),
                      Index("ix_account_period_label_industry", "label", "industry_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("carbon_account.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(8))  # 2025 / 2025Q1 / 2025-03
    kind: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    industry_code: Mapped[str] = mapped_column(String(4))  # GB/T 4754 class at computation time (benchmarks)
    output_value_cny: Mapped[Decimal | None] = mapped_column(Numeric(20, 2), nullable=True)  # 工业总产值
    value_added_cny: Mapped[Decimal | None] = mapped_column(Numeric(20, 2), nullable=True)  # 增加值（收入法）
    tax_cny: Mapped[Decimal | None] = mapped_column(Numeric(20, 2), nullable=True)  # 税收
    product_quantity: Mapped[Decimal | None] = mapped_column(Numeric(24, 6), nullable=True)
    product_unit: Mapped[str] = mapped_column(String(16), default="")
    scope1_tco2e: Mapped[Decimal | None] = mapped_column(Numeric(24, 6), nullable=True)
    scope2_tco2e: Mapped[Decimal | None] = mapped_column(Numeric(24, 6), nullable=True)
    total_tco2e: Mapped[Decimal | None] = mapped_column(Numeric(24, 6), nullable=True)
    intensity_output: Mapped[Decimal | None] = mapped_column(Numeric(24, 8), nullable=True)  # tCO2e / 万元产值
    intensity_value_added: Mapped[Decimal | None] = mapped_column(Numeric(24, 8), nullable=True)  # tCO2e / 万元增加值
    inventory: Mapped[dict] = mapped_column(JSON, default=dict)  # lines with method, results, trace
    computed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)


class AccountConsent(Base):
    """The enterprise lets one organisation (a bank) read parts of its account until a date, or until withdrawn."""

    __tablename__ = "account_consent"
    __table_args__ = (Index("ix_account_consent_grantee", "grantee_org_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("carbon_account.id", ondelete="CASCADE"), index=True)
    grantee_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    scope: Mapped[list] = mapped_column(JSON, default=list)  # CONSENT_ITEMS
    purpose: Mapped[str] = mapped_column(String(200), default="")
    expires_on: Mapped[date] = mapped_column(Date)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    granted_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class CarbonAsset(Base):
    """One holding of an account: an ETS allowance of a compliance period, or a CCER / certified reduction lot.

    The balance is never stored: it is replayed from the transactions (``assets.balance_of``)."""

    __tablename__ = "carbon_asset"
    __table_args__ = (UniqueConstraint("account_id", "kind", "code", name="uq_carbon_asset_account_kind_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("carbon_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # asset_rules.ASSET_KINDS
    code: Mapped[str] = mapped_column(String(60))  # e.g. CEA-2023-2024, CCER-<project>-<vintage>
    name: Mapped[str] = mapped_column(String(200), default="")
    market: Mapped[str] = mapped_column(String(60), default="")  # 全国碳市场, 重庆碳市场, CCER registry …
    compliance_period: Mapped[str] = mapped_column(String(16), default="")  # allowances: 2023-2024 (years)
    vintage: Mapped[int | None] = mapped_column(Integer, nullable=True)  # reductions: the year they were made
    project_ref: Mapped[str] = mapped_column(String(120), default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class CarbonAssetTransaction(Base):
    """A movement of one asset: quantity always positive, the direction comes from ``kind``."""

    __tablename__ = "carbon_asset_txn"
    __table_args__ = (CheckConstraint("quantity_tco2e > 0", name="quantity_positive"),
                      CheckConstraint("price_cny IS NULL OR price_cny >= 0", name="price_non_negative"),
                      Index("ix_carbon_asset_txn_asset_date", "asset_id", "occurred_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("carbon_asset.id", ondelete="CASCADE"))
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # allocated / issued / purchased / sold / surrendered / retired
    quantity_tco2e: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    price_cny: Mapped[Decimal | None] = mapped_column(Numeric(16, 4), nullable=True)  # per tCO2e
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(120), default="")  # serial range / trade or registry reference
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class AccountSupplier(Base):
    """What the buyer bought from one supplier (by USCC) in one year — the buyer's own data."""

    __tablename__ = "account_supplier"
    __table_args__ = (UniqueConstraint("account_id", "supplier_uscc", "period", name="uq_account_supplier_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("carbon_account.id", ondelete="CASCADE"), index=True)
    supplier_uscc: Mapped[str] = mapped_column(String(18), index=True)
    period: Mapped[str] = mapped_column(String(8))  # a year: 2025
    purchased_value_cny: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    purchased_quantity: Mapped[Decimal | None] = mapped_column(Numeric(24, 6), nullable=True)
    purchased_unit: Mapped[str] = mapped_column(String(16), default="")
    goods: Mapped[str] = mapped_column(String(200), default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


def _track() -> None:
    from lvrongtong.kit.dataversion import track

    track("accounts", CarbonAccount, ActivityRecord, AccountPeriod, AccountConsent, CarbonAsset,
          CarbonAssetTransaction, AccountSupplier)


_track()

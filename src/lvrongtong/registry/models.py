"""Master-data tables.

Financial instruments use class-table inheritance: ``instrument`` holds what every kind
shares (holder organisation, counterparty, amounts, currency, dates, linked project);
``loan`` and ``bond`` hold their own fields. Insurance, funds and equities join later as
further detail tables without touching loans.
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

ORG_TYPES = ("regulator", "bank", "insurer", "securities_fund", "enterprise", "government", "verifier")
SIZE_CLASSES = ("large", "medium", "small", "micro")
INSTRUMENT_KINDS = ("loan", "bond")
Money = Numeric(20, 2)


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(24), index=True)
    subtype: Mapped[str] = mapped_column(String(32), default="")  # e.g. policy_bank, joint_stock_bank
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class Enterprise(Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry.code"), index=True)
    size_class: Mapped[str] = mapped_column(String(8))
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    ets_covered: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_capital_cny: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    created_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry.code"), index=True)
    total_investment_cny: Mapped[Decimal] = mapped_column(Money)
    capacity: Mapped[dict] = mapped_column(JSON, default=dict)  # {"installed_capacity_mw": 50, ...}
    description_zh: Mapped[str] = mapped_column(Text, default="")
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)


class Instrument(Base):
    __tablename__ = "instrument"
    __table_args__ = (
        CheckConstraint("amount_cny >= 0", name="amount_non_negative"),
        CheckConstraint("balance_cny >= 0", name="balance_non_negative"),
        UniqueConstraint("holder_org_id", "kind", "reference", name="holder_kind_reference"),
        Index("ix_instrument_holder_kind", "holder_org_id", "kind"),
        Index("ix_instrument_kind_region_green", "kind", "region_code", "declared_green"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    reference: Mapped[str] = mapped_column(String(64))  # loan contract no. / bond code
    holder_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))  # lender / investor
    counterparty_enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), nullable=True, index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    amount_cny: Mapped[Decimal] = mapped_column(Money)
    balance_cny: Mapped[Decimal] = mapped_column(Money)
    rate_pct: Mapped[Decimal | None] = mapped_column(Numeric(8, 4), nullable=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry.code"), index=True)
    declared_green: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    declared_transition: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "instrument"}


class Loan(Instrument):
    __tablename__ = "loan"

    id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(400), default="")
    approved_on: Mapped[date] = mapped_column(Date, index=True)
    disbursed_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    matures_on: Mapped[date] = mapped_column(Date)
    collateral: Mapped[str] = mapped_column(String(32), default="")
    carbon_reduction_tool: Mapped[bool] = mapped_column(Boolean, default=False)

    __mapper_args__ = {"polymorphic_identity": "loan"}


class Bond(Instrument):
    __tablename__ = "bond"

    id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"), primary_key=True)
    bond_type: Mapped[str] = mapped_column(String(32), default="")  # e.g. corporate, enterprise, MTN
    registered_on: Mapped[date] = mapped_column(Date)  # decides the catalogue version for bonds
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    matures_on: Mapped[date] = mapped_column(Date)

    __mapper_args__ = {"polymorphic_identity": "bond"}


class ImportJob(Base):
    """One file import: who, what kind, the row-level report."""

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # completed / failed
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


def _track() -> None:
    from lvrongtong.kit.dataversion import track

    track("registry", Organisation, Enterprise, Project, Instrument)


_track()

"""Carbon tables: the factor library, the province → grid map, stored calculation runs with their trace."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lvrongtong.kit.db import AwareDateTime, Base


class EmissionFactor(Base):
    """One published value: which quantity, for what, where, when, from which document and clause.

    ``factor_id`` is ``quantity:subject:region:year`` (year ``-`` when the value has none); a
    corrected value is a new ``dataset_version`` of the same factor_id only through the shipped file.
    """

    __tablename__ = "emission_factor"
    __table_args__ = (Index("ix_emission_factor_lookup", "quantity", "subject", "region", "year"),)

    factor_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    quantity: Mapped[str] = mapped_column(String(48))  # grid_co2, ncv, carbon_content, gwp, ...
    subject: Mapped[str] = mapped_column(String(64))  # fuel, gas or calibre the value is for
    region: Mapped[str] = mapped_column(String(32))  # CN, grid:central, GB/T 2260 province code
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    value: Mapped[Decimal] = mapped_column(Numeric(24, 10))
    unit: Mapped[str] = mapped_column(String(32))
    gas: Mapped[str] = mapped_column(String(16), default="")
    scope: Mapped[str] = mapped_column(String(8), default="")  # GHG scope the factor serves: 1 / 2 / 3 / ""
    dataset_version: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    document: Mapped[str] = mapped_column(String(300))
    clause: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(600))
    verification: Mapped[str] = mapped_column(String(16))  # official / secondary / unverified
    note: Mapped[str] = mapped_column(Text, default="")


class GridRegion(Base):
    """Which regional power grid a province belongs to, for the province → grid → national fallback."""

    __tablename__ = "grid_region"

    province_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    province_name_zh: Mapped[str] = mapped_column(String(32))
    grid: Mapped[str] = mapped_column(String(32))  # grid:central ...
    source: Mapped[str] = mapped_column(String(600))
    verification: Mapped[str] = mapped_column(String(16))


class CalculationRun(Base):
    """A stored result with its full trace; the same inputs and factors always give the same result."""

    __tablename__ = "calculation_run"
    __table_args__ = (Index("ix_calculation_run_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method_id: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(32))
    input_digest: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(32), default="")  # loan / project / enterprise / ""
    subject_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    results: Mapped[dict] = mapped_column(JSON)
    trace: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


class BenefitClaim(Base):
    """One claim on a project's environmental benefit for a year (no double counting).

    The shares of all accepted claims on one project and year never add up to more than 1: a loan,
    a bond, the carbon-reduction facility's refinancing and carbon credits issued for the same
    reductions are all claimants. A claim that would exceed it is refused, or stored as ``flagged``
    with the competing claims named when a batch must not stop.
    """

    __tablename__ = "benefit_claim"
    __table_args__ = (UniqueConstraint("project_id", "year", "claimant_kind", "claimant_ref",
                                       name="uq_benefit_claim_claimant"),
                      Index("ix_benefit_claim_instrument", "instrument_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    claimant_kind: Mapped[str] = mapped_column(String(24))  # instrument / cerf_refinancing / carbon_credit / other
    claimant_ref: Mapped[str] = mapped_column(String(80))  # instrument id, credit serial, ...
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instrument.id"), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    share: Mapped[Decimal] = mapped_column(Numeric(16, 12))
    basis: Mapped[str] = mapped_column(String(200))  # how the share was set, e.g. balance ÷ total investment
    energy_saved_tce: Mapped[Decimal | None] = mapped_column(Numeric(24, 6), nullable=True)
    co2_reduced_t: Mapped[Decimal | None] = mapped_column(Numeric(24, 6), nullable=True)
    project_run_id: Mapped[int | None] = mapped_column(ForeignKey("calculation_run.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # accepted / flagged
    competing: Mapped[list] = mapped_column(JSON, default=list)  # [{"id", "claimant_kind", "claimant_ref", "share"}]
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class CounterpartyYear(Base):
    """What financed-emissions accounting needs of a counterparty for a year: its emissions with their
    PCAF data-quality option, and its balance-sheet denominators (EVIC when listed; equity + debt)."""

    __tablename__ = "counterparty_year"
    __table_args__ = (UniqueConstraint("enterprise_id", "year", name="uq_counterparty_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    emissions_scope12_t: Mapped[Decimal] = mapped_column(Numeric(24, 4))
    emissions_scope3_t: Mapped[Decimal | None] = mapped_column(Numeric(24, 4), nullable=True)
    data_option: Mapped[str] = mapped_column(String(4))  # PCAF 1a … 3c
    total_equity_cny: Mapped[Decimal | None] = mapped_column(Numeric(24, 2), nullable=True)  # may be negative
    total_debt_cny: Mapped[Decimal | None] = mapped_column(Numeric(24, 2), nullable=True)
    evic_cny: Mapped[Decimal | None] = mapped_column(Numeric(24, 2), nullable=True)
    revenue_cny: Mapped[Decimal | None] = mapped_column(Numeric(24, 2), nullable=True)
    source: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

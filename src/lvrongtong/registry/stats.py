"""Aggregates over the caller's visible loan book for the home dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from lvrongtong.kit.principal import Principal
from lvrongtong.reference.models import Industry, Region
from lvrongtong.registry import access
from lvrongtong.registry.models import Enterprise, Instrument, Loan


@dataclass
class Dashboard:
    loans: int = 0
    balance_cny: Decimal = Decimal(0)
    green_balance_cny: Decimal = Decimal(0)
    enterprises: int = 0
    by_district: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)  # code, name, bal, green
    by_section: list[tuple[str, str, Decimal]] = field(default_factory=list)
    by_month: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # yyyy-mm, disbursed, green

    @property
    def green_share(self) -> float:
        return float(self.green_balance_cny / self.balance_cny) if self.balance_cny else 0.0


def _green_sum(flag, value):
    return func.coalesce(func.sum(case((flag.is_(True), value), else_=0)), 0)


def dashboard(session: Session, who: Principal) -> Dashboard:
    out = Dashboard(enterprises=session.scalar(access.scope_enterprises(select(func.count(Enterprise.id)), who)) or 0)
    if not access.can_list_instruments(who):
        return out
    loans = access.scope_instruments(select(Instrument).where(Instrument.kind == "loan"), who).subquery()
    i = loans.c
    totals = session.execute(select(func.count(), func.coalesce(func.sum(i.balance_cny), 0),
                                    _green_sum(i.declared_green, i.balance_cny))).one()
    out.loans, out.balance_cny, out.green_balance_cny = int(totals[0]), Decimal(totals[1]), Decimal(totals[2])
    out.by_district = [tuple(r) for r in session.execute(
        select(Region.code, Region.name_zh, func.sum(i.balance_cny), _green_sum(i.declared_green, i.balance_cny))
        .join(Region, Region.code == i.region_code).group_by(Region.code, Region.name_zh).order_by(Region.code))]
    section_names = dict(session.execute(
        select(Industry.code, Industry.name_zh).where(Industry.level == "section")).tuples().all())
    out.by_section = [(s, section_names.get(s, s), v) for s, v in session.execute(
        select(Industry.section, func.sum(i.balance_cny))
        .join(Industry, Industry.code == i.industry_code).group_by(Industry.section).order_by(Industry.section))]
    month = func.substr(cast(Loan.disbursed_on, String), 1, 7)
    out.by_month = [tuple(r) for r in session.execute(
        select(month, func.sum(i.amount_cny), _green_sum(i.declared_green, i.amount_cny))
        .join(Loan, Loan.id == i.id).where(Loan.disbursed_on.is_not(None)).group_by(month).order_by(month))]
    return out

"""Demo submissions: every demo bank reports its loan book for the 13 months to the demo's as-of
month, through the real submission path (rules, receipts, Parquet store).

Everything here is synthetic, built from the synthetic demo loans: month-end balances follow
straight-line amortisation for project loans and the full amount otherwise; the catalogue item of
a green loan comes from its project's kind (looked up by name in the catalogue valid at the
approval date); green loans whose item cannot be derived that way are reported as not green; the
benefit figure is the loan's attributed share from the demo's benefit claims.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lvrongtong.carbon.models import BenefitClaim
from lvrongtong.kit.principal import SYSTEM
from lvrongtong.reference.catalogue_rules import version_for
from lvrongtong.reference.models import CatalogueItem
from lvrongtong.registry.models import Enterprise, Loan, Organisation, Project
from lvrongtong.reporting import service
from lvrongtong.reporting.models import ReportSubmission
from lvrongtong.statistics.synthetic import months

AS_OF_MONTH = "2026-10"
MONTHS = 13
# project kind of the demo generator → words of the catalogue item name that fits it
KIND_WORDS = {"pv": ["太阳能"], "wind": ["风力", "风电"], "hydro": ["水力", "水电"], "biomass": ["生物质"],
              "wastewater": ["污水"], "bus": ["公共交通", "城乡公共交通"], "building": ["建筑节能", "绿色建筑"],
              "retrofit": ["节能改造", "节能技术改造"], "gas": ["天然气"], "landfill_gas": ["填埋", "沼气"]}
SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def _items_by_kind(session: Session) -> dict[tuple[str, str], str]:
    items = session.execute(select(CatalogueItem.version, CatalogueItem.code, CatalogueItem.name_zh)
                            .where(CatalogueItem.level == 3).order_by(CatalogueItem.version,
                                                                      CatalogueItem.position)).all()
    out = {}
    for version in ("2019", "2025"):
        for kind, words in KIND_WORDS.items():
            hit = next((code for v, code, name in items if v == version and any(w in name for w in words)), None)
            if hit:
                out[(version, kind)] = hit
    return out


def _balance(amount: Decimal, disbursed: date, matures: date, amortising: bool, end: date) -> Decimal:
    if not amortising:
        return amount
    elapsed = (end - disbursed).days / max(1, (matures - disbursed).days)
    return (amount * Decimal(str(round(max(0.0, 1 - elapsed), 4)))).quantize(Decimal("0.01"))


def build(session_factory, settings, progress: Callable[[str, int], None] = lambda name, n: None) -> dict[str, int]:
    """Submit the demo reports (idempotent: does nothing when submissions exist)."""
    with session_factory() as session:
        if session.scalar(select(func.count(ReportSubmission.id))):
            return {}
        kinds = _items_by_kind(session)
        claims = {i: c for i, c in session.execute(
            select(BenefitClaim.instrument_id, func.sum(BenefitClaim.co2_reduced_t))
            .where(BenefitClaim.instrument_id.is_not(None)).group_by(BenefitClaim.instrument_id))}
        rows = session.execute(
            select(Loan.id, Loan.reference, Loan.holder_org_id, Loan.amount_cny, Loan.rate_pct, Loan.region_code,
                   Loan.industry_code, Loan.declared_green, Loan.declared_transition, Loan.approved_on,
                   Loan.disbursed_on, Loan.matures_on, Loan.carbon_reduction_tool, Enterprise.uscc,
                   Enterprise.name, Enterprise.size_class)
            .join(Enterprise, Enterprise.id == Loan.counterparty_enterprise_id)
            .where(Loan.disbursed_on.is_not(None))).all()
        banks = [o.id for o in session.scalars(select(Organisation).where(Organisation.type == "bank")
                                                .order_by(Organisation.id))]
    by_bank: dict[int, list] = {}
    for r in rows:
        by_bank.setdefault(r.holder_org_id, []).append(r)
    project_kind = _project_kinds(session_factory)
    accepted = rejected = 0
    for period in months(_first(AS_OF_MONTH, MONTHS), MONTHS):
        start, end = service.parse_period(period)
        for bank in banks:
            loans = []
            for r in by_bank.get(bank, ()):
                if r.disbursed_on > end or r.matures_on < start:
                    continue
                version = version_for("loan", r.approved_on)
                kind = project_kind.get(r.reference, (None, False))
                code = kinds.get((version, kind[0])) if kind[0] else None
                green = bool(r.declared_green and code)
                co2 = claims.get(r.id)
                cerf = bool(r.carbon_reduction_tool and green and co2)
                loans.append({
                    "loan_id": r.reference, "borrower_uscc": r.uscc, "borrower_name": r.name,
                    "enterprise_size": SIZE_ZH[r.size_class], "industry_code": r.industry_code,
                    "district_code": r.region_code, "amount_cny": str(r.amount_cny),
                    "balance_cny": str(_balance(r.amount_cny, r.disbursed_on, r.matures_on, kind[1], end)),
                    "rate_pct": str(r.rate_pct), "approved_on": r.approved_on.isoformat(),
                    "disbursed_on": r.disbursed_on.isoformat(), "matures_on": r.matures_on.isoformat(),
                    "green": green, "transition": bool(r.declared_transition and not green),
                    "catalogue_code": code if green else "", "carbon_reduction_tool": cerf,
                    "co2e_reduction_t": str(Decimal(co2).quantize(Decimal("0.0001"))) if (green and co2) else "",
                })
            if not loans:
                continue
            control = {"loan_count": len(loans),
                       "amount_cny": str(sum(Decimal(x["amount_cny"]) for x in loans)),
                       "balance_cny": str(sum(Decimal(x["balance_cny"]) for x in loans))}
            with session_factory() as session:
                out = service.submit_json(session, SYSTEM, settings, bank, period, loans, control,
                                          note="演示数据（合成） synthetic demo data")
                if out.submission.status == "accepted":
                    accepted += 1
                else:
                    rejected += 1
        progress(f"reports {period}", 0)
    return {"report_submissions_accepted": accepted, "report_submissions_rejected": rejected}


# the demo generator's project names carry their kind (demo/generator.py PROJECT_KINDS)
NAME_MARKERS = {"分布式光伏": "pv", "风电场": "wind", "小水电站": "hydro", "生物质发电": "biomass",
                "污水处理厂": "wastewater", "新能源公交车": "bus", "超低能耗建筑": "building", "节能技改": "retrofit",
                "天然气替代": "gas", "沼气收集": "landfill_gas"}


def _project_kinds(session_factory) -> dict[str, tuple[str | None, bool]]:
    """Loan reference → (demo project kind, amortising): project loans amortise (as in the generator)."""
    out = {}
    with session_factory() as session:
        for ref, name in session.execute(select(Loan.reference, Project.name)
                                         .join(Project, Project.id == Loan.project_id)):
            out[ref] = (next((k for marker, k in NAME_MARKERS.items() if marker in name), None), True)
    return out


def _first(last: str, count: int) -> str:
    y, m = (int(p) for p in last.split("-"))
    m -= count - 1
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"

"""Reverse identification (反向识别): projects and enterprises that qualify as green or transition but have
no green or transition financing yet — a prospect list for banks — and the coverage of three groups
the action plan names: ETS-covered (控排) enterprises, transition enterprises and enterprises with
carbon-reduction-tool loans.

"Financed" means an instrument (loan or bond) declared green or transition by its holder is linked to
the project, or has the enterprise as counterparty. "Transition enterprise" means its GB/T 4754 code
falls in a listed transition sector (``reference/data/transition_sectors.csv``, platform mapping).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lvrongtong.identification.engine import Request, decide, index_for
from lvrongtong.kit.principal import Principal
from lvrongtong.reference import catalogues, transition
from lvrongtong.reference.catalogue_rules import version_for
from lvrongtong.registry.access import scope_enterprises
from lvrongtong.registry.models import Enterprise, Instrument, Loan, Project


@dataclass
class Prospects:
    projects: list[dict]
    enterprises: list[dict]
    coverage: dict[str, dict[str, int]]


def _financed(session: Session) -> tuple[set[int], set[int], set[int]]:
    """Project ids and enterprise ids with green/transition financing; enterprises with CERF loans."""
    flagged = or_(Instrument.declared_green.is_(True), Instrument.declared_transition.is_(True))
    projects = set(session.scalars(select(Instrument.project_id).where(flagged, Instrument.project_id.is_not(None))))
    enterprises = set(session.scalars(select(Instrument.counterparty_enterprise_id).where(flagged)))
    inst, loan = Instrument.__table__, Loan.__table__
    cerf = set(session.scalars(select(inst.c.counterparty_enterprise_id).select_from(
        inst.join(loan, loan.c.id == inst.c.id)).where(loan.c.carbon_reduction_tool.is_(True))))
    return projects, enterprises, cerf


def find(session: Session, who: Principal, today: date) -> Prospects:
    financed_projects, financed_ents, cerf = _financed(session)
    ents = {e.id: e for e in session.scalars(scope_enterprises(select(Enterprise), who))}
    indexes: dict[str, tuple] = {}
    projects = []
    for p in session.scalars(select(Project).where(Project.enterprise_id.in_(list(ents))).order_by(Project.id)):
        if p.id in financed_projects:
            continue
        on = p.approved_on or today
        version = version_for("loan", on)
        if version not in indexes:
            indexes[version] = (index_for(session, version), catalogues.get_catalogue(session, version).title_zh)
        r = decide(indexes[version][0], Request(f"{p.name} {p.description_zh}", p.industry_code, on),
                   indexes[version][1])
        if r["decision"] in ("green", "transition"):
            top = r["candidates"][0] if r["candidates"] else {}
            owner = ents[p.enterprise_id]
            projects.append({"project_code": p.code, "project": p.name, "enterprise": owner.name, "uscc": owner.uscc,
                             "region_code": p.region_code, "industry_code": p.industry_code, "decision": r["decision"],
                             "catalogue": r["catalogue"], "code": top.get("code", ""), "item": top.get("name", ""),
                             "confidence": top.get("confidence", 0.0),
                             "investment_cny": float(p.total_investment_cny)})
    projects.sort(key=lambda x: (-x["confidence"], x["project_code"]))
    coverage = {g: {"total": 0, "with_green_or_transition_financing": 0} for g in ("ets", "transition", "cerf")}
    enterprises = []
    for e in ents.values():
        sector = transition.sector_for(e.industry_code)
        groups = [g for g, yes in (("ets", e.ets_covered), ("transition", sector is not None), ("cerf", e.id in cerf))
                  if yes]
        for g in groups:
            coverage[g]["total"] += 1
            coverage[g]["with_green_or_transition_financing"] += e.id in financed_ents
        if groups and e.id not in financed_ents and ("ets" in groups or "transition" in groups):
            enterprises.append({"enterprise": e.name, "uscc": e.uscc, "region_code": e.region_code,
                                "industry_code": e.industry_code, "ets_covered": e.ets_covered,
                                "transition_sector": sector["sector"] if sector else "", "size_class": e.size_class})
    enterprises.sort(key=lambda x: (not x["ets_covered"], x["uscc"]))
    return Prospects(projects, enterprises, coverage)

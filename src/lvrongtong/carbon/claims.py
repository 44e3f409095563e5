"""Claims register: every benefit figure attributed to a financing instrument (or a carbon credit, or the
carbon-reduction facility's refinancing) is registered against its project, and the accepted shares on
one project and year never add up to more than 100 % of the project's reduction.

Rule (platform's own, from the principle that a tonne is counted once): for a project P and year Y,
Σ share(accepted claims on P, Y) ≤ 1. A new claim whose share would push the sum above 1 is refused
with the competing claims named (``mode="refuse"``), or stored as ``flagged`` with them when a batch
must go on (``mode="flag"``); flagged claims do not count towards totals. Re-registering the same
claimant for the same project and year replaces its earlier claim (idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lvrongtong.audit.service import record
from lvrongtong.carbon.models import BenefitClaim
from lvrongtong.kit.errors import AppError, FieldError, field_error
from lvrongtong.kit.principal import Principal

CLAIMANT_KINDS = ("instrument", "cerf_refinancing", "carbon_credit", "other")
ONE = Decimal(1)


@dataclass(frozen=True)
class ClaimRequest:
    project_id: int
    year: int
    claimant_kind: str
    claimant_ref: str
    share: Decimal
    basis: str
    instrument_id: int | None = None
    organisation_id: int | None = None
    energy_saved_tce: Decimal | None = None
    co2_reduced_t: Decimal | None = None
    project_run_id: int | None = None


class ClaimExceedsProject(AppError):
    def __init__(self, total: Decimal, competing: list[dict]):
        names = ", ".join(f"{c['claimant_kind']}:{c['claimant_ref']} ({c['share']})" for c in competing)
        super().__init__(
            "claim_exceeds_project", f"该项目当年已被认领的份额为 {total}，再认领将超过 100%（已有：{names}）",
            f"the project's reduction for that year is already claimed at {total}; this claim would exceed 100 % "
            f"(competing: {names})", 409,
            [FieldError("share", "claims_at_most_one", "同一项目同一年度的认领份额合计不能超过 1",
                        "accepted shares on one project and year must not add up to more than 1")])


def _check(req: ClaimRequest) -> None:
    if req.claimant_kind not in CLAIMANT_KINDS:
        raise field_error("claimant_kind", "choice", f"认领方类型应为 {'、'.join(CLAIMANT_KINDS)} 之一",
                          f"claimant_kind must be one of {', '.join(CLAIMANT_KINDS)}")
    if not ONE >= req.share >= 0:
        raise field_error("share", "share_range", "份额应在 0 与 1 之间", "share must be between 0 and 1")


def competing_claims(session: Session, project_id: int, year: int, claimant_kind: str,
                     claimant_ref: str) -> list[BenefitClaim]:
    return list(session.scalars(select(BenefitClaim).where(
        BenefitClaim.project_id == project_id, BenefitClaim.year == year, BenefitClaim.status == "accepted",
        ~((BenefitClaim.claimant_kind == claimant_kind) & (BenefitClaim.claimant_ref == claimant_ref)))
        .order_by(BenefitClaim.id)))


def register(session: Session, who: Principal, req: ClaimRequest, *, mode: str = "refuse",
             audit: bool = True) -> BenefitClaim:
    """Register (or replace) one claim; refused or flagged when the project would be over-claimed."""
    _check(req)
    others = competing_claims(session, req.project_id, req.year, req.claimant_kind, req.claimant_ref)
    taken = sum((Decimal(c.share) for c in others), Decimal(0))
    over = taken + req.share > ONE
    competing = [{"id": c.id, "claimant_kind": c.claimant_kind, "claimant_ref": c.claimant_ref,
                  "share": format(Decimal(c.share).normalize(), "f")} for c in others] if over else []
    if over and mode == "refuse":
        raise ClaimExceedsProject(taken, competing)
    session.execute(delete(BenefitClaim).where(
        BenefitClaim.project_id == req.project_id, BenefitClaim.year == req.year,
        BenefitClaim.claimant_kind == req.claimant_kind, BenefitClaim.claimant_ref == req.claimant_ref))
    claim = BenefitClaim(**req.__dict__, status="flagged" if over else "accepted", competing=competing,
                         created_at=datetime.now(UTC))
    session.add(claim)
    session.flush()
    if audit:
        record(session, who, "carbon.claim", "benefit_claim", claim.id, None,
               {"project_id": req.project_id, "year": req.year, "claimant": f"{req.claimant_kind}:{req.claimant_ref}",
                "share": str(req.share), "status": claim.status})
    return claim


def claims_for(session: Session, *, project_id: int | None = None, instrument_id: int | None = None,
               year: int | None = None) -> list[BenefitClaim]:
    stmt = select(BenefitClaim).order_by(BenefitClaim.year.desc(), BenefitClaim.id)
    if project_id is not None:
        stmt = stmt.where(BenefitClaim.project_id == project_id)
    if instrument_id is not None:
        stmt = stmt.where(BenefitClaim.instrument_id == instrument_id)
    if year is not None:
        stmt = stmt.where(BenefitClaim.year == year)
    return list(session.scalars(stmt))


def claim_dict(c: BenefitClaim) -> dict:
    def num(v):
        return None if v is None else format(Decimal(v).normalize(), "f")

    return {"id": c.id, "project_id": c.project_id, "year": c.year, "claimant_kind": c.claimant_kind,
            "claimant_ref": c.claimant_ref, "instrument_id": c.instrument_id, "organisation_id": c.organisation_id,
            "share": num(c.share), "basis": c.basis, "energy_saved_tce": num(c.energy_saved_tce),
            "co2_reduced_t": num(c.co2_reduced_t), "project_run_id": c.project_run_id, "status": c.status,
            "competing": c.competing, "created_at": c.created_at.isoformat()}


def register_instrument_batch(session: Session, year: int, requests: list[ClaimRequest]) -> dict[str, int]:
    """The same rule for a whole book at once: replaces the instrument claims of ``year`` on the projects
    concerned, keeps every other claimant's claim, accepts in the order given and flags what would exceed."""
    projects = sorted({r.project_id for r in requests})
    taken: dict[int, Decimal] = {p: Decimal(0) for p in projects}
    holders: dict[int, list[dict]] = {p: [] for p in projects}
    for chunk in (projects[i:i + 500] for i in range(0, len(projects), 500)):
        session.execute(delete(BenefitClaim).where(BenefitClaim.year == year, BenefitClaim.claimant_kind == "instrument",
                                                   BenefitClaim.project_id.in_(chunk)))
        for c in session.scalars(select(BenefitClaim).where(BenefitClaim.year == year, BenefitClaim.status == "accepted",
                                                            BenefitClaim.project_id.in_(chunk))):
            taken[c.project_id] += Decimal(c.share)
            holders[c.project_id].append({"id": c.id, "claimant_kind": c.claimant_kind,
                                          "claimant_ref": c.claimant_ref, "share": format(Decimal(c.share), "f")})
    now, rows, counts = datetime.now(UTC), [], {"accepted": 0, "flagged": 0}
    for req in requests:
        _check(req)
        over = taken[req.project_id] + req.share > ONE
        status = "flagged" if over else "accepted"
        counts[status] += 1
        if not over:
            taken[req.project_id] += req.share
            holders[req.project_id].append({"id": None, "claimant_kind": req.claimant_kind,
                                            "claimant_ref": req.claimant_ref, "share": format(req.share, "f")})
        rows.append({**req.__dict__, "status": status, "competing": list(holders[req.project_id]) if over else [],
                     "created_at": now})
    for i in range(0, len(rows), 5000):
        session.execute(BenefitClaim.__table__.insert(), rows[i:i + 5000])
    return counts


def visible_claims(session: Session, who: Principal, *, project_id: int | None = None,
                   instrument_id: int | None = None, year: int | None = None, status: str | None = None,
                   page: int = 1, page_size: int = 50) -> tuple[list[BenefitClaim], int]:
    """Claims the caller may read: regulators all; others those on instruments they may read or made by
    their organisation."""
    from sqlalchemy import or_

    from lvrongtong.kit.pagination import paginate
    from lvrongtong.registry.access import scope_instruments
    from lvrongtong.registry.models import Instrument

    stmt = select(BenefitClaim)
    if not (who.is_system or who.org_type == "regulator"):
        readable = scope_instruments(select(Instrument.id), who)
        stmt = stmt.where(or_(BenefitClaim.instrument_id.in_(readable),
                              BenefitClaim.organisation_id.in_(sorted(who.org_ids) or [-1])))
    for column, value in ((BenefitClaim.project_id, project_id), (BenefitClaim.instrument_id, instrument_id),
                          (BenefitClaim.year, year), (BenefitClaim.status, status)):
        if value is not None:
            stmt = stmt.where(column == value)
    rows, total = paginate(session, stmt.order_by(BenefitClaim.year.desc(), BenefitClaim.id), stmt, page, page_size)
    return [r[0] for r in rows], total

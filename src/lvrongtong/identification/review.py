"""Review loop: results the engine could not decide (``needs_review``) wait in a queue; a reviewer accepts
the engine's top item, rejects (not eligible) or reassigns to another item, always with a reason. Each
review is audited and becomes training data (``training_rows``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.audit.service import record
from lvrongtong.identification.models import IdentificationResult, IdentificationReview
from lvrongtong.kit.errors import FieldError, Forbidden, NotFound, ValidationFailed
from lvrongtong.kit.pagination import paginate
from lvrongtong.kit.principal import Principal
from lvrongtong.reference import catalogues
from lvrongtong.registry.access import scope_instruments
from lvrongtong.registry.models import Instrument

ACTIONS = ("accept", "reject", "reassign")


def can_review(who: Principal) -> bool:
    return who.is_system or bool(who.roles & {"reviewer", "admin"})


def queue(session: Session, who: Principal, page: int = 1, page_size: int = 50):
    """Undecided results without a review, on instruments the caller may read, oldest instrument first."""
    reviewed = select(IdentificationReview.result_id)
    stmt = scope_instruments(select(IdentificationResult, Instrument.reference).join(
        Instrument, Instrument.id == IdentificationResult.instrument_id), who).where(
        IdentificationResult.decision == "needs_review", IdentificationResult.id.not_in(reviewed))
    rows, total = paginate(session, stmt.order_by(IdentificationResult.instrument_id), stmt, page, page_size)
    return [(r, ref) for r, ref in rows], total


def submit(session: Session, who: Principal, result_id: int, action: str, reason: str,
           code: str | None = None) -> IdentificationReview:
    if not can_review(who):
        raise Forbidden("需要“复核”或“管理员”角色", "the reviewer or admin role is required")
    result = session.scalar(scope_instruments(select(IdentificationResult).join(
        Instrument, Instrument.id == IdentificationResult.instrument_id), who).where(IdentificationResult.id == result_id))
    if result is None:
        raise NotFound("识别结果", "identification result")
    problems = []
    if action not in ACTIONS:
        problems.append(FieldError("action", "choice", "操作应为 accept、reject 或 reassign",
                                   "action must be accept, reject or reassign"))
    if not (reason or "").strip():
        problems.append(FieldError("reason", "required", "复核须填写理由", "a review needs a reason"))
    if action == "reassign":
        try:
            catalogues.get_item(session, result.catalogue, code or "")
        except NotFound:
            problems.append(FieldError("code", "item_known", f"目录 {result.catalogue} 中没有条目 {code}",
                                       f"catalogue {result.catalogue} has no item {code}"))
    if action == "accept" and not result.code:
        problems.append(FieldError("action", "nothing_to_accept", "引擎没有候选条目可接受，请改为改判或否决",
                                   "the engine proposed no item to accept: reassign or reject"))
    if problems:
        raise ValidationFailed(problems)
    final_code = {"accept": result.code, "reject": "", "reassign": code or ""}[action]
    review = IdentificationReview(
        instrument_id=result.instrument_id, result_id=result.id, action=action,
        decision="not_eligible" if action == "reject" else "green", catalogue=result.catalogue, code=final_code,
        reason=reason.strip(), reviewer_id=who.user_id, organisation_id=who.organisation_id,
        created_at=datetime.now(UTC))
    session.add(review)
    session.flush()
    record(session, who, "identification.review", "identification_result", result.id,
           {"decision": result.decision, "code": result.code},
           {"action": action, "decision": review.decision, "code": final_code, "reason": review.reason})
    return review


def training_rows(session: Session) -> list[dict]:
    """Reviewed decisions as (text inputs, label) rows for the statistical layer."""
    from lvrongtong.identification.book import _rows

    reviews = list(session.scalars(select(IdentificationReview).order_by(IdentificationReview.id)))
    texts = {r[0]: r for r in _rows(session, None)} if reviews else {}
    out = []
    for rv in reviews:
        row = texts.get(rv.instrument_id)
        if row is None:
            continue
        out.append({"instrument_id": rv.instrument_id, "text": " ".join(t for t in (row[6], row[7], row[3]) if t),
                    "industry_code": row[2], "catalogue": rv.catalogue, "decision": rv.decision, "code": rv.code,
                    "reason": rv.reason})
    return out

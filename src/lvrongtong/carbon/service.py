"""Carbon use cases: run a method against the factor library, store a run with its trace, read runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.audit.service import record
from lvrongtong.carbon.factors import DbFactors
from lvrongtong.carbon.method import Result, run
from lvrongtong.carbon.methods import get_method
from lvrongtong.carbon.models import CalculationRun
from lvrongtong.kit.errors import NotFound
from lvrongtong.kit.pagination import paginate
from lvrongtong.kit.principal import Principal


def calculate(session: Session, method_id: str, inputs: dict[str, Any]) -> Result:
    """Compute without storing anything (a what-if; the same inputs give the same figures)."""
    return run(get_method(method_id), inputs, DbFactors(session))


def calculate_and_store(session: Session, who: Principal, method_id: str, inputs: dict[str, Any], *,
                        subject_kind: str = "", subject_id: int | None = None, note: str = "") -> CalculationRun:
    """Compute, then store the run with its trace and an audit entry, in the caller's transaction.

    A refused input raises before anything is written: there is never a partial run."""
    result = calculate(session, method_id, inputs)
    body = result.as_dict()
    row = CalculationRun(
        method_id=method_id, engine_version=body["engine_version"], input_digest=body["input_digest"],
        subject_kind=subject_kind, subject_id=subject_id, organisation_id=who.organisation_id,
        results=body["results"], trace=body["trace"], created_by=who.user_id, created_at=datetime.now(UTC),
        note=note,
    )
    session.add(row)
    session.flush()
    record(session, who, "carbon.calculate", "calculation_run", row.id, None,
           {"method_id": method_id, "input_digest": row.input_digest, "results": row.results})
    return row


def _visible(who: Principal):
    stmt = select(CalculationRun)
    if who.is_system or who.org_type == "regulator":
        return stmt
    own = CalculationRun.organisation_id.in_(who.org_ids or {who.organisation_id or -1})
    shared = (CalculationRun.subject_kind == "project") & CalculationRun.organisation_id.is_(None)
    return stmt.where(own | shared)  # a project's benefit run is shared by every financier of the project


def get_run(session: Session, who: Principal, run_id: int) -> CalculationRun:
    row = session.scalar(_visible(who).where(CalculationRun.id == run_id))
    if row is None:
        raise NotFound("计算记录", "calculation run")
    return row


def list_runs(session: Session, who: Principal, *, method_id: str | None = None, page: int = 1,
              page_size: int = 50) -> tuple[list[CalculationRun], int]:
    stmt = _visible(who)
    if method_id:
        stmt = stmt.where(CalculationRun.method_id == method_id)
    rows, total = paginate(session, stmt.order_by(CalculationRun.id.desc()), stmt, page, page_size)
    return [r[0] for r in rows], total


def run_as_dict(row: CalculationRun) -> dict:
    return {"id": row.id, "method_id": row.method_id, "engine_version": row.engine_version,
            "input_digest": row.input_digest, "subject_kind": row.subject_kind, "subject_id": row.subject_id,
            "organisation_id": row.organisation_id, "results": row.results, "trace": row.trace,
            "created_at": row.created_at.isoformat(), "note": row.note}

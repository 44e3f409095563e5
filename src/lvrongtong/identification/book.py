"""Identify a whole book (loans and bonds) as a background job with progress; results stored per
instrument and engine version; re-running replaces them (idempotent)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lvrongtong.audit.service import record
from lvrongtong.identification import model as text_model
from lvrongtong.identification.engine import Request, decide, engine_version, index_for
from lvrongtong.identification.models import IdentificationResult, Job
from lvrongtong.kit import models as _all_tables  # noqa: F401  (foreign keys resolve across capabilities)
from lvrongtong.kit.errors import NotFound
from lvrongtong.kit.principal import SYSTEM, Principal
from lvrongtong.kit.runtime import Runtime
from lvrongtong.reference import catalogues
from lvrongtong.reference.catalogue_rules import version_for
from lvrongtong.registry.access import require_instrument_list
from lvrongtong.registry.models import Bond, Instrument, Loan, Project

KIND = "identify_book"
CHUNK = 2000


def queue(session: Session, who: Principal) -> Job:
    """Queue a book identification for what the caller may read (its organisation's book; regulators all)."""
    require_instrument_list(who)
    everything = who.is_system or who.org_type == "regulator"
    job = Job(kind=KIND, params={"holders": None if everything else sorted(who.org_ids or {who.organisation_id})},
              status="queued", done=0, total=0, result={}, error="", organisation_id=who.organisation_id,
              created_by=who.user_id, created_at=datetime.now(UTC))
    session.add(job)
    session.flush()
    record(session, who, "identification.queue", "job", job.id, None, {"kind": KIND, **job.params})
    return job


def _rows(session: Session, holders: list[int] | None):
    inst, loan, bond, project = Instrument.__table__, Loan.__table__, Bond.__table__, Project.__table__
    stmt = (select(inst.c.id, inst.c.kind, inst.c.industry_code, loan.c.purpose, loan.c.approved_on,
                   bond.c.registered_on, project.c.name, project.c.description_zh)
            .select_from(inst.outerjoin(loan, loan.c.id == inst.c.id).outerjoin(bond, bond.c.id == inst.c.id)
                         .outerjoin(project, project.c.id == inst.c.project_id))
            .order_by(inst.c.id))
    if holders is not None:
        stmt = stmt.where(inst.c.holder_org_id.in_(holders))
    return session.execute(stmt).all()


def run(rt: Runtime, job_id: int, progress: Callable[[int, int], None] | None = None) -> Job:
    """Run a queued job to the end; every chunk commits, so the progress is visible while it runs."""
    with rt.transaction() as s:
        job = s.get(Job, job_id)
        if job is None:
            raise NotFound("任务", "job")
        job.status, job.started_at, job.error = "running", datetime.now(UTC), ""
        holders = job.params.get("holders")
    try:
        with rt.transaction() as s:
            rows = _rows(s, holders)
            indexes = {v: (index_for(s, v), catalogues.get_catalogue(s, v).title_zh) for v in ("2019", "2021", "2025")}
        model = text_model.current(rt.settings.data_dir)
        version = engine_version(model)
        counts: Counter = Counter()
        level1: Counter = Counter()
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            results = [_one(row, indexes, model) for row in chunk]
            with rt.transaction() as s:
                ids = [row[0] for row in chunk]
                s.execute(delete(IdentificationResult).where(IdentificationResult.instrument_id.in_(ids),
                                                             IdentificationResult.engine_version == version))
                now = datetime.now(UTC)
                s.execute(IdentificationResult.__table__.insert(), [{**r, "job_id": job_id, "created_at": now}
                                                                    for r in results])
                job = s.get(Job, job_id)
                job.done, job.total = start + len(chunk), len(rows)
            counts.update(r["decision"] for r in results)
            level1.update(r["level1_code"] for r in results if r["decision"] == "green")
            if progress:
                progress(start + len(chunk), len(rows))
        with rt.transaction() as s:
            job = s.get(Job, job_id)
            job.status, job.finished_at, job.done, job.total = "done", datetime.now(UTC), len(rows), len(rows)
            job.result = {"engine": version, "decisions": dict(counts), "green_by_level1": dict(level1)}
            record(s, SYSTEM, "identification.done", "job", job_id, None, {"total": len(rows), **job.result})
            s.flush()
            s.expunge(job)
            return job
    except Exception as e:  # the job records the failure; the caller sees it on the job page
        with rt.transaction() as s:
            job = s.get(Job, job_id)
            job.status, job.finished_at, job.error = "failed", datetime.now(UTC), f"{type(e).__name__}: {e}"
        raise


def _one(row, indexes, model) -> dict:
    inst_id, kind, industry, purpose, approved_on, registered_on, project_name, description = row
    on: date = (registered_on if kind == "bond" else approved_on) or date.today()
    index, title = indexes[version_for("bond" if kind == "bond" else "loan", on)]
    text = " ".join(t for t in (project_name, description, purpose) if t)
    r = decide(index, Request(text, industry, on, "bond" if kind == "bond" else "loan"), title, model)
    top = r["candidates"][0] if r["candidates"] else {}
    return {"instrument_id": inst_id, "engine_version": r["engine"], "catalogue": r["catalogue"],
            "decision": r["decision"], "code": top.get("code", ""), "name": top.get("name", "")[:200],
            "level1_code": top.get("level1_code", ""), "confidence": top.get("confidence", 0.0),
            "candidates": r["candidates"][:3]}


def start_in_background(rt: Runtime, job_id: int) -> threading.Thread:
    """Run after the queuing request committed (the web server's way; the CLI runs in the foreground)."""
    thread = threading.Thread(target=_quiet_run, args=(rt, job_id), name=f"job-{job_id}", daemon=True)
    thread.start()
    return thread


def _quiet_run(rt: Runtime, job_id: int) -> None:
    try:
        run(rt, job_id)
    except Exception:  # already recorded on the job
        pass


def jobs(session: Session, who: Principal, limit: int = 20) -> list[Job]:
    stmt = select(Job).where(Job.kind == KIND).order_by(Job.id.desc()).limit(limit)
    if not (who.is_system or who.org_type == "regulator"):
        stmt = stmt.where(Job.organisation_id == who.organisation_id)
    return list(session.scalars(stmt))


def get_job(session: Session, who: Principal, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or not (who.is_system or who.org_type == "regulator" or job.organisation_id == who.organisation_id):
        raise NotFound("任务", "job")
    return job


def result_of(session: Session, who: Principal, instrument_id: int) -> IdentificationResult | None:
    return session.scalar(select(IdentificationResult).where(IdentificationResult.instrument_id == instrument_id)
                          .order_by(IdentificationResult.id.desc()).limit(1))

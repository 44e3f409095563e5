"""HTTP routes and the page of the identification engine."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lvrongtong.identification import engine
from lvrongtong.kit.errors import AppError
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session

router = APIRouter(tags=["identification"])


class IdentifyIn(BaseModel):
    text: str = Field(max_length=20000, description="name, purpose and description of the project or loan (Chinese)")
    industry_code: str | None = Field(default=None, description="GB/T 4754-2017 code")
    approved_on: date | None = Field(default=None, description="approval (loan) or registration (bond) date")
    kind: str = "loan"


@router.post("/api/v1/identification/identify", summary="Identify one description against the catalogue that "
                                                         "applies: decision, candidates with evidence, explanation")
def identify(body: IdentifyIn, request: Request, who: Principal = Depends(current_principal),
             session: Session = Depends(get_session)):
    return engine.identify(session, engine.Request(body.text, body.industry_code, body.approved_on, body.kind),
                           data_dir=_data_dir(request))


def _data_dir(request: Request):
    """Where a retrained model may be: the runtime's data directory."""
    runtime = getattr(request.app.state, "runtime", None)
    return runtime.settings.data_dir if runtime is not None else None


@router.api_route("/identification", methods=["GET", "POST"], response_class=HTMLResponse, include_in_schema=False)
async def page(request: Request, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.web.views import render

    form = await request.form() if request.method == "POST" else {}
    result, error = None, None
    if form:
        try:
            on = date.fromisoformat(str(form.get("approved_on"))) if form.get("approved_on") else None
            result = engine.identify(session, engine.Request(str(form.get("text") or ""),
                                                             str(form.get("industry_code") or "") or None, on,
                                                             str(form.get("kind") or "loan")),
                                     data_dir=_data_dir(request))
        except ValueError:
            error = AppError("validation_failed", "审批日期格式应为 YYYY-MM-DD", "approved_on must be YYYY-MM-DD", 422)
        except AppError as e:
            error = e
    return render(request, "identification.html", who, status=error.status if error else 200, form=form,
                  result=result, error=error)


def job_dict(job) -> dict:
    return {"id": job.id, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
            "result": job.result, "error": job.error, "created_at": job.created_at.isoformat(),
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


@router.post("/api/v1/identification/jobs", summary="Identify the caller's whole book in the background; "
                                                     "poll the job for progress")
def start_job(request: Request, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.identification import book
    from lvrongtong.kit.errors import Forbidden

    if not who.can_write():
        raise Forbidden()
    job = book.queue(session, who)
    session.commit()
    book.start_in_background(request.app.state.runtime, job.id)
    return job_dict(job)


@router.get("/api/v1/identification/jobs/{job_id}", summary="A book identification job with its progress")
def get_job(job_id: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.identification import book

    return job_dict(book.get_job(session, who, job_id))


@router.get("/api/v1/identification/results", summary="Stored results for the caller's instruments (latest engine)")
def results(decision: str | None = None, page: int = 1, page_size: int = 50,
            who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from sqlalchemy import select

    from lvrongtong.identification.models import IdentificationResult
    from lvrongtong.kit.pagination import paginate
    from lvrongtong.registry.access import require_instrument_list, scope_instruments
    from lvrongtong.registry.models import Instrument

    require_instrument_list(who)
    stmt = scope_instruments(select(IdentificationResult, Instrument.reference).join(
        Instrument, Instrument.id == IdentificationResult.instrument_id), who)
    if decision:
        stmt = stmt.where(IdentificationResult.decision == decision)
    rows, total = paginate(session, stmt.order_by(IdentificationResult.instrument_id), stmt, page, page_size)
    return {"items": [{"instrument_id": r.instrument_id, "reference": ref, "decision": r.decision,
                       "catalogue": r.catalogue, "code": r.code, "name": r.name, "level1_code": r.level1_code,
                       "confidence": r.confidence, "engine_version": r.engine_version} for r, ref in rows],
            "total": total, "page": page, "page_size": page_size}


@router.api_route("/identification/jobs", methods=["GET", "POST"], response_class=HTMLResponse,
                  include_in_schema=False)
def jobs_page(request: Request, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.identification import book
    from lvrongtong.web.views import render

    if request.method == "POST" and who.can_write():
        job = book.queue(session, who)
        session.commit()
        book.start_in_background(request.app.state.runtime, job.id)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "identification_jobs_rows.html" if partial else "identification_jobs.html", who,
                  jobs=book.jobs(session, who))


@router.get("/api/v1/identification/prospects", summary="Reverse identification: green / transition projects and "
                                                         "enterprises without such financing; coverage of ETS, "
                                                         "transition and CERF enterprises")
def prospects(page: int = 1, page_size: int = 50, who: Principal = Depends(current_principal),
              session: Session = Depends(get_session)):
    from lvrongtong.identification.prospects import find
    from lvrongtong.kit.pagination import check_page

    check_page(page, page_size)
    found = find(session, who, date.today())
    start = (page - 1) * page_size
    return {"coverage": found.coverage, "projects_total": len(found.projects),
            "projects": found.projects[start:start + page_size], "enterprises_total": len(found.enterprises),
            "enterprises": found.enterprises[start:start + page_size], "page": page, "page_size": page_size}


@router.get("/identification/prospects", response_class=HTMLResponse, include_in_schema=False)
def prospects_page(request: Request, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    from lvrongtong.identification.prospects import find
    from lvrongtong.web.views import render

    found = find(session, who, date.today())
    return render(request, "identification_prospects.html", who, found=found)


@router.get("/identification/prospects.xlsx", include_in_schema=False)
def prospects_export(who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from fastapi.responses import Response

    from lvrongtong.identification.prospects import find
    from lvrongtong.kit.xlsx import write_xlsx

    found = find(session, who, date.today())
    columns = ["project_code", "project", "enterprise", "uscc", "region_code", "industry_code", "decision",
               "catalogue", "code", "item", "confidence", "investment_cny"]
    body = write_xlsx("prospects", columns, ([p[c] for c in columns] for p in found.projects))
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="green-prospects.xlsx"'})


class ReviewIn(BaseModel):
    result_id: int
    action: str = Field(description="accept | reject | reassign")
    reason: str = Field(default="", max_length=1000)
    code: str | None = Field(default=None, description="catalogue item code, for reassign")


@router.get("/api/v1/identification/review-queue", summary="Results waiting for a reviewer (needs_review, "
                                                             "not yet reviewed) on the caller's instruments")
def review_queue(page: int = 1, page_size: int = 50, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    from lvrongtong.identification import review

    rows, total = review.queue(session, who, page, page_size)
    return {"items": [{"result_id": r.id, "instrument_id": r.instrument_id, "reference": ref, "catalogue": r.catalogue,
                       "code": r.code, "name": r.name, "confidence": r.confidence, "candidates": r.candidates}
                      for r, ref in rows], "total": total, "page": page, "page_size": page_size}


@router.post("/api/v1/identification/reviews", summary="Accept, reject or reassign a result, with a reason (audited)")
def submit_review(body: ReviewIn, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.identification import review

    row = review.submit(session, who, body.result_id, body.action, body.reason, body.code)
    session.commit()
    return {"id": row.id, "result_id": row.result_id, "action": row.action, "decision": row.decision,
            "code": row.code, "catalogue": row.catalogue, "reason": row.reason}


@router.api_route("/identification/review", methods=["GET", "POST"], response_class=HTMLResponse,
                  include_in_schema=False)
async def review_page(request: Request, who: Principal = Depends(current_principal),
                      session: Session = Depends(get_session)):
    from lvrongtong.identification import review
    from lvrongtong.web.views import render

    error, done = None, None
    if request.method == "POST":
        form = await request.form()
        try:
            done = review.submit(session, who, int(str(form.get("result_id") or 0)), str(form.get("action") or ""),
                                 str(form.get("reason") or ""), str(form.get("code") or "") or None)
            session.commit()
        except AppError as e:
            session.rollback()
            error = e
    rows, total = review.queue(session, who, 1, 20)
    return render(request, "identification_review.html", who, status=error.status if error else 200, rows=rows,
                  total=total, error=error, done=done, can_review=review.can_review(who))

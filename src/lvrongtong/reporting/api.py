"""HTTP routes and pages of regulatory reporting (DRR)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.kit.errors import AppError
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session
from lvrongtong.registry.models import Organisation
from lvrongtong.reporting import rules, service
from lvrongtong.reporting.fields import FIELDS

router = APIRouter(tags=["reporting"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_JSON_ROWS = 200_000


class ControlTotalsIn(BaseModel):
    loan_count: int | None = None
    amount_cny: str | None = Field(default=None, description="decimal as a string, e.g. \"123456.78\"")
    balance_cny: str | None = None


class SubmissionIn(BaseModel):
    institution_id: int
    period: str = Field(description="reporting month YYYY-MM")
    loans: list[dict[str, Any]] = Field(max_length=MAX_JSON_ROWS,
                                        description="rows of the common data model (GET /api/v1/reporting/fields)")
    control_totals: ControlTotalsIn | None = Field(default=None, description="the institution's aggregate line")
    note: str = ""


def _runtime(request: Request):
    return request.app.state.runtime


@router.get("/api/v1/reporting/fields", summary="The common data model: every field with type, required, zh/en")
def fields():
    return [{"name": f.name, "header_zh": f.header_zh, "type": f.kind, "required": f.required, "zh": f.zh,
             "en": f.en} for f in FIELDS]


@router.get("/api/v1/reporting/rules", summary="The validation rules (versioned rule set)")
def rule_list():
    return {"ruleset_version": rules.RULESET_VERSION, "rules": [r.as_dict() for r in rules.RULES]}


@router.post("/api/v1/reporting/submissions", status_code=201,
             summary="Submit a loan-level report as JSON; the answer is the receipt with every finding")
def submit_json(body: SubmissionIn, request: Request, who: Principal = Depends(current_principal),
                session: Session = Depends(get_session)):
    out = service.submit_json(session, who, _runtime(request).settings, body.institution_id, body.period,
                              body.loans, body.control_totals.model_dump() if body.control_totals else None, body.note)
    return service.receipt(out.submission, session, out.findings, limit=1000)


@router.post("/api/v1/reporting/submissions/file", status_code=201,
             summary="Submit a loan-level report as a CSV (UTF-8 or GBK) or XLSX file")
async def submit_file(request: Request, institution_id: int = Form(...), period: str = Form(...),
                      note: str = Form(""), file: UploadFile = File(...), who: Principal = Depends(current_principal),
                      session: Session = Depends(get_session)):
    from starlette.concurrency import run_in_threadpool

    content = await file.read()

    def work():
        out = service.submit_file(session, who, _runtime(request).settings, institution_id, period,
                                  file.filename or "upload", content, note=note)
        return service.receipt(out.submission, session, out.findings, limit=1000)

    return await run_in_threadpool(work)


@router.get("/api/v1/reporting/submissions", summary="Submissions the caller may see, newest first")
def submissions(institution_id: int | None = None, period: str | None = None, status: str | None = None,
                current: bool | None = None, page: int = 1, page_size: int = 50,
                who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    subs, total = service.list_submissions(session, who, institution_id=institution_id, period=period, status=status,
                                           current=current, page=page, page_size=page_size)
    return {"items": [service.receipt(s, session) for s in subs], "total": total, "page": page,
            "page_size": page_size}


@router.get("/api/v1/reporting/submissions.xlsx", summary="The submissions the caller may see, as Excel")
def submissions_xlsx(institution_id: int | None = None, period: str | None = None, status: str | None = None,
                     who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.kit.xlsx import write_xlsx

    heads = ["回执号 receipt", "机构 institution", "报告期 period", "序号 sequence", "状态 status", "在用 in force",
             "行数 rows", "错误 errors", "警告 warnings", "余额合计 balance", "绿色余额 green balance",
             "SHA-256", "规则集 rules", "接收时间 received (UTC)", "提交人 by"]
    rows, page = [], 1
    while True:
        subs, total = service.list_submissions(session, who, institution_id=institution_id, period=period,
                                               status=status, page=page, page_size=200)
        for s in subs:
            r = service.receipt(s, session)
            rows.append([r["receipt"], r["institution"], r["period"], r["sequence"], r["status"], r["current"],
                         r["counts"]["rows_total"], r["counts"]["errors"], r["counts"]["warnings"],
                         Decimal(r["totals"].get("balance_cny", "0")), Decimal(r["totals"].get("green_balance_cny", "0")),
                         r["sha256"], r["ruleset_version"], r["received_at"][:19], r["by"]])
        if page * 200 >= total:
            break
        page += 1
    return Response(write_xlsx("报送 Submissions", heads, rows), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="submissions.xlsx"'})


@router.get("/api/v1/reporting/submissions/{key}", summary="One receipt (by receipt id or numeric id)")
def submission(key: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return service.receipt(service.get_submission(session, who, key), session)


@router.get("/api/v1/reporting/submissions/{key}/findings", summary="Rule findings of a submission, paginated")
def findings(key: str, rule: str | None = None, severity: str | None = None, page: int = 1, page_size: int = 50,
             who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    sub = service.get_submission(session, who, key)
    items, total = service.list_findings(session, sub, rule=rule, severity=severity, page=page, page_size=page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size, "stored": sub.findings_stored,
            "counted": sub.errors + sub.warnings}


@router.get("/api/v1/reporting/submissions/{key}/findings.xlsx", summary="All stored findings as Excel")
def findings_xlsx(key: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.kit.xlsx import write_xlsx

    sub = service.get_submission(session, who, key)
    heads = ["行 row", "贷款编号 loan_id", "规则 rule", "级别 severity", "字段 field", "值 value", "说明", "message"]
    rows = ([f["row"], f["loan_id"], f["rule"], f["severity"], f["field"], f["value"], f["message_zh"],
             f["message_en"]] for f in service.all_findings(session, sub))
    body = write_xlsx("校验结果 Findings", heads, rows, [("receipt", sub.receipt), ("rules", sub.ruleset_version)])
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="findings-{sub.receipt}.xlsx"'})


@router.get("/api/v1/reporting/submissions/{key}/changes",
            summary="Loans added, removed or changed against the submission this one superseded")
def changes(key: str, page: int = 1, page_size: int = 50, who: Principal = Depends(current_principal),
            session: Session = Depends(get_session)):
    sub = service.get_submission(session, who, key)
    items, total = service.list_changes(session, sub, page, page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size, "summary": sub.changes}


@router.get("/api/v1/reporting/template.xlsx", summary="The submission template with field notes and rules")
def template(who: Principal = Depends(current_principal)):
    return Response(service.template_xlsx(), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="lvrongtong-report-template.xlsx"'})


# --- pages ----------------------------------------------------------------------------------------------

def _own_institutions(session: Session, who: Principal) -> list[Organisation]:
    stmt = select(Organisation).where(Organisation.type.in_(service.REPORTING_ORG_TYPES)).order_by(Organisation.id)
    if not who.is_system:
        stmt = stmt.where(Organisation.id.in_(who.org_ids or {who.organisation_id or -1}))
    return list(session.scalars(stmt))


@router.api_route("/reporting", methods=["GET", "POST"], response_class=HTMLResponse, include_in_schema=False)
async def page(request: Request, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from starlette.concurrency import run_in_threadpool

    from lvrongtong.web.views import render

    error = None
    if request.method == "POST":
        form = await request.form()
        upload = form.get("file")
        try:
            if not hasattr(upload, "read") or not getattr(upload, "filename", ""):
                raise AppError("validation_failed", "请选择要上传的文件", "choose a file to upload", 422)
            content = await upload.read()
            inst = int(str(form.get("institution_id") or 0))

            def work():
                return service.submit_file(session, who, _runtime(request).settings, inst,
                                           str(form.get("period") or ""), upload.filename, content,
                                           note=str(form.get("note") or ""))

            out = await run_in_threadpool(work)
            return RedirectResponse(f"/reporting/submissions/{out.submission.receipt}", status_code=303)
        except ValueError:
            error = AppError("validation_failed", "请选择报送机构", "choose the reporting institution", 422)
        except AppError as e:
            session.rollback()
            error = e
    params = dict(request.query_params)
    page_no = int(params.get("page", 1) or 1)
    subs, total = service.list_submissions(session, who, period=params.get("period") or None,
                                           status=params.get("status") or None, page=page_no, page_size=30)
    items = [service.receipt(s, session) for s in subs]

    def qs(**kw):
        return urlencode({**params, **kw})

    return render(request, "reporting.html", who, status=error.status if error else 200, error=error, items=items,
                  total=total, page_no=page_no, pages=max(1, -(-total // 30)), params=params, qs=qs,
                  institutions=_own_institutions(session, who), rules=rules.RULES, fields=FIELDS)


@router.get("/reporting/submissions/{key}", response_class=HTMLResponse, include_in_schema=False)
def submission_page(key: str, request: Request, who: Principal = Depends(current_principal),
                    session: Session = Depends(get_session)):
    from lvrongtong.web.views import render

    sub = service.get_submission(session, who, key)
    params = dict(request.query_params)
    page_no = int(params.get("page", 1) or 1)
    items, total = service.list_findings(session, sub, rule=params.get("rule") or None,
                                         severity=params.get("severity") or None, page=page_no, page_size=50)
    changes_items, changes_total = service.list_changes(session, sub, 1, 50)

    def qs(**kw):
        return urlencode({**params, **kw})

    return render(request, "reporting_submission.html", who, r=service.receipt(sub, session), findings=items,
                  total=total, page_no=page_no, pages=max(1, -(-total // 50)), params=params, qs=qs,
                  changes=changes_items, changes_total=changes_total, rules=rules.BY_ID)

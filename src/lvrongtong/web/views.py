"""Server-rendered pages (Jinja2 + HTMX + ECharts, all assets local). zh-CN first, English switch."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.kit.errors import AppError
from lvrongtong.kit.i18n import pick_language, translate
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import cached_answer, current_principal, get_session
from lvrongtong.reference import service as reference
from lvrongtong.registry import exporting, importing, instruments, service, stats
from lvrongtong.registry.instruments import LoanFilter
from lvrongtong.registry.service import EnterpriseFilter, ProjectFilter

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("lvrongtong.web").joinpath("templates")))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Where each capability lives; later issues fill these in. (key, path, who sees it)
LIVE = {"carbon", "identification", "accounts", "reporting", "statistics"}  # capabilities with working pages; the others show what is coming
CAPABILITIES = [
    ("identification", "/identification", {"regulator", "bank", "verifier"}),
    ("carbon", "/carbon", {"regulator", "bank", "enterprise", "verifier"}),
    ("accounts", "/accounts", {"regulator", "bank", "enterprise", "government"}),
    ("reporting", "/reporting", {"regulator", "bank", "insurer", "securities_fund"}),
    ("statistics", "/statistics", {"regulator", "government", "bank", "insurer", "securities_fund"}),
    ("financing", "/financing", {"bank", "enterprise", "regulator"}),
    ("policy_tools", "/policy-tools", {"regulator", "bank"}),
    ("risk", "/risk", {"regulator", "bank", "insurer"}),
    ("disclosure", "/disclosure", {"regulator", "bank", "insurer", "securities_fund"}),
    ("sharing", "/sharing", {"enterprise", "bank", "regulator", "government"}),
    ("portal", "/portal", {"regulator", "bank", "insurer", "securities_fund", "enterprise", "government", "verifier"}),
]


def _lang(request: Request) -> str:
    settings = request.app.state.runtime.settings
    return pick_language(request.query_params.get("lang"), request.cookies.get("lang"), settings.default_language)


def _nav(who: Principal | None) -> list[dict[str, Any]]:
    if who is None:
        return []
    items = [{"key": "nav.home", "path": "/"}, {"key": "nav.organisations", "path": "/organisations"},
             {"key": "nav.enterprises", "path": "/enterprises"}, {"key": "nav.projects", "path": "/projects"}]
    if who.is_system or who.org_type in {"regulator", "bank", "insurer", "securities_fund", "enterprise"}:
        items.append({"key": "nav.loans", "path": "/loans"})
        items.append({"key": "nav.bonds", "path": "/bonds"})
    if who.can_write():
        items.append({"key": "nav.imports", "path": "/imports"})
    items.append({"key": "nav.reference", "path": "/reference"})
    if who.is_admin():
        items.append({"key": "nav.audit", "path": "/audit"})
    caps = [{"key": f"cap.{k}", "path": p, "soon": k not in LIVE} for k, p, roles in CAPABILITIES
            if who.is_system or who.org_type in roles]
    return items + sorted(caps, key=lambda c: c["soon"])


def render(request: Request, name: str, who: Principal | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = _lang(request)
    ctx.update(request=request, who=who, lang=lang, t=lambda k: translate(k, lang), nav=_nav(who),
               path=request.url.path, demo=getattr(request.app.state, "demo_loaded", None))
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def error_page(request: Request, err: AppError) -> HTMLResponse:
    if err.status == 401:
        return RedirectResponse(f"/login?{urlencode({'next': request.url.path})}", status_code=303)  # type: ignore
    return render(request, "error.html", None, status=err.status, err=err)


def _qs(request: Request, **changes: Any) -> str:
    params = dict(request.query_params)
    params.update({k: v for k, v in changes.items() if v is not None})
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _opt_bool(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get((value or "").lower())


def _opt_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _opt_decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _page_args(request: Request) -> tuple[int, int, str | None]:
    try:
        page = max(1, int(request.query_params.get("page", 1)))
    except ValueError:
        page = 1
    return page, 20, request.query_params.get("sort") or None


# Session ---------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: Session = Depends(get_session)):
    from lvrongtong.demo.service import demo_logins

    return render(request, "login.html", None, next=request.query_params.get("next", "/"),
                  logins=demo_logins(session))


@router.post("/login")
def login(request: Request, username: str = Form(...), password: str = Form(...), next: str = Form("/"),
          session: Session = Depends(get_session)):
    from lvrongtong.auth import service as auth
    from lvrongtong.demo.service import demo_logins

    try:
        user = auth.authenticate(session, username, password)
    except AppError:
        return render(request, "login.html", None, status=401, next=next, failed=True, username=username,
                      logins=demo_logins(session))
    request.session.clear()
    request.session["user_id"] = user.id
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request):
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def set_language(code: str, request: Request):
    target = request.query_params.get("next", "/")
    response = RedirectResponse(target if target.startswith("/") else "/", status_code=303)
    response.set_cookie("lang", "en" if code == "en" else "zh", max_age=365 * 86400, samesite="lax")
    return response


# Home ------------------------------------------------------------------------------------------

def _yi(value: Decimal) -> float:
    """CNY → 亿元 (100 million) for charts."""
    return round(float(value) / 1e8, 2)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: Principal = Depends(current_principal),
         session: Session = Depends(get_session)):
    d = cached_answer(request, session, who, "registry", lambda: stats.dashboard(session, who))
    charts = {
        "district": {"names": [n for _, n, _, _ in d.by_district], "total": [_yi(v) for _, _, v, _ in d.by_district],
                     "green": [_yi(g) for _, _, _, g in d.by_district]},
        "section": [{"name": f"{c} {n}", "value": _yi(v)} for c, n, v in d.by_section],
        "month": {"months": [m for m, _, _ in d.by_month], "total": [_yi(v) for _, v, _ in d.by_month],
                  "green": [_yi(g) for _, _, g in d.by_month]},
    }
    return render(request, "home.html", who, d=d, charts_json=json.dumps(charts, ensure_ascii=False))


# Lists -----------------------------------------------------------------------------------------

def _list_context(request: Request, page) -> dict[str, Any]:
    return {"page": page, "qs": lambda **kw: _qs(request, **kw), "params": request.query_params}


def _list_or_partial(request: Request, name: str, who: Principal, **ctx: Any) -> HTMLResponse:
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "results":
        return render(request, f"partials/{name}", who, **ctx)
    return render(request, name, who, **ctx)


@router.get("/organisations", response_class=HTMLResponse)
def organisations(request: Request, who: Principal = Depends(current_principal),
                  session: Session = Depends(get_session)):
    page, size, sort = _page_args(request)
    p = request.query_params
    result = service.list_organisations(session, who, type=p.get("type") or None, q=p.get("q") or None,
                                        region_code=p.get("region_code") or None, sort=sort, page=page,
                                        page_size=size)
    return _list_or_partial(request, "organisations.html", who, regions=reference.region_options(session),
                            **_list_context(request, result))


def _enterprise_filter(request: Request) -> EnterpriseFilter:
    p = request.query_params
    return EnterpriseFilter(p.get("q") or None, p.get("region_code") or None, p.get("industry_code") or None,
                            p.get("size_class") or None, _opt_bool(p.get("listed")), _opt_bool(p.get("ets_covered")))


@router.get("/enterprises", response_class=HTMLResponse)
def enterprises(request: Request, who: Principal = Depends(current_principal),
                session: Session = Depends(get_session)):
    page, size, sort = _page_args(request)
    result = service.list_enterprises(session, who, _enterprise_filter(request), sort=sort, page=page,
                                      page_size=size)
    return _list_or_partial(request, "enterprises.html", who, regions=reference.region_options(session),
                            sections=reference.industry_sections(session), **_list_context(request, result))


@router.get("/enterprises/{uscc}", response_class=HTMLResponse)
def enterprise_detail(uscc: str, request: Request, who: Principal = Depends(current_principal),
                      session: Session = Depends(get_session)):
    ent = service.get_enterprise(session, who, uscc)
    projects = service.list_projects(session, who, ProjectFilter(enterprise_uscc=ent.uscc), page_size=50)
    loans = None
    from lvrongtong.registry.access import can_list_instruments

    if can_list_instruments(who):
        loans = instruments.list_loans(session, who, LoanFilter(borrower_uscc=ent.uscc), page_size=50)
    return render(request, "enterprise_detail.html", who, ent=ent, projects=projects, loans=loans,
                  region=reference.ReferenceLookup(session).regions.get(ent.region_code),
                  industry=reference.ReferenceLookup(session).industries.get(ent.industry_code))


def _project_filter(request: Request) -> ProjectFilter:
    p = request.query_params
    return ProjectFilter(p.get("q") or None, p.get("region_code") or None, p.get("industry_code") or None,
                         p.get("enterprise_uscc") or None)


@router.get("/projects", response_class=HTMLResponse)
def projects(request: Request, who: Principal = Depends(current_principal),
             session: Session = Depends(get_session)):
    page, size, sort = _page_args(request)
    result = service.list_projects(session, who, _project_filter(request), sort=sort, page=page, page_size=size)
    return _list_or_partial(request, "projects.html", who, regions=reference.region_options(session),
                            sections=reference.industry_sections(session), **_list_context(request, result))


@router.get("/projects/{code}", response_class=HTMLResponse)
def project_detail(code: str, request: Request, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    project = service.get_project(session, who, code)
    from lvrongtong.registry.access import can_list_instruments

    loans = None
    if can_list_instruments(who):
        loans = instruments.list_loans(session, who, LoanFilter(project_id=project.id), page_size=50)
    return render(request, "project_detail.html", who, project=project, loans=loans)


def _loan_filter(request: Request) -> LoanFilter:
    p = request.query_params
    lender = p.get("lender_org_id")
    return LoanFilter(
        q=p.get("q") or None, lender_org_id=int(lender) if lender and lender.isdigit() else None,
        borrower_uscc=p.get("borrower_uscc") or None, region_code=p.get("region_code") or None,
        industry_code=p.get("industry_code") or None, declared_green=_opt_bool(p.get("declared_green")),
        carbon_reduction_tool=_opt_bool(p.get("carbon_reduction_tool")),
        approved_from=_opt_date(p.get("approved_from")), approved_to=_opt_date(p.get("approved_to")),
        amount_min=_opt_decimal(p.get("amount_min")), amount_max=_opt_decimal(p.get("amount_max")),
    )


@router.get("/loans", response_class=HTMLResponse)
def loans(request: Request, who: Principal = Depends(current_principal),
          session: Session = Depends(get_session)):
    page, size, sort = _page_args(request)
    result = instruments.list_loans(session, who, _loan_filter(request), sort=sort, page=page, page_size=size)
    lenders = []
    if who.is_system or who.org_type == "regulator":
        lenders = service.list_organisations(session, who, type="bank", page_size=200).items
    return _list_or_partial(request, "loans.html", who, regions=reference.region_options(session),
                            sections=reference.industry_sections(session), lenders=lenders,
                            **_list_context(request, result))


@router.get("/bonds", response_class=HTMLResponse)
def bonds(request: Request, who: Principal = Depends(current_principal),
          session: Session = Depends(get_session)):
    page, size, sort = _page_args(request)
    result = instruments.list_bonds(session, who, q=request.query_params.get("q") or None, sort=sort, page=page,
                                    page_size=size)
    return _list_or_partial(request, "bonds.html", who, **_list_context(request, result))


@router.get("/loans/{loan_id}", response_class=HTMLResponse)
def loan_detail(loan_id: int, request: Request, who: Principal = Depends(current_principal),
                session: Session = Depends(get_session)):
    from lvrongtong.carbon.claims import visible_claims
    from lvrongtong.reference.catalogue_rules import version_for

    loan = instruments.get_loan(session, who, loan_id)
    claims, _ = visible_claims(session, who, instrument_id=loan_id, page_size=20)
    return render(request, "loan_detail.html", who, loan=loan, catalogue_version=version_for("loan", loan.approved_on),
                  claims=claims)


@router.get("/export/{entity}.xlsx")
def export(entity: str, request: Request, who: Principal = Depends(current_principal),
           session: Session = Depends(get_session)):
    _, _, sort = _page_args(request)
    filters = {"loans": _loan_filter, "enterprises": _enterprise_filter, "projects": _project_filter,
               "bonds": lambda r: {"q": r.query_params.get("q") or None}}.get(entity)
    if entity == "audit":
        return _audit_xlsx(request, who, session)
    content = exporting.export_xlsx(session, who, entity, filters(request) if filters else None, sort)
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{entity}.xlsx"'})


# Import ----------------------------------------------------------------------------------------

@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, who: Principal = Depends(current_principal)):
    return render(request, "imports.html", who, specs=importing.SPECS, result=None)


@router.post("/imports", response_class=HTMLResponse)
def imports_upload(request: Request, entity: str = Form(...), file: UploadFile = File(...),
                   who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    content = file.file.read()
    try:
        result = importing.run_import(session, who, entity, file.filename or "upload", content)
        session.commit()
    except AppError as exc:
        session.rollback()
        result = importing.record_failed_import(session, who, entity, file.filename or "upload", content, exc)
        session.commit()
    return render(request, "imports.html", who, specs=importing.SPECS, result=result)


@router.get("/imports/{job_id}/report.xlsx")
def import_report(job_id: int, request: Request, who: Principal = Depends(current_principal),
                  session: Session = Depends(get_session)):
    from lvrongtong.registry.models import ImportJob

    job = session.get(ImportJob, job_id)
    if job is None or not (who.is_system or who.organisation_id == job.organisation_id):
        return error_page(request, AppError("not_found", "导入记录不存在", "import not found", 404))
    return Response(importing.report_xlsx(job.report), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="import-{job_id}-report.xlsx"'})


# Reference, audit, capabilities to come --------------------------------------------------------

@router.get("/reference", response_class=HTMLResponse)
def reference_page(request: Request, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    from lvrongtong.reference.models import ReferenceDataset, Region

    q = request.query_params.get("q") or None
    section = request.query_params.get("section") or None
    industries = reference.list_industries(session, q=q) if q else (
        [i for i in reference.list_industries(session) if i.section == section] if section else [])
    return render(request, "reference.html", who, regions=list(session.scalars(select(Region).order_by(Region.code))),
                  sections=reference.industry_sections(session), industries=industries,
                  datasets=list(session.scalars(select(ReferenceDataset))), q=q, section=section)


def _audit_xlsx(request: Request, who: Principal, session: Session) -> Response:
    from lvrongtong.audit.api import entries_query, entry_dict
    from lvrongtong.audit.models import AuditEntry
    from lvrongtong.kit.xlsx import write_xlsx

    stmt = entries_query(who, request.query_params.get("action") or None).order_by(AuditEntry.seq)
    columns = ["seq", "at", "actor", "user_id", "organisation_id", "action", "subject_type", "subject_id",
               "changed_fields", "before_digest", "after_digest", "prev_hash", "hash"]
    rows = ([", ".join(v) if isinstance(v, list) else v for v in (entry_dict(e)[c] for c in columns)]
            for e in session.scalars(stmt.execution_options(yield_per=2000)))
    return Response(write_xlsx("audit", columns, rows), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="audit.xlsx"'})


@router.get("/reference/catalogues", response_class=HTMLResponse)
def catalogues_page(request: Request, who: Principal = Depends(current_principal),
                    session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues
    from lvrongtong.reference.catalogue_rules import KNOWN_CATALOGUES

    rows = catalogues.catalogues(session)
    loaded = {c.version for c, _, _ in rows}
    missing = [k for k in KNOWN_CATALOGUES if k[0] not in loaded]
    return render(request, "catalogues.html", who, rows=rows, missing=missing)


@router.get("/reference/catalogues/{version}", response_class=HTMLResponse)
def catalogue_tree(version: str, request: Request, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    cat = catalogues.get_catalogue(session, version)
    q = request.query_params.get("q") or None
    items = catalogues.list_items(session, version)
    children: dict[str | None, list] = {}
    for item in items:
        children.setdefault(item.parent_code, []).append(item)
    hits = catalogues.list_items(session, version, q=q) if q else None
    return render(request, "catalogue_tree.html", who, cat=cat, children=children, hits=hits, q=q,
                  total=len(items))


@router.get("/reference/catalogues/{version}/{code}", response_class=HTMLResponse)
def catalogue_item_page(version: str, code: str, request: Request, who: Principal = Depends(current_principal),
                        session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    cat = catalogues.get_catalogue(session, version)
    item, chain, kids = catalogues.get_item(session, version, code)
    return render(request, "catalogue_item.html", who, cat=cat, item=item, chain=chain, kids=kids)


def _transition_plan_from_form(form) -> dict:
    """The web form's fields as the JSON plan (milestones "2025:108, 2026:104"; measures one per line
    "name | reduction % | year | fossil yes/no")."""
    milestones = {}
    for part in str(form.get("milestones") or "").replace("，", ",").split(","):
        if ":" in part or "：" in part:
            y, v = part.replace("：", ":").split(":", 1)
            milestones[y.strip()] = v.strip()
    measures = []
    for line in str(form.get("measures") or "").splitlines():
        cells = [c.strip() for c in line.replace("｜", "|").split("|")]
        if len(cells) >= 3 and cells[0]:
            measures.append({"name": cells[0], "reduction_pct": cells[1], "year": cells[2],
                             "adds_fossil_capacity": len(cells) > 3 and cells[3].lower() in ("是", "yes", "y", "1")})
    keys = ("industry_code", "unit", "baseline_year", "baseline_value", "current_value", "target_year", "target_value",
            "benchmark_id", "benchmark_level", "baseline_level", "benchmark_source")
    plan = {k: str(form.get(k)).strip() for k in keys if str(form.get(k) or "").strip()}
    return {**plan, "milestones": milestones, "measures": measures, "dnsh_confirmed": bool(form.get("dnsh_confirmed"))}


@router.api_route("/reference/transition", methods=["GET", "POST"], response_class=HTMLResponse)
async def transition_page(request: Request, who: Principal = Depends(current_principal),
                          session: Session = Depends(get_session)):
    from lvrongtong.reference import transition

    form = await request.form() if request.method == "POST" else {}
    result, error = None, None
    if form:
        try:
            plan = transition.plan_from_dict(_transition_plan_from_form(form))
            reference.require_industry(session, plan.industry_code)
            result = transition.assess(plan).as_dict()
        except AppError as e:
            error = e
    return render(request, "transition.html", who, status=error.status if error else 200,
                  sectors=transition.sectors(), benchmarks=transition.benchmarks(), form=form, result=result,
                  error=error)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, who: Principal = Depends(current_principal),
               session: Session = Depends(get_session)):
    from lvrongtong.audit import service as audit
    from lvrongtong.audit.api import entries_query
    from lvrongtong.audit.models import AuditEntry
    from lvrongtong.kit.pagination import paginate

    page, size, _ = _page_args(request)
    stmt = entries_query(who, request.query_params.get("action") or None)
    rows, total = paginate(session, stmt.order_by(AuditEntry.seq.desc()), stmt, page, 50)
    from lvrongtong.kit.pagination import Page

    report = None
    if request.query_params.get("verify") and (who.is_system or who.org_type == "regulator"):
        report = audit.verify(session)
    return render(request, "audit.html", who, page=Page([r[0] for r in rows], total, page, 50), report=report,
                  qs=lambda **kw: _qs(request, **kw), params=request.query_params)


@router.get("/{capability}", response_class=HTMLResponse)
def coming(capability: str, request: Request, who: Principal = Depends(current_principal)):
    cap = next((c for c in CAPABILITIES if c[1] == f"/{capability}"), None)
    if cap is None:
        return error_page(request, AppError("not_found", "页面不存在", "page not found", 404))
    return render(request, "coming.html", who, cap=cap[0])

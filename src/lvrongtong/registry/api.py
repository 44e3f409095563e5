"""HTTP routes for master data under /api/v1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session

from lvrongtong.kit.errors import AppError
from lvrongtong.kit.pagination import Page
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import cached_json, current_principal, get_session
from lvrongtong.registry import exporting, importing, instruments, service
from lvrongtong.registry.instruments import LoanFilter
from lvrongtong.registry.schemas import (
    BondCreate,
    BondPage,
    BondRead,
    EnterpriseCreate,
    EnterprisePage,
    EnterpriseRead,
    EnterpriseUpdate,
    LoanCreate,
    LoanPage,
    LoanRead,
    LoanUpdate,
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    ProjectCreate,
    ProjectPage,
    ProjectRead,
    ProjectUpdate,
)
from lvrongtong.registry.service import EnterpriseFilter, ProjectFilter

router = APIRouter(prefix="/api/v1", tags=["registry"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PageNo = Query(1, ge=1, description="1-based page number")
PageSize = Query(20, ge=1, le=200)
Sort = Query(None, description="comma-separated fields, '-' prefix for descending")


def _page(p: Page, read, model):
    return model(items=[read(x) for x in p.items], total=p.total, page=p.page, page_size=p.page_size, pages=p.pages)


def _xlsx(content: bytes, name: str) -> Response:
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


# Organisations -----------------------------------------------------------------------------------

@router.get("/organisations", response_model=OrganisationPage, summary="List organisations (paginated, filter by type/region/name)")
def list_organisations(request: Request, type: str | None = None, q: str | None = None,
                       region_code: str | None = None, sort: str | None = Sort, page: int = PageNo,
                       page_size: int = PageSize, who: Principal = Depends(current_principal),
                       session: Session = Depends(get_session)):
    return cached_json(request, session, who, "registry", lambda: _page(service.list_organisations(
        session, who, type=type, q=q, region_code=region_code, sort=sort, page=page, page_size=page_size),
        OrganisationRead.model_validate, OrganisationPage))


@router.post("/organisations", status_code=201, response_model=OrganisationRead)
def create_organisation(data: OrganisationCreate, who: Principal = Depends(current_principal),
                        session: Session = Depends(get_session)):
    org = service.create_organisation(session, who, data)
    session.commit()
    return OrganisationRead.model_validate(org)


@router.get("/organisations/{org_id}", response_model=OrganisationRead)
def get_organisation(org_id: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return OrganisationRead.model_validate(service.get_organisation(session, who, org_id))


# Enterprises -------------------------------------------------------------------------------------

async def enterprise_filter(q: str | None = None, region_code: str | None = None, industry_code: str | None = None,
                      size_class: str | None = None, listed: bool | None = None,
                      ets_covered: bool | None = None) -> EnterpriseFilter:
    return EnterpriseFilter(q, region_code, industry_code, size_class, listed, ets_covered)


@router.get("/enterprises", response_model=EnterprisePage, summary="List enterprises in scope (paginated, filtered, sorted)")
def list_enterprises(request: Request, f: EnterpriseFilter = Depends(enterprise_filter), sort: str | None = Sort,
                     page: int = PageNo, page_size: int = PageSize,
                     who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return cached_json(request, session, who, "registry", lambda: _page(
        service.list_enterprises(session, who, f, sort=sort, page=page, page_size=page_size),
        EnterpriseRead.model_validate, EnterprisePage))


@router.get("/enterprises/export.xlsx", summary="Export the filtered enterprise list to Excel")
def export_enterprises(f: EnterpriseFilter = Depends(enterprise_filter), sort: str | None = Sort,
                       who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return _xlsx(exporting.export_xlsx(session, who, "enterprises", f, sort), "enterprises")


@router.post("/enterprises", status_code=201, response_model=EnterpriseRead)
def create_enterprise(data: EnterpriseCreate, who: Principal = Depends(current_principal),
                      session: Session = Depends(get_session)):
    ent = service.create_enterprise(session, who, data)
    session.commit()
    return EnterpriseRead.model_validate(ent)


@router.get("/enterprises/{uscc}", response_model=EnterpriseRead)
def get_enterprise(uscc: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return EnterpriseRead.model_validate(service.get_enterprise(session, who, uscc))


@router.patch("/enterprises/{uscc}", response_model=EnterpriseRead)
def update_enterprise(uscc: str, data: EnterpriseUpdate, who: Principal = Depends(current_principal),
                      session: Session = Depends(get_session)):
    ent = service.update_enterprise(session, who, uscc, data)
    session.commit()
    return EnterpriseRead.model_validate(ent)


# Projects ----------------------------------------------------------------------------------------

async def project_filter(q: str | None = None, region_code: str | None = None, industry_code: str | None = None,
                   enterprise_uscc: str | None = None) -> ProjectFilter:
    return ProjectFilter(q, region_code, industry_code, enterprise_uscc)


@router.get("/projects", response_model=ProjectPage, summary="List projects in scope")
def list_projects(request: Request, f: ProjectFilter = Depends(project_filter), sort: str | None = Sort,
                  page: int = PageNo, page_size: int = PageSize, who: Principal = Depends(current_principal),
                  session: Session = Depends(get_session)):
    return cached_json(request, session, who, "registry", lambda: _page(
        service.list_projects(session, who, f, sort=sort, page=page, page_size=page_size), lambda x: x, ProjectPage))


@router.get("/projects/export.xlsx")
def export_projects(f: ProjectFilter = Depends(project_filter), sort: str | None = Sort,
                    who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return _xlsx(exporting.export_xlsx(session, who, "projects", f, sort), "projects")


@router.post("/projects", status_code=201, response_model=ProjectRead)
def create_project(data: ProjectCreate, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    out = service.create_project(session, who, data)
    session.commit()
    return out


@router.get("/projects/{code}", response_model=ProjectRead)
def get_project(code: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return service.get_project(session, who, code)


@router.patch("/projects/{code}", response_model=ProjectRead)
def update_project(code: str, data: ProjectUpdate, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    out = service.update_project(session, who, code, data)
    session.commit()
    return out


# Loans -------------------------------------------------------------------------------------------

async def loan_filter(q: str | None = None, lender_org_id: int | None = None, borrower_uscc: str | None = None,
                region_code: str | None = None, industry_code: str | None = None,
                declared_green: bool | None = None, declared_transition: bool | None = None,
                carbon_reduction_tool: bool | None = None, approved_from: date | None = None,
                approved_to: date | None = None, amount_min: Decimal | None = None,
                amount_max: Decimal | None = None, project_id: int | None = None) -> LoanFilter:
    return LoanFilter(q, lender_org_id, borrower_uscc, region_code, industry_code, declared_green,
                      declared_transition, carbon_reduction_tool, approved_from, approved_to, amount_min,
                      amount_max, project_id)


@router.get("/loans", response_model=LoanPage, summary="List loans in scope (a bank: its own; an enterprise: its borrowings)")
def list_loans(request: Request, f: LoanFilter = Depends(loan_filter), sort: str | None = Sort,
               page: int = PageNo, page_size: int = PageSize, who: Principal = Depends(current_principal),
               session: Session = Depends(get_session)):
    return cached_json(request, session, who, "registry", lambda: _page(
        instruments.list_loans(session, who, f, sort=sort, page=page, page_size=page_size), lambda x: x, LoanPage))


@router.get("/loans/export.xlsx")
def export_loans(f: LoanFilter = Depends(loan_filter), sort: str | None = Sort,
                 who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return _xlsx(exporting.export_xlsx(session, who, "loans", f, sort), "loans")


@router.post("/loans", status_code=201, response_model=LoanRead)
def create_loan(data: LoanCreate, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    out = instruments.create_loan(session, who, data)
    session.commit()
    return out


@router.get("/loans/{loan_id}", response_model=LoanRead)
def get_loan(loan_id: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return instruments.get_loan(session, who, loan_id)


@router.patch("/loans/{loan_id}", response_model=LoanRead)
def update_loan(loan_id: int, data: LoanUpdate, who: Principal = Depends(current_principal),
                session: Session = Depends(get_session)):
    out = instruments.update_loan(session, who, loan_id, data)
    session.commit()
    return out


@router.delete("/loans/{loan_id}", status_code=204)
def delete_loan(loan_id: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    instruments.delete_loan(session, who, loan_id)
    session.commit()
    return Response(status_code=204)


# Bonds -------------------------------------------------------------------------------------------

@router.get("/bonds", response_model=BondPage)
def list_bonds(request: Request, q: str | None = None, sort: str | None = Sort, page: int = PageNo,
               page_size: int = PageSize, who: Principal = Depends(current_principal),
               session: Session = Depends(get_session)):
    return cached_json(request, session, who, "registry", lambda: _page(
        instruments.list_bonds(session, who, q=q, sort=sort, page=page, page_size=page_size), lambda x: x, BondPage))


@router.get("/bonds/export.xlsx")
def export_bonds(q: str | None = None, sort: str | None = Sort, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    return _xlsx(exporting.export_xlsx(session, who, "bonds", {"q": q}, sort), "bonds")


@router.post("/bonds", status_code=201, response_model=BondRead)
def create_bond(data: BondCreate, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    out = instruments.create_bond(session, who, data)
    session.commit()
    return out


@router.get("/bonds/{bond_id}", response_model=BondRead)
def get_bond(bond_id: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return instruments.get_bond(session, who, bond_id)


# Import ------------------------------------------------------------------------------------------

@router.get("/imports/templates/{entity}.{fmt}", summary="Download an import template (xlsx or csv)")
def import_template(entity: str, fmt: Literal["xlsx", "csv"]):
    content, media = importing.template(entity, fmt)
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{entity}-template.{fmt}"'})


@router.post("/imports/{entity}", summary="Import enterprises / projects / loans from .csv or .xlsx")
def run_import(entity: str, file: UploadFile = File(...), dry_run: bool = Form(False),
               who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    content = file.file.read()
    try:
        result = importing.run_import(session, who, entity, file.filename or "upload", content)
    except AppError as exc:
        session.rollback()
        result = importing.record_failed_import(session, who, entity, file.filename or "upload", content, exc)
        session.commit()
        raise
    if dry_run:
        session.rollback()
        result.job_id = None
    else:
        session.commit()
    return {"job_id": result.job_id, "entity": result.entity, "status": result.status,
            "dry_run": dry_run, "rows_total": result.rows_total, "rows_accepted": result.rows_accepted,
            "rows_rejected": result.rows_rejected, "problems": result.problems, "accepted": result.accepted}

"""Use cases for organisations, enterprises and projects. Each flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.audit import service as audit
from lvrongtong.kit.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from lvrongtong.kit.pagination import Page, apply_sort, paginate
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.snapshot import snapshot
from lvrongtong.reference.service import ReferenceLookup
from lvrongtong.registry import access
from lvrongtong.registry.models import Enterprise, Organisation, Project
from lvrongtong.registry.rules import project_rules
from lvrongtong.registry.schemas import (
    EnterpriseCreate,
    EnterpriseUpdate,
    OrganisationCreate,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
)


def _raise_if(errors: list[FieldError | None]) -> None:
    found = [e for e in errors if e is not None]
    if found:
        raise ValidationFailed(found)


# Organisations -----------------------------------------------------------------------------------

def create_organisation(session: Session, who: Principal, data: OrganisationCreate) -> Organisation:
    if not (who.is_system or (who.org_type == "regulator" and who.is_admin())):
        raise Forbidden("只有监管机构管理员可以登记机构", "only a regulator's admin can register organisations")
    ref = ReferenceLookup(session)
    _raise_if([ref.check_region("region_code", data.region_code)])
    if session.scalar(select(Organisation.id).where(Organisation.uscc == data.uscc)):
        raise Conflict("uscc", "uscc_unique", "该统一社会信用代码的机构已存在", "an organisation with this USCC exists")
    if data.parent_id is not None and session.get(Organisation, data.parent_id) is None:
        raise ValidationFailed([FieldError("parent_id", "parent_exists", "上级机构不存在", "parent organisation not found")])
    org = Organisation(**data.model_dump())
    session.add(org)
    session.flush()
    audit.record(session, who, "organisation.create", "organisation", org.id, None, snapshot(org))
    return org


def list_organisations(session: Session, who: Principal, *, type: str | None = None, q: str | None = None,
                       region_code: str | None = None, sort: str | None = None, page: int = 1,
                       page_size: int = 20) -> Page[Organisation]:
    stmt = select(Organisation)
    if type:
        stmt = stmt.where(Organisation.type == type)
    if region_code:
        stmt = stmt.where(Organisation.region_code == region_code)
    if q:
        stmt = stmt.where(Organisation.name.contains(q) | (Organisation.uscc == q.upper()))
    sorted_stmt = apply_sort(stmt, sort, {"name": Organisation.name, "type": Organisation.type,
                                          "id": Organisation.id}, "type,name", Organisation.id)
    rows, total = paginate(session, sorted_stmt, stmt, page, page_size)
    return Page([r[0] for r in rows], total, page, page_size)


def get_organisation(session: Session, who: Principal, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("机构", "organisation")
    return org


def branch_ids(session: Session, org_id: int) -> frozenset[int]:
    """The organisation and all its descendants (branches)."""
    ids, frontier = {org_id}, [org_id]
    while frontier:
        children = session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(frontier))).all()
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return frozenset(ids)


# Enterprises -------------------------------------------------------------------------------------

def create_enterprise(session: Session, who: Principal, data: EnterpriseCreate,
                      ref: ReferenceLookup | None = None) -> Enterprise:
    access.require_write(who)
    if not access.can_create_enterprise(who, data.uscc):
        raise Forbidden("本机构不能登记该企业", "your organisation cannot register this enterprise")
    ref = ref or ReferenceLookup(session)
    _raise_if([ref.check_region("region_code", data.region_code),
               ref.check_industry("industry_code", data.industry_code)])
    if session.scalar(select(Enterprise.id).where(Enterprise.uscc == data.uscc)):
        raise Conflict("uscc", "uscc_unique", "该统一社会信用代码的企业已存在",
                       "an enterprise with this USCC already exists")
    ent = Enterprise(**data.model_dump(), created_by_org_id=who.organisation_id)
    session.add(ent)
    session.flush()
    audit.record(session, who, "enterprise.create", "enterprise", ent.uscc, None, snapshot(ent))
    return ent


def _enterprise_stmt(who: Principal):
    return access.scope_enterprises(select(Enterprise), who)


def get_enterprise(session: Session, who: Principal, uscc: str) -> Enterprise:
    ent = session.scalar(_enterprise_stmt(who).where(Enterprise.uscc == uscc.upper()))
    if ent is None:
        raise NotFound("企业", "enterprise")
    return ent


def update_enterprise(session: Session, who: Principal, uscc: str, data: EnterpriseUpdate) -> Enterprise:
    access.require_write(who)
    ent = get_enterprise(session, who, uscc)
    if not access.can_edit_enterprise(who, ent):
        raise NotFound("企业", "enterprise")
    changes = data.model_dump(exclude_unset=True)
    ref = ReferenceLookup(session)
    _raise_if([ref.check_region("region_code", changes.get("region_code")),
               ref.check_industry("industry_code", changes.get("industry_code"))])
    before = snapshot(ent)
    for key, value in changes.items():
        setattr(ent, key, value)
    session.flush()
    audit.record(session, who, "enterprise.update", "enterprise", ent.uscc, before, snapshot(ent))
    return ent


ENTERPRISE_SORTS = {"name": Enterprise.name, "uscc": Enterprise.uscc, "region_code": Enterprise.region_code,
                    "industry_code": Enterprise.industry_code, "updated_at": Enterprise.updated_at}


@dataclass
class EnterpriseFilter:
    q: str | None = None
    region_code: str | None = None
    industry_code: str | None = None  # prefix: a section letter is not a prefix, handled below
    size_class: str | None = None
    listed: bool | None = None
    ets_covered: bool | None = None


def _industry_prefix(column, code: str):
    from lvrongtong.reference.models import Industry

    if len(code) == 1 and code.isalpha():
        return column.in_(select(Industry.code).where(Industry.section == code.upper()))
    return column.startswith(code)


def list_enterprises(session: Session, who: Principal, f: EnterpriseFilter, *, sort: str | None = None,
                     page: int = 1, page_size: int = 20) -> Page[Enterprise]:
    stmt = _enterprise_stmt(who)
    if f.q:
        stmt = stmt.where(Enterprise.name.contains(f.q) | (Enterprise.uscc == f.q.upper()))
    if f.region_code:
        stmt = stmt.where(Enterprise.region_code == f.region_code)
    if f.industry_code:
        stmt = stmt.where(_industry_prefix(Enterprise.industry_code, f.industry_code))
    if f.size_class:
        stmt = stmt.where(Enterprise.size_class == f.size_class)
    if f.listed is not None:
        stmt = stmt.where(Enterprise.listed == f.listed)
    if f.ets_covered is not None:
        stmt = stmt.where(Enterprise.ets_covered == f.ets_covered)
    sorted_stmt = apply_sort(stmt, sort, ENTERPRISE_SORTS, "name", Enterprise.id)
    rows, total = paginate(session, sorted_stmt, stmt, page, page_size)
    return Page([r[0] for r in rows], total, page, page_size)


# Projects ----------------------------------------------------------------------------------------

def _project_read(project: Project, ent: Enterprise) -> ProjectRead:
    values: dict[str, Any] = snapshot(project)
    return ProjectRead(**values, enterprise_uscc=ent.uscc, enterprise_name=ent.name)


def _next_project_code(session: Session, ent: Enterprise) -> str:
    count = len(session.scalars(select(Project.id).where(Project.enterprise_id == ent.id)).all())
    return f"P{ent.uscc}-{count + 1:03d}"


def create_project(session: Session, who: Principal, data: ProjectCreate,
                   ref: ReferenceLookup | None = None) -> ProjectRead:
    access.require_write(who)
    ref = ref or ReferenceLookup(session)
    _raise_if([ref.check_region("region_code", data.region_code),
               ref.check_industry("industry_code", data.industry_code), *project_rules(data.model_dump())])
    owner = session.scalar(_enterprise_stmt(who).where(Enterprise.uscc == data.enterprise_uscc))
    if owner is None:
        raise ValidationFailed([FieldError("enterprise_uscc", "enterprise_exists", "业主企业不存在或无权访问",
                                           "owner enterprise not found")])
    if who.org_type == "enterprise" and who.org_uscc != owner.uscc:
        raise Forbidden()
    code = data.code or _next_project_code(session, owner)
    if session.scalar(select(Project.id).where(Project.code == code)):
        raise Conflict("code", "project_code_unique", f"项目编号 {code} 已存在", f"project code {code} exists")
    values = data.model_dump(exclude={"enterprise_uscc", "code"})
    values["capacity"] = {k: float(v) for k, v in values["capacity"].items()}
    project = Project(**values, code=code, enterprise_id=owner.id, created_by_org_id=who.organisation_id)
    session.add(project)
    session.flush()
    audit.record(session, who, "project.create", "project", project.code, None, snapshot(project))
    return _project_read(project, owner)


def _project_row(session: Session, who: Principal, code: str) -> tuple[Project, Enterprise]:
    stmt = access.scope_projects(select(Project, Enterprise).join(Enterprise, Project.enterprise_id == Enterprise.id),
                                 who).where(Project.code == code)
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound("项目", "project")
    return row[0], row[1]


def get_project(session: Session, who: Principal, code: str) -> ProjectRead:
    return _project_read(*_project_row(session, who, code))


def update_project(session: Session, who: Principal, code: str, data: ProjectUpdate) -> ProjectRead:
    access.require_write(who)
    project, owner = _project_row(session, who, code)
    if not access.can_edit_project(who, project, owner.uscc):
        raise NotFound("项目", "project")
    changes = data.model_dump(exclude_unset=True)
    if "capacity" in changes and changes["capacity"] is not None:
        changes["capacity"] = {k: float(v) for k, v in changes["capacity"].items()}
    merged = {**snapshot(project), **changes}
    _raise_if(list(project_rules(merged)))
    before = snapshot(project)
    for key, value in changes.items():
        setattr(project, key, value)
    session.flush()
    audit.record(session, who, "project.update", "project", project.code, before, snapshot(project))
    return _project_read(project, owner)


PROJECT_SORTS = {"name": Project.name, "code": Project.code, "total_investment_cny": Project.total_investment_cny,
                 "approved_on": Project.approved_on, "region_code": Project.region_code}


@dataclass
class ProjectFilter:
    q: str | None = None
    region_code: str | None = None
    industry_code: str | None = None
    enterprise_uscc: str | None = None


def list_projects(session: Session, who: Principal, f: ProjectFilter, *, sort: str | None = None,
                  page: int = 1, page_size: int = 20) -> Page[ProjectRead]:
    stmt = access.scope_projects(
        select(Project, Enterprise).join(Enterprise, Project.enterprise_id == Enterprise.id), who)
    if f.q:
        stmt = stmt.where(Project.name.contains(f.q) | Project.description_zh.contains(f.q) | (Project.code == f.q))
    if f.region_code:
        stmt = stmt.where(Project.region_code == f.region_code)
    if f.industry_code:
        stmt = stmt.where(_industry_prefix(Project.industry_code, f.industry_code))
    if f.enterprise_uscc:
        stmt = stmt.where(Enterprise.uscc == f.enterprise_uscc.upper())
    sorted_stmt = apply_sort(stmt, sort, PROJECT_SORTS, "-approved_on", Project.id)
    rows, total = paginate(session, sorted_stmt, stmt, page, page_size)
    return Page([_project_read(p, e) for p, e in rows], total, page, page_size)

"""Use cases for financial instruments: loans and bonds (scoped by the caller's organisation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lvrongtong.audit import service as audit
from lvrongtong.kit.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from lvrongtong.kit.pagination import Page, apply_sort, paginate
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.snapshot import snapshot
from lvrongtong.reference.service import ReferenceLookup
from lvrongtong.registry import access
from lvrongtong.registry.models import Bond, Enterprise, Instrument, Loan, Organisation, Project
from lvrongtong.registry.rules import bond_rules, loan_rules
from lvrongtong.registry.schemas import BondCreate, BondRead, LoanCreate, LoanRead, LoanUpdate
from lvrongtong.registry.service import _industry_prefix, _raise_if


def _holder(session: Session, who: Principal, requested: int | None, field: str) -> Organisation:
    holder_id = requested if requested is not None else who.organisation_id
    if holder_id is None:
        raise ValidationFailed([FieldError(field, "required", "必须指定持有机构", f"{field} is required")])
    org = session.get(Organisation, holder_id)
    if org is None or org.type not in access.HOLDER_TYPES:
        raise ValidationFailed([FieldError(field, "holder_is_financial_institution",
                                           "持有机构必须是已登记的金融机构",
                                           "the holder must be a registered financial institution")])
    if not access.can_hold(who, holder_id):
        raise Forbidden("只能登记本机构（含分支机构）的金融工具",
                        "you can only record instruments held by your own organisation")
    return org


def _counterparty(session: Session, uscc: str, field: str) -> Enterprise:
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if ent is None:
        raise ValidationFailed([FieldError(field, "enterprise_exists", f"企业 {uscc} 未登记，请先登记企业",
                                           f"enterprise {uscc} is not registered; register it first")])
    return ent


def _project_id(session: Session, code: str | None, owner: Enterprise) -> int | None:
    if not code:
        return None
    project = session.scalar(select(Project).where(Project.code == code))
    if project is None or project.enterprise_id != owner.id:
        raise ValidationFailed([FieldError("project_code", "project_of_borrower", f"项目 {code} 不存在或不属于该企业",
                                           f"project {code} does not exist or is not the counterparty's")])
    return project.id


def loan_read(loan: Loan, ent: Enterprise, org: Organisation) -> LoanRead:
    return LoanRead(
        id=loan.id, contract_no=loan.reference, borrower_uscc=ent.uscc, borrower_name=ent.name,
        lender_org_id=org.id, lender_name=org.name, project_id=loan.project_id, amount_cny=loan.amount_cny,
        balance_cny=loan.balance_cny, rate_pct=loan.rate_pct, currency=loan.currency,
        approved_on=loan.approved_on, disbursed_on=loan.disbursed_on, matures_on=loan.matures_on,
        purpose=loan.purpose, collateral=loan.collateral, region_code=loan.region_code,
        industry_code=loan.industry_code, declared_green=loan.declared_green,
        declared_transition=loan.declared_transition, carbon_reduction_tool=loan.carbon_reduction_tool,
    )


def create_loan(session: Session, who: Principal, data: LoanCreate, ref: ReferenceLookup | None = None) -> LoanRead:
    access.require_write(who)
    ref = ref or ReferenceLookup(session)
    values = data.model_dump()
    _raise_if([ref.check_region("region_code", data.region_code),
               ref.check_industry("industry_code", data.industry_code), *loan_rules(values)])
    lender = _holder(session, who, data.lender_org_id, "lender_org_id")
    borrower = _counterparty(session, data.borrower_uscc, "borrower_uscc")
    if session.scalar(select(Instrument.id).where(Instrument.holder_org_id == lender.id, Instrument.kind == "loan",
                                                  Instrument.reference == data.contract_no)):
        raise Conflict("contract_no", "contract_no_unique", f"本机构已存在合同编号 {data.contract_no}",
                       f"contract {data.contract_no} already exists for this lender")
    loan = Loan(
        reference=data.contract_no, holder_org_id=lender.id, counterparty_enterprise_id=borrower.id,
        project_id=_project_id(session, data.project_code, borrower), currency=data.currency,
        amount_cny=data.amount_cny, balance_cny=data.balance_cny, rate_pct=data.rate_pct,
        region_code=data.region_code or borrower.region_code,
        industry_code=data.industry_code or borrower.industry_code,
        declared_green=data.declared_green, declared_transition=data.declared_transition,
        purpose=data.purpose, approved_on=data.approved_on, disbursed_on=data.disbursed_on,
        matures_on=data.matures_on, collateral=data.collateral, carbon_reduction_tool=data.carbon_reduction_tool,
    )
    session.add(loan)
    session.flush()
    audit.record(session, who, "loan.create", "loan", loan.id, None, snapshot(loan))
    return loan_read(loan, borrower, lender)


def _loan_stmt(who: Principal) -> Select:
    stmt = (select(Loan, Enterprise, Organisation)
            .join(Enterprise, Loan.counterparty_enterprise_id == Enterprise.id)
            .join(Organisation, Loan.holder_org_id == Organisation.id))
    return access.scope_instruments(stmt, who)


def _loan_row(session: Session, who: Principal, loan_id: int) -> tuple[Loan, Enterprise, Organisation]:
    row = session.execute(_loan_stmt(who).where(Loan.id == loan_id)).first()
    if row is None:
        raise NotFound("贷款", "loan")
    return row[0], row[1], row[2]


def get_loan(session: Session, who: Principal, loan_id: int) -> LoanRead:
    access.require_instrument_list(who)
    return loan_read(*_loan_row(session, who, loan_id))


def update_loan(session: Session, who: Principal, loan_id: int, data: LoanUpdate) -> LoanRead:
    access.require_write(who)
    access.require_instrument_list(who)
    loan, ent, org = _loan_row(session, who, loan_id)
    if not access.can_hold(who, loan.holder_org_id):
        raise NotFound("贷款", "loan")
    changes = data.model_dump(exclude_unset=True)
    if "project_code" in changes:
        loan.project_id = _project_id(session, changes.pop("project_code"), ent)
    merged: dict[str, Any] = {**snapshot(loan), **changes}
    _raise_if(list(loan_rules(merged)))
    before = snapshot(loan)
    for key, value in changes.items():
        setattr(loan, key, value)
    session.flush()
    audit.record(session, who, "loan.update", "loan", loan.id, before, snapshot(loan))
    return loan_read(loan, ent, org)


def delete_loan(session: Session, who: Principal, loan_id: int) -> None:
    access.require_write(who)
    access.require_instrument_list(who)
    loan, _, _ = _loan_row(session, who, loan_id)
    if not access.can_hold(who, loan.holder_org_id):
        raise NotFound("贷款", "loan")
    before = snapshot(loan)
    session.delete(loan)
    session.flush()
    audit.record(session, who, "loan.delete", "loan", loan_id, before, None)


_LOAN = Loan.__table__
_INSTRUMENT = Instrument.__table__
LOAN_SORTS = {"approved_on": _LOAN.c.approved_on, "disbursed_on": _LOAN.c.disbursed_on,
              "matures_on": _LOAN.c.matures_on, "amount_cny": _INSTRUMENT.c.amount_cny,
              "balance_cny": _INSTRUMENT.c.balance_cny, "rate_pct": _INSTRUMENT.c.rate_pct,
              "contract_no": _INSTRUMENT.c.reference, "id": _LOAN.c.id}


@dataclass
class LoanFilter:
    q: str | None = None  # contract number or borrower name / USCC
    lender_org_id: int | None = None
    borrower_uscc: str | None = None
    region_code: str | None = None
    industry_code: str | None = None
    declared_green: bool | None = None
    declared_transition: bool | None = None
    carbon_reduction_tool: bool | None = None
    approved_from: date | None = None
    approved_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    project_id: int | None = None


def _loan_filters(stmt: Select, f: LoanFilter) -> Select:
    i, loan = _INSTRUMENT.c, _LOAN.c
    if f.q:
        q = f.q.strip()
        stmt = stmt.where((i.reference == q) | Enterprise.name.contains(q) | (Enterprise.uscc == q.upper()))
    if f.lender_org_id is not None:
        stmt = stmt.where(i.holder_org_id == f.lender_org_id)
    if f.borrower_uscc:
        stmt = stmt.where(Enterprise.uscc == f.borrower_uscc.upper())
    if f.region_code:
        stmt = stmt.where(i.region_code == f.region_code)
    if f.industry_code:
        stmt = stmt.where(_industry_prefix(i.industry_code, f.industry_code))
    if f.declared_green is not None:
        stmt = stmt.where(i.declared_green == f.declared_green)
    if f.declared_transition is not None:
        stmt = stmt.where(i.declared_transition == f.declared_transition)
    if f.carbon_reduction_tool is not None:
        stmt = stmt.where(loan.carbon_reduction_tool == f.carbon_reduction_tool)
    if f.approved_from:
        stmt = stmt.where(loan.approved_on >= f.approved_from)
    if f.approved_to:
        stmt = stmt.where(loan.approved_on <= f.approved_to)
    if f.amount_min is not None:
        stmt = stmt.where(i.amount_cny >= f.amount_min)
    if f.amount_max is not None:
        stmt = stmt.where(i.amount_cny <= f.amount_max)
    if f.project_id is not None:
        stmt = stmt.where(i.project_id == f.project_id)
    return stmt


def loan_query(who: Principal, f: LoanFilter) -> Select:
    """Full rows (loan, borrower, lender) in scope, filtered — for exports that stream everything."""
    access.require_instrument_list(who)
    return _loan_filters(_loan_stmt(who), f)




LOAN_TABLE_SORTS = {"approved_on", "disbursed_on", "matures_on"}


def _needs_loan_table(f: LoanFilter, sort: str | None) -> bool:
    keys = {p.strip().lstrip("-+") for p in (sort or "-approved_on").split(",") if p.strip()}
    loan_filters = (f.carbon_reduction_tool, f.approved_from, f.approved_to)
    return bool(keys & LOAN_TABLE_SORTS) or any(v is not None for v in loan_filters)


def _loan_ids(who: Principal, f: LoanFilter, with_loan_table: bool) -> Select:
    """Ids of the loans in scope that pass the filter, joining only the tables the query needs.

    Driving from ``loan`` lets ORDER BY ``approved_on`` walk its index instead of sorting the book;
    without loan-only filters or sorts, ``instrument`` alone (kind = 'loan') answers from its indexes.
    The borrower table is joined only for text / USCC filters.
    """
    if with_loan_table:
        stmt = select(_LOAN.c.id).select_from(_LOAN.join(_INSTRUMENT, _INSTRUMENT.c.id == _LOAN.c.id))
    else:
        stmt = select(_INSTRUMENT.c.id).where(_INSTRUMENT.c.kind == "loan")
    if f.q or f.borrower_uscc:
        stmt = stmt.join(Enterprise, Enterprise.id == _INSTRUMENT.c.counterparty_enterprise_id)
    return _loan_filters(access.scope_instruments(stmt, who), f)


def list_loans(session: Session, who: Principal, f: LoanFilter, *, sort: str | None = None, page: int = 1,
               page_size: int = 20) -> Page[LoanRead]:
    """One page in two steps: the page's ids from a narrow query, then the 20 full rows by id."""
    access.require_instrument_list(who)
    with_loan = _needs_loan_table(f, sort)
    ids = _loan_ids(who, f, with_loan)
    tiebreak = _LOAN.c.id if with_loan else _INSTRUMENT.c.id
    sorted_ids = apply_sort(ids, sort, LOAN_SORTS, "-approved_on", tiebreak)
    rows, total = paginate(session, sorted_ids, _loan_ids(who, f, with_loan_table=False) if not
                           (f.carbon_reduction_tool is not None or f.approved_from or f.approved_to) else ids,
                           page, page_size)
    page_ids = [r[0] for r in rows]
    if not page_ids:
        return Page([], total, page, page_size)
    full = {loan.id: (loan, ent, org) for loan, ent, org in session.execute(_loan_stmt(who).where(
        _LOAN.c.id.in_(page_ids)))}
    return Page([loan_read(*full[i]) for i in page_ids], total, page, page_size)


# Bonds -------------------------------------------------------------------------------------------

def bond_read(bond: Bond, ent: Enterprise, org: Organisation) -> BondRead:
    return BondRead(
        id=bond.id, bond_code=bond.reference, issuer_uscc=ent.uscc, issuer_name=ent.name, holder_org_id=org.id,
        holder_name=org.name, project_id=bond.project_id, bond_type=bond.bond_type, amount_cny=bond.amount_cny,
        balance_cny=bond.balance_cny, rate_pct=bond.rate_pct, currency=bond.currency,
        registered_on=bond.registered_on, issued_on=bond.issued_on, matures_on=bond.matures_on,
        declared_green=bond.declared_green, declared_transition=bond.declared_transition,
    )


def create_bond(session: Session, who: Principal, data: BondCreate) -> BondRead:
    access.require_write(who)
    _raise_if(list(bond_rules(data.model_dump())))
    holder = _holder(session, who, data.holder_org_id, "holder_org_id")
    issuer = _counterparty(session, data.issuer_uscc, "issuer_uscc")
    if session.scalar(select(Instrument.id).where(Instrument.holder_org_id == holder.id, Instrument.kind == "bond",
                                                  Instrument.reference == data.bond_code)):
        raise Conflict("bond_code", "bond_code_unique", f"本机构已持有债券 {data.bond_code}",
                       f"bond {data.bond_code} already recorded for this holder")
    bond = Bond(
        reference=data.bond_code, holder_org_id=holder.id, counterparty_enterprise_id=issuer.id,
        project_id=_project_id(session, data.project_code, issuer), currency=data.currency,
        amount_cny=data.amount_cny, balance_cny=data.balance_cny, rate_pct=data.rate_pct,
        region_code=issuer.region_code, industry_code=issuer.industry_code, declared_green=data.declared_green,
        declared_transition=data.declared_transition, bond_type=data.bond_type, registered_on=data.registered_on,
        issued_on=data.issued_on, matures_on=data.matures_on,
    )
    session.add(bond)
    session.flush()
    audit.record(session, who, "bond.create", "bond", bond.id, None, snapshot(bond))
    return bond_read(bond, issuer, holder)


def list_bonds(session: Session, who: Principal, *, q: str | None = None, sort: str | None = None, page: int = 1,
               page_size: int = 20) -> Page[BondRead]:
    access.require_instrument_list(who)
    stmt = access.scope_instruments(
        select(Bond, Enterprise, Organisation)
        .join(Enterprise, Bond.counterparty_enterprise_id == Enterprise.id)
        .join(Organisation, Bond.holder_org_id == Organisation.id), who)
    if q:
        stmt = stmt.where((Instrument.reference == q) | Enterprise.name.contains(q))
    sorted_stmt = apply_sort(stmt, sort, {"registered_on": Bond.registered_on, "amount_cny": Instrument.amount_cny,
                                          "bond_code": Instrument.reference}, "-registered_on", Instrument.id)
    rows, total = paginate(session, sorted_stmt, stmt.with_only_columns(Instrument.id), page, page_size)
    return Page([bond_read(*r) for r in rows], total, page, page_size)


def get_bond(session: Session, who: Principal, bond_id: int) -> BondRead:
    access.require_instrument_list(who)
    stmt = access.scope_instruments(
        select(Bond, Enterprise, Organisation)
        .join(Enterprise, Bond.counterparty_enterprise_id == Enterprise.id)
        .join(Organisation, Bond.holder_org_id == Organisation.id), who).where(Bond.id == bond_id)
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound("债券", "bond")
    return bond_read(row[0], row[1], row[2])

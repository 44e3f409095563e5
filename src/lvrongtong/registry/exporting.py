"""Export any master-data list (with the same filters and scope as the list) to .xlsx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from lvrongtong.kit.principal import Principal
from lvrongtong.kit.xlsx import write_xlsx
from lvrongtong.registry import instruments, service
from lvrongtong.registry.instruments import LoanFilter
from lvrongtong.registry.service import EnterpriseFilter, ProjectFilter

EXPORT_PAGE = 200


def _pages(fetch) -> Iterator[Any]:
    page = 1
    while True:
        result = fetch(page)
        yield from result.items
        if page >= result.pages:
            return
        page += 1


LOAN_COLUMNS = ["id", "contract_no", "borrower_uscc", "borrower_name", "lender_org_id", "lender_name", "amount_cny",
                "balance_cny", "rate_pct", "currency", "approved_on", "disbursed_on", "matures_on", "purpose",
                "collateral", "region_code", "industry_code", "declared_green", "declared_transition",
                "carbon_reduction_tool", "project_id"]
ENTERPRISE_COLUMNS = ["uscc", "name", "region_code", "industry_code", "size_class", "listed", "ets_covered",
                      "registered_capital_cny"]
PROJECT_COLUMNS = ["code", "name", "enterprise_uscc", "enterprise_name", "region_code", "address", "industry_code",
                   "total_investment_cny", "capacity", "description_zh", "approved_on", "starts_on", "ends_on"]
ORG_COLUMNS = ["id", "type", "subtype", "name", "uscc", "region_code", "parent_id"]
BOND_COLUMNS = ["id", "bond_code", "issuer_uscc", "issuer_name", "holder_org_id", "holder_name", "bond_type",
                "amount_cny", "balance_cny", "rate_pct", "currency", "registered_on", "issued_on", "matures_on",
                "declared_green", "declared_transition", "project_id"]


def _loan_rows(session: Session, who: Principal, f: LoanFilter, sort: str | None):
    """Stream straight from the query (no pagination round trips) for large books."""
    stmt = instruments.loan_query(who, f)
    from lvrongtong.kit.pagination import apply_sort

    stmt = apply_sort(stmt, sort, instruments.LOAN_SORTS, "-approved_on", instruments.Instrument.id)
    for loan, ent, org in session.execute(stmt.execution_options(yield_per=2000)):
        item = instruments.loan_read(loan, ent, org)
        yield [getattr(item, c) for c in LOAN_COLUMNS]
        session.expunge(loan)


def export_xlsx(session: Session, who: Principal, entity: str, filters: Any = None, sort: str | None = None) -> bytes:
    if entity == "loans":
        return write_xlsx("loans", LOAN_COLUMNS, _loan_rows(session, who, filters or LoanFilter(), sort))
    if entity == "enterprises":
        f = filters or EnterpriseFilter()
        rows = _pages(lambda p: service.list_enterprises(session, who, f, sort=sort, page=p, page_size=EXPORT_PAGE))
        return write_xlsx("enterprises", ENTERPRISE_COLUMNS, ([getattr(e, c) for c in ENTERPRISE_COLUMNS] for e in rows))
    if entity == "projects":
        f = filters or ProjectFilter()
        rows = _pages(lambda p: service.list_projects(session, who, f, sort=sort, page=p, page_size=EXPORT_PAGE))
        return write_xlsx("projects", PROJECT_COLUMNS,
                          ([str(v) if isinstance(v, dict) else v for v in (getattr(x, c) for c in PROJECT_COLUMNS)]
                           for x in rows))
    if entity == "bonds":
        q = (filters or {}).get("q") if isinstance(filters, dict) else None
        rows = _pages(lambda p: instruments.list_bonds(session, who, q=q, sort=sort, page=p, page_size=EXPORT_PAGE))
        return write_xlsx("bonds", BOND_COLUMNS, ([getattr(b, c) for c in BOND_COLUMNS] for b in rows))
    if entity == "organisations":
        rows = _pages(lambda p: service.list_organisations(session, who, **(filters or {}), sort=sort, page=p,
                                                           page_size=EXPORT_PAGE))
        return write_xlsx("organisations", ORG_COLUMNS, ([getattr(o, c) for c in ORG_COLUMNS] for o in rows))
    from lvrongtong.kit.errors import field_error

    raise field_error("entity", "export_entity_known", "可导出：loans / bonds / enterprises / projects / organisations",
                      "exportable: loans, bonds, enterprises, projects, organisations")

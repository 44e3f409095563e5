"""HTTP routes of the carbon engine: methods, factors, calculations with their trace, stored runs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lvrongtong.carbon import factors as factor_library
from lvrongtong.carbon import service
from lvrongtong.carbon.methods import REGISTRY, get_method
from lvrongtong.kit.errors import Forbidden
from lvrongtong.kit.pagination import check_page
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session

router = APIRouter(prefix="/api/v1/carbon", tags=["carbon"])


@router.get("/methods", summary="Every calculation method: inputs with units, outputs, formula, source")
def methods():
    return [m.describe() for m in REGISTRY.values()]


@router.get("/methods/{method_id}", summary="One calculation method")
def method(method_id: str):
    return get_method(method_id).describe()


def factor_dict(f) -> dict:
    return {"factor_id": f.factor_id, "quantity": f.quantity, "subject": f.subject, "region": f.region,
            "year": f.year, "value": format(f.value.normalize(), "f"), "unit": f.unit, "gas": f.gas, "scope": f.scope,
            "dataset_version": f.dataset_version, "valid_from": f.valid_from, "valid_to": f.valid_to,
            "document": f.document, "clause": f.clause, "source": f.source, "verification": f.verification,
            "note": f.note}


@router.get("/factors", summary="Search the factor library (text, quantity, verification), paginated")
def factors(q: str | None = None, quantity: str | None = None, verification: str | None = None, page: int = 1,
            page_size: int = 50, session: Session = Depends(get_session)):
    check_page(page, page_size)
    rows = factor_library.search(session, q, quantity, verification)
    start = (page - 1) * page_size
    return {"items": [factor_dict(f) for f in rows[start:start + page_size]], "total": len(rows), "page": page,
            "page_size": page_size}


@router.post("/calc/{method_id}", summary="Calculate; with store=true the run and its trace are kept and audited")
def calc(method_id: str, inputs: dict[str, Any] = Body(..., embed=True), store: bool = Body(False, embed=True),
         note: str = Body("", embed=True), who: Principal = Depends(current_principal),
         session: Session = Depends(get_session)):
    if not store:
        return service.calculate(session, method_id, inputs).as_dict()
    if not who.can_write():
        raise Forbidden()
    row = service.calculate_and_store(session, who, method_id, inputs, note=note)
    session.commit()
    return service.run_as_dict(row)


@router.get("/runs", summary="Stored calculation runs visible to the caller, newest first")
def runs(method_id: str | None = None, page: int = 1, page_size: int = 50,
         who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    rows, total = service.list_runs(session, who, method_id=method_id, page=page, page_size=page_size)
    return {"items": [service.run_as_dict(r) for r in rows], "total": total, "page": page, "page_size": page_size}


@router.get("/runs/{run_id}", summary="One stored run with its full trace")
def one_run(run_id: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return service.run_as_dict(service.get_run(session, who, run_id))


class ClaimCreate(BaseModel):
    project_code: str
    year: int = Field(ge=1990, le=2100)
    claimant_kind: str
    claimant_ref: str = Field(min_length=1, max_length=80)
    share: Decimal = Field(ge=0, le=1)
    basis: str = Field(min_length=1, max_length=200)
    co2_reduced_t: Decimal | None = Field(default=None, ge=0)
    energy_saved_tce: Decimal | None = Field(default=None, ge=0)


@router.get("/claims", summary="Benefit claims (no double counting) visible to the caller")
def list_claims(project_id: int | None = None, instrument_id: int | None = None, year: int | None = None,
                status: str | None = None, page: int = 1, page_size: int = 50,
                who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.carbon.claims import claim_dict, visible_claims

    rows, total = visible_claims(session, who, project_id=project_id, instrument_id=instrument_id, year=year,
                                 status=status, page=page, page_size=page_size)
    return {"items": [claim_dict(c) for c in rows], "total": total, "page": page, "page_size": page_size}


@router.post("/claims", summary="Register a claim on a project's benefit; 409 naming the competing claims "
                                "when the project would be claimed above 100 %")
def create_claim(body: ClaimCreate, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    from lvrongtong.carbon.claims import ClaimRequest, claim_dict, register
    from lvrongtong.registry import service as registry

    if not who.can_write():
        raise Forbidden()
    project = registry.get_project(session, who, body.project_code)
    instrument_id = None
    if body.claimant_kind == "instrument":
        instrument_id = _holdable_instrument(session, who, body.claimant_ref)
    claim = register(session, who, ClaimRequest(
        project.id, body.year, body.claimant_kind, body.claimant_ref, body.share, body.basis, instrument_id,
        who.organisation_id, body.energy_saved_tce, body.co2_reduced_t))
    session.commit()
    return claim_dict(claim)


def _holdable_instrument(session: Session, who: Principal, ref: str) -> int:
    from lvrongtong.kit.errors import field_error
    from lvrongtong.registry.access import can_hold
    from lvrongtong.registry.models import Instrument

    found = session.get(Instrument, int(ref)) if ref.isdigit() else None
    if found is None or not can_hold(who, found.holder_org_id):
        raise field_error("claimant_ref", "instrument_held", "认领方须为本机构持有的金融工具编号",
                          "claimant_ref must be the id of an instrument your organisation holds")
    return found.id


@router.post("/benefits/{year}", summary="Compute the benefits of every project with inputs and register the "
                                         "claims of every instrument financing them (regulator admin)")
def compute_benefits(year: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.carbon.benefits import compute_book

    if not (who.is_system or (who.org_type == "regulator" and who.is_admin())):
        raise Forbidden()
    report = compute_book(session, who, year)
    session.commit()
    return benefit_report_dict(report)


def benefit_report_dict(report) -> dict:
    return {"year": report.year, "projects_with_inputs": report.projects_with_inputs,
            "projects_without_inputs": report.projects_without_inputs, "projects_refused": report.projects_refused,
            "instruments": report.instruments, "accepted": report.accepted, "flagged": report.flagged,
            "refused": report.refused, "co2_reduced_t": format(report.co2_reduced_t, "f"),
            "energy_saved_tce": format(report.energy_saved_tce, "f")}


@router.get("/financed", summary="Financed emissions of the caller's book for a year (PCAF), with breakdowns")
def financed(year: int, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.carbon import financed_book

    return financed_book.summary(session, who, year)


@router.get("/financed/positions", summary="Drill-down: positions behind a financed-emissions figure")
def financed_positions(year: int, division: str | None = None, region: str | None = None, status: str | None = None,
                       page: int = 1, page_size: int = 50, who: Principal = Depends(current_principal),
                       session: Session = Depends(get_session)):
    from lvrongtong.carbon import financed_book

    return financed_book.positions(session, who, year, division=division, region=region, status=status, page=page,
                                   page_size=page_size)

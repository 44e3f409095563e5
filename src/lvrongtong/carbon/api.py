"""HTTP routes of the carbon engine: methods, factors, calculations with their trace, stored runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
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
            "year": f.year, "value": format(f.value.normalize(), "f"), "unit": f.unit, "gas": f.gas,
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

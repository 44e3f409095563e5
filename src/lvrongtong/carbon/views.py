"""Web pages of the carbon engine: methods, the factor library, calculator forms with the trace, stored runs."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from lvrongtong.carbon import factors as factor_library
from lvrongtong.carbon import service
from lvrongtong.carbon.methods import REGISTRY, get_method
from lvrongtong.kit.errors import AppError, Forbidden
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session
from lvrongtong.web.views import render

router = APIRouter(include_in_schema=False)
GROUPS = {"inventory": ("温室气体清单", "GHG inventory"), "benefit": ("项目环境效益", "Project benefits"),
          "footprint": ("产品碳足迹", "Product footprint"),
          "financed": ("投融资碳排放（PCAF）", "Financed emissions (PCAF)")}


@router.get("/carbon", response_class=HTMLResponse)
def carbon_home(request: Request, who: Principal = Depends(current_principal),
                session: Session = Depends(get_session)):
    runs, total = service.list_runs(session, who, page=1, page_size=10)
    return render(request, "carbon_home.html", who, methods=list(REGISTRY.values()), groups=GROUPS, runs=runs,
                  runs_total=total)


def _factor_filters(request: Request) -> tuple[str | None, str | None, str | None]:
    q = request.query_params
    return q.get("q") or None, q.get("quantity") or None, q.get("verification") or None


@router.get("/carbon/factors", response_class=HTMLResponse)
def factors_page(request: Request, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    rows = factor_library.search(session, *_factor_filters(request))
    quantities = sorted({f.quantity for f in factor_library.search(session)})
    return render(request, "carbon_factors.html", who, rows=rows, quantities=quantities, params=request.query_params)


@router.get("/carbon/factors.xlsx")
def factors_export(request: Request, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    from lvrongtong.carbon.api import factor_dict
    from lvrongtong.kit.xlsx import write_xlsx

    rows = [factor_dict(f) for f in factor_library.search(session, *_factor_filters(request))]
    columns = list(rows[0]) if rows else ["factor_id"]
    body = write_xlsx("factors", columns, ([r[c] for c in columns] for r in rows))
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="emission-factors.xlsx"'})


@router.get("/carbon/calc/{method_id}", response_class=HTMLResponse)
def calc_form(method_id: str, request: Request, who: Principal = Depends(current_principal)):
    method = get_method(method_id)
    values = {k: v for k, v in request.query_params.items() if v != ""} or {
        k: json.dumps(v, ensure_ascii=False, indent=1) if isinstance(v, dict) else str(v)
        for k, v in method.example.items()}
    return render(request, "carbon_calc.html", who, method=method, values=values, result=None, errors=[])


@router.post("/carbon/calc/{method_id}", response_class=HTMLResponse)
async def calc_submit(method_id: str, request: Request, who: Principal = Depends(current_principal),
                      session: Session = Depends(get_session)):
    method = get_method(method_id)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k not in ("store", "note") and str(v).strip() != ""}
    inputs = {}
    for spec in method.inputs:
        if spec.name in values:
            unit = str(form.get(f"{spec.name}__unit") or "")
            inputs[spec.name] = {"value": values[spec.name], "unit": unit} if unit and spec.unit else values[spec.name]
    values = {k: v for k, v in values.items() if not k.endswith("__unit")} | {
        k: str(v) for k, v in form.items() if k.endswith("__unit")}
    try:
        if form.get("store"):
            if not who.can_write():
                raise Forbidden()
            row = service.calculate_and_store(session, who, method_id, inputs, note=str(form.get("note") or ""))
            session.commit()
            body = service.run_as_dict(row)
        else:
            body = service.calculate(session, method_id, inputs).as_dict()
    except AppError as e:
        return render(request, "carbon_calc.html", who, status=e.status, method=method, values=values, result=None,
                      errors=e.details or [], error=e)
    return render(request, "carbon_calc.html", who, method=method, values=values, result=body, errors=[])


@router.get("/carbon/runs/{run_id}", response_class=HTMLResponse)
def run_page(run_id: int, request: Request, who: Principal = Depends(current_principal),
             session: Session = Depends(get_session)):
    body = service.run_as_dict(service.get_run(session, who, run_id))
    return render(request, "carbon_calc.html", who, method=get_method(body["method_id"]),
                  values={k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v)
                          for k, v in body["trace"]["inputs"].items()}, result=body, errors=[], stored=True)


@router.get("/carbon/financed", response_class=HTMLResponse)
def financed_page(request: Request, who: Principal = Depends(current_principal),
                  session: Session = Depends(get_session)):
    from lvrongtong.carbon import financed_book

    q = request.query_params
    year = int(q.get("year") or 2024) if (q.get("year") or "2024").isdigit() else 2024
    page = int(q.get("page") or 1) if (q.get("page") or "1").isdigit() else 1
    book = financed_book.load(session, who, year)
    data = financed_book.summary(session, who, year, book)
    rows = financed_book.positions(session, who, year, division=q.get("division") or None,
                                   region=q.get("region") or None, status=q.get("status") or None, page=page,
                                   page_size=20, lb=book)
    return render(request, "carbon_financed.html", who, data=data, rows=rows, year=year, params=q)


@router.get("/carbon/financed.xlsx")
def financed_export(request: Request, who: Principal = Depends(current_principal),
                    session: Session = Depends(get_session)):
    from lvrongtong.carbon import financed_book
    from lvrongtong.kit.xlsx import write_xlsx

    q = request.query_params
    year = int(q.get("year") or 2024)
    body = financed_book.positions(session, who, year, division=q.get("division") or None,
                                   region=q.get("region") or None, status=q.get("status") or None, page=1,
                                   page_size=10**7, export=True)
    columns = ["instrument_id", "kind", "reference", "counterparty", "division", "region", "balance_cny",
               "attribution_factor", "financed_emissions_tco2e", "data_quality_score", "status"]
    content = write_xlsx("financed", columns, ([r[c] for c in columns] for r in body["items"]))
    return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="financed-emissions-{year}.xlsx"'})

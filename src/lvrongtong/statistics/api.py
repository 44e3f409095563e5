"""HTTP routes and pages of the monitoring statistics: cube, drill-down, dashboard, Excel."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Q
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session
from lvrongtong.statistics import service
from lvrongtong.statistics.definitions import DIMENSIONS, MEASURES, Query

router = APIRouter(tags=["statistics"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(by: str, grain: str, period_from: str | None, period_to: str | None, request: Request) -> Query:
    where = {d: [v for v in request.query_params.getlist(d) if v] for d in DIMENSIONS
             if request.query_params.get(d)}
    return Query(by=[b.strip() for b in by.split(",") if b.strip()], grain=grain, period_from=period_from or None,
                 period_to=period_to or None, where=where)


def _settings(request: Request):
    return request.app.state.runtime.settings


@router.get("/api/v1/statistics/dimensions", summary="Dimensions, measures (with formulas) and time grains")
def dimensions():
    return {"dimensions": service.dimension_catalogue(),
            "measures": [{"name": m.name, "kind": m.kind, "zh": m.zh, "en": m.en, "unit": m.unit,
                          "formula": m.formula} for m in MEASURES.values()], "grains": ["month", "quarter", "year"]}


@router.get("/api/v1/statistics/cube", summary="The monitoring cube: every measure by the chosen dimensions and "
                                                "time grain. Filter with ?<dimension>=value (repeatable).")
def cube(request: Request, by: str = "", grain: str = "month", period_from: str | None = Q(None, alias="from"),
         period_to: str | None = Q(None, alias="to"), who: Principal = Depends(current_principal),
         session: Session = Depends(get_session)):
    return service.build(session, who, _settings(request), _query(by, grain, period_from, period_to, request)).as_dict()


@router.get("/api/v1/statistics/cube.xlsx", summary="The same cube as Excel")
def cube_xlsx(request: Request, by: str = "", grain: str = "month", period_from: str | None = Q(None, alias="from"),
              period_to: str | None = Q(None, alias="to"), who: Principal = Depends(current_principal),
              session: Session = Depends(get_session)):
    result = service.build(session, who, _settings(request), _query(by, grain, period_from, period_to, request))
    return Response(service.cube_xlsx(result), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="lvrongtong-cube.xlsx"'})


@router.get("/api/v1/statistics/drill", summary="The loans behind one cell (cell_<dimension>=value, t=time key); "
                                                 "regulator: all, bank: its own, government: refused")
def drill(request: Request, t: str, by: str = "", grain: str = "month", measure: str = "balance_cny",
          page: int = 1, page_size: int = 50, who: Principal = Depends(current_principal),
          session: Session = Depends(get_session)):
    cell = {k[5:]: v for k, v in request.query_params.items() if k.startswith("cell_")}
    items, total = service.drill(session, who, _settings(request), _query(by, grain, None, None, request), cell, t,
                                 measure, page, page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.get("/api/v1/statistics/drill.xlsx", summary="The loans behind one cell as Excel (up to 100,000 rows)")
def drill_xlsx(request: Request, t: str, by: str = "", grain: str = "month", measure: str = "balance_cny",
               who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.kit.xlsx import write_xlsx
    from lvrongtong.reporting.fields import FIELDS

    cell = {k[5:]: v for k, v in request.query_params.items() if k.startswith("cell_")}
    query = _query(by, grain, None, None, request)
    rows: list[dict] = []
    for page in range(1, 501):
        items, total = service.drill(session, who, _settings(request), query, cell, t, measure, page, 200)
        rows += items
        if page * 200 >= total:
            break
    names = ["institution_id", "period"] + [f.name for f in FIELDS] + ["green_type", "catalogue_applied"]
    heads = ["机构 institution_id", "报告期 period"] + [f"{f.header_zh} {f.name}" for f in FIELDS] + \
        ["类型 green_type", "适用目录 catalogue_applied"]
    body = write_xlsx("明细 Loans", heads, ([r.get(n) for n in names] for r in rows),
                      [("cell", f"t={t} " + " ".join(f"{k}={v}" for k, v in cell.items()))])
    return Response(body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="cell-loans.xlsx"'})


# --- pages ------------------------------------------------------------------------------------------------

@router.get("/statistics", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.web.views import render

    settings = _settings(request)
    trend, totals = (c.cells for c in service.build_many(session, who, settings, [Query(by=["green_type"]), Query()]))
    latest = totals[-1]["t"] if totals else None
    data = {"trend": trend, "totals": totals, "latest": latest, "levels": [], "districts": [], "institutions": []}
    if latest:
        one = {"period_from": latest, "period_to": latest}
        levels, districts, institutions = service.build_many(session, who, settings, [
            Query(by=["level1", "level2"], **one, where={"green_type": ["green"]}),
            Query(by=["district"], **one), Query(by=["institution"], **one)])

        def by_green(cube):
            return sorted(cube.cells, key=lambda c: -float(c["green_balance_cny"] or 0))

        data.update(levels=levels.cells, districts=by_green(districts), institutions=by_green(institutions))
    return render(request, "statistics.html", who, data=data, drill_ok=who.org_type not in service.AGGREGATE_ONLY)


@router.get("/statistics/cube", response_class=HTMLResponse, include_in_schema=False)
def cube_page(request: Request, by: str = "level1", grain: str = "month",
              period_from: str | None = Q(None, alias="from"), period_to: str | None = Q(None, alias="to"),
              who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.kit.errors import AppError
    from lvrongtong.web.views import render

    query = _query(by, grain, period_from, period_to, request)
    error, result = None, None
    try:
        result = service.build(session, who, _settings(request), query)
    except AppError as e:
        error = e
    params = dict(request.query_params)

    def drill_link(cell) -> str:
        args = {"by": ",".join(query.by), "grain": query.grain, "t": cell["t"],
                **{f"cell_{d}": cell[d] for d in query.by}}
        return "/statistics/drill?" + urlencode(args)

    return render(request, "statistics_cube.html", who, status=error.status if error else 200, error=error,
                  result=result, query=query, params=params, dims=DIMENSIONS, measures=MEASURES,
                  drill_link=drill_link, drill_ok=who.org_type not in service.AGGREGATE_ONLY,
                  export="/api/v1/statistics/cube.xlsx?" + str(request.url.query))


@router.get("/statistics/drill", response_class=HTMLResponse, include_in_schema=False)
def drill_page(request: Request, t: str, by: str = "", grain: str = "month", measure: str = "balance_cny",
               page: int = 1, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.web.views import render

    cell = {k[5:]: v for k, v in request.query_params.items() if k.startswith("cell_")}
    items, total = service.drill(session, who, _settings(request), _query(by, grain, None, None, request), cell, t,
                                 measure, page, 50)
    params = dict(request.query_params)

    def qs(**kw):
        return urlencode({**params, **kw})

    return render(request, "statistics_drill.html", who, items=items, total=total, page_no=page,
                  pages=max(1, -(-total // 50)), qs=qs, cell=cell, t=t, measure=measure)

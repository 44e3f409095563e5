"""Web pages of carbon accounts: the list (or aggregates for regulators) and one account's profile."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from lvrongtong.accounts import access, service
from lvrongtong.accounts.profile import profile
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session
from lvrongtong.web.views import render

router = APIRouter(include_in_schema=False)


def _period(request: Request) -> str:
    return request.query_params.get("period") or str(datetime.now(UTC).year - 1)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_home(request: Request, who: Principal = Depends(current_principal),
                  session: Session = Depends(get_session)):
    period = _period(request)
    min_sample = request.app.state.runtime.settings.accounts_benchmark_min_sample
    agg = None
    if who.is_system or who.org_type in access.AGGREGATE_READERS:
        agg = service.aggregates(session, who, period, min_sample=min_sample)
        session.commit()
    return render(request, "accounts.html", who, period=period, accounts=service.visible_accounts(session, who),
                  agg=agg)


@router.get("/accounts/{uscc}", response_class=HTMLResponse)
def account_page(uscc: str, request: Request, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    period = _period(request)
    settings = request.app.state.runtime.settings
    data = profile(session, who, uscc, period, min_sample=settings.accounts_benchmark_min_sample,
                   schemes_file=settings.accounts_rating_file)
    if data["summary"]["access"] in ("owner", "system") and len(period) == 4:
        from lvrongtong.accounts import supply_chain

        data["scope3"] = supply_chain.scope3_category1(session, who, uscc, period)
    session.commit()
    return render(request, "account_detail.html", who, period=period, p=data, s=data["summary"])


@router.get("/accounts/{uscc}/assets", response_class=HTMLResponse)
def assets_page(uscc: str, request: Request, who: Principal = Depends(current_principal),
                session: Session = Depends(get_session)):
    from lvrongtong.accounts import assets

    report = assets.holdings(session, who, uscc)
    session.commit()
    return render(request, "account_assets.html", who, r=report, period=_period(request))

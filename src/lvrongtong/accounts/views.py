"""Web pages of carbon accounts: the list (or aggregates for regulators) and one account's profile."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from lvrongtong.accounts import access, service
from lvrongtong.accounts.profile import profile
from lvrongtong.kit.errors import AppError, FieldError, ValidationFailed
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


def _can_edit(who: Principal, uscc: str) -> bool:
    """The forms are shown to whoever the services let write: the enterprise (operator / admin) or the system."""
    try:
        access.require_owner_write(who, uscc.upper())
    except AppError:
        return False
    return True


def _form_values(form) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items()}


def _parse(values: dict[str, str], name: str, convert, rule: str, zh: str, en: str, problems: list[FieldError],
           *, required: bool = True):
    """One form field converted; a bad or missing one adds its (field, rule) error and gives None."""
    text = values.get(name, "")
    if not text:
        if required:
            problems.append(FieldError(name, "required", f"{zh}不能为空", f"{en} is required"))
        return None
    try:
        return convert(text)
    except (ValueError, InvalidOperation):
        problems.append(FieldError(name, rule, f"{zh}格式不正确", f"{en} is not a valid {rule}"))
        return None


def _account_context(request: Request, who: Principal, session: Session, uscc: str) -> dict:
    period = _period(request)
    settings = request.app.state.runtime.settings
    data = profile(session, who, uscc, period, min_sample=settings.accounts_benchmark_min_sample,
                   schemes_file=settings.accounts_rating_file)
    if data["summary"]["access"] in ("owner", "system") and len(period) == 4:
        from lvrongtong.accounts import supply_chain

        data["scope3"] = supply_chain.scope3_category1(session, who, uscc, period)
    return {"period": period, "p": data, "s": data["summary"], "can_edit": _can_edit(who, uscc)}


@router.get("/accounts/{uscc}", response_class=HTMLResponse)
def account_page(uscc: str, request: Request, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    ctx = _account_context(request, who, session, uscc)
    session.commit()
    return render(request, "account_detail.html", who, **ctx)


def _purchase_from_form(values: dict[str, str]):
    from lvrongtong.accounts.supply_chain import PurchaseIn

    problems: list[FieldError] = []
    value = _parse(values, "purchased_value_cny", Decimal, "number", "采购金额", "purchased_value_cny", problems)
    quantity = _parse(values, "purchased_quantity", Decimal, "number", "采购数量", "purchased_quantity", problems,
                      required=False)
    if problems:
        raise ValidationFailed(problems)
    return PurchaseIn(values.get("supplier_uscc", ""), values.get("period", ""), value, quantity,
                      values.get("purchased_unit", ""), values.get("goods", ""))


@router.post("/accounts/{uscc}/suppliers", response_class=HTMLResponse)
async def supplier_post(uscc: str, request: Request, who: Principal = Depends(current_principal),
                        session: Session = Depends(get_session)):
    """The enterprise records what it bought from a supplier in a year (the form on the account page)."""
    from lvrongtong.accounts import supply_chain

    access.require_owner_write(who, uscc.upper())  # a bank gets "not found" before anything is read
    values = _form_values(await request.form())
    try:
        row = supply_chain.set_purchase(session, who, uscc, _purchase_from_form(values))
        session.commit()
        return RedirectResponse(f"/accounts/{uscc}?period={row.period}#scope3", status_code=303)
    except ValidationFailed as e:
        session.rollback()
        ctx = _account_context(request, who, session, uscc)
        session.commit()
        return render(request, "account_detail.html", who, status=e.status, supplier_error=e,
                      supplier_form=values, **ctx)


@router.get("/accounts/{uscc}/assets", response_class=HTMLResponse)
def assets_page(uscc: str, request: Request, who: Principal = Depends(current_principal),
                session: Session = Depends(get_session)):
    from lvrongtong.accounts import assets

    report = assets.holdings(session, who, uscc)
    session.commit()
    return render(request, "account_assets.html", who, r=report, period=_period(request),
                  can_edit=_can_edit(who, uscc), move_kinds=_move_kinds(), form={})


def _move_kinds() -> list[tuple[str, str]]:
    from lvrongtong.accounts.asset_rules import KIND_ZH, MOVES

    kinds = dict.fromkeys(k for moves in MOVES.values() for k in moves)
    return [(k, KIND_ZH[k]) for k in kinds]


def _transaction_from_form(values: dict[str, str]):
    from lvrongtong.accounts.assets import TransactionIn

    problems: list[FieldError] = []
    asset_id = _parse(values, "asset_id", int, "integer", "资产", "asset_id", problems)
    occurred_on = _parse(values, "occurred_on", date.fromisoformat, "date", "日期", "occurred_on", problems)
    quantity = _parse(values, "quantity_tco2e", Decimal, "number", "数量", "quantity_tco2e", problems)
    price = _parse(values, "price_cny", Decimal, "number", "价格", "price_cny", problems, required=False)
    if not values.get("kind"):
        problems.append(FieldError("kind", "required", "交易类型不能为空", "kind is required"))
    if problems:
        raise ValidationFailed(problems)
    return asset_id, TransactionIn(occurred_on, values["kind"], quantity, price, values.get("counterparty", ""),
                                   values.get("reference", ""), values.get("note", ""))


@router.post("/accounts/{uscc}/assets/transactions", response_class=HTMLResponse)
async def transaction_post(uscc: str, request: Request, who: Principal = Depends(current_principal),
                           session: Session = Depends(get_session)):
    """The enterprise records an asset transaction (the form on the asset page); every rule is shown on the page."""
    from lvrongtong.accounts import assets

    access.require_owner_write(who, uscc.upper())  # a bank gets "not found" before anything is read
    values = _form_values(await request.form())
    try:
        asset_id, item = _transaction_from_form(values)
        assets.add_transaction(session, who, uscc, asset_id, item)
        session.commit()
        return RedirectResponse(f"/accounts/{uscc}/assets?period={_period(request)}#asset-{asset_id}",
                                status_code=303)
    except ValidationFailed as e:
        session.rollback()
        report = assets.holdings(session, who, uscc)
        session.commit()
        return render(request, "account_assets.html", who, status=e.status, r=report, period=_period(request),
                      can_edit=True, move_kinds=_move_kinds(), error=e, form=values)

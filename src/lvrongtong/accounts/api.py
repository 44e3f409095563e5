"""HTTP routes of carbon accounts under /api/v1/accounts."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lvrongtong.accounts import activity, assets, service
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])


class ActivityCreate(BaseModel):
    kind: str = Field(description="electricity / fuel / heat")
    carrier: str = Field("", description="fuel name as in the factor library, e.g. 天然气, 柴油")
    quantity: Decimal = Field(ge=0)
    unit: str = Field(description="kWh, MWh, m3, 万Nm3, t, GJ …")
    starts_on: date
    ends_on: date
    source: str = Field("manual", description="manual / bill (xlsx and device are set by the platform)")
    source_ref: str = Field("", max_length=120)
    note: str = ""


class PeriodValues(BaseModel):
    output_value_cny: Decimal | None = Field(None, ge=0, description="工业总产值 (CNY)")
    value_added_cny: Decimal | None = Field(None, ge=0, description="增加值, income method (CNY)")
    tax_cny: Decimal | None = Field(None, ge=0, description="税收 (CNY)")
    product_quantity: Decimal | None = Field(None, ge=0)
    product_unit: str | None = None


class ConsentCreate(BaseModel):
    grantee_org_id: int
    scope: list[str] = Field(description="inventory, indicators, rating, activity, devices, assets (to a bank, "
                                         "insurer or fund); supply_chain alone (to a buying enterprise)")
    expires_on: date
    purpose: str = Field("", max_length=200)


class AssetCreate(BaseModel):
    kind: str = Field(description="allowance / ccer / certified_reduction")
    code: str = Field(max_length=60, description="e.g. CEA-2023-2024, CCER-<project>-<vintage>")
    name: str = Field("", max_length=200)
    market: str = Field("", max_length=60, description="全国碳市场, 重庆碳市场, CCER registry …")
    compliance_period: str = Field("", max_length=16, description="allowances: 2023 or 2023-2024")
    vintage: int | None = Field(None, description="reductions: the year they were made")
    project_ref: str = Field("", max_length=120)


class TransactionCreate(BaseModel):
    occurred_on: date
    kind: str = Field(description="allocated / issued / purchased / sold / surrendered / retired")
    quantity_tco2e: Decimal
    price_cny: Decimal | None = Field(None, description="CNY per tCO2e; required for purchased / sold")
    counterparty: str = Field("", max_length=200)
    reference: str = Field("", max_length=120, description="serial range or trade / registry reference")
    note: str = ""


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _settings(request: Request):
    s = request.app.state.runtime.settings
    return {"min_sample": s.accounts_benchmark_min_sample, "schemes_file": s.accounts_rating_file}


@router.get("", summary="Accounts the caller may open (own / under live consent / all for the system)")
def list_accounts(who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return {"items": service.visible_accounts(session, who)}


@router.get("/aggregates", summary="Regulator / government: totals by GB/T 4754 division (small groups merged)")
def aggregates(period: str, request: Request, who: Principal = Depends(current_principal),
               session: Session = Depends(get_session)):
    out = service.aggregates(session, who, period, min_sample=_settings(request)["min_sample"])
    session.commit()
    return out


@router.post("/{uscc}", status_code=201, summary="Open the enterprise's carbon account (idempotent)")
def open_account(uscc: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    account = service.open_account(session, who, uscc)
    session.commit()
    return {"id": account.id, "uscc": uscc.upper()}


@router.get("/{uscc}", summary="Inventory, indicators, benchmark, rating and reasons for a period")
def show(uscc: str, period: str, request: Request, who: Principal = Depends(current_principal),
         session: Session = Depends(get_session)):
    out = service.view(session, who, uscc, period, **_settings(request))
    session.commit()  # a read under consent is audited
    return out


@router.get("/{uscc}/activity", summary="Activity records of a period (owner, or consent scope 'activity')")
def list_activity(uscc: str, period: str, who: Principal = Depends(current_principal),
                  session: Session = Depends(get_session)):
    from lvrongtong.accounts.rules import parse_period

    opened, _ = service.for_read(session, who, uscc, "activity")
    p = parse_period(period)
    return {"items": [activity.as_dict(r) for r in activity.records_in(session, opened.account.id, p.starts_on,
                                                                       p.ends_on)]}


@router.post("/{uscc}/activity", status_code=201, summary="Add one activity record (checked by the carbon engine)")
def add_activity(uscc: str, body: ActivityCreate, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    row = service.add_activity(session, who, uscc, activity.ActivityIn(**body.model_dump()))
    session.commit()
    return activity.as_dict(row)


@router.post("/{uscc}/activity/import", summary="Import activity rows from .xlsx / .csv; a row-by-row report")
async def import_activity(uscc: str, file: UploadFile = File(...), who: Principal = Depends(current_principal),
                          session: Session = Depends(get_session)):
    content = await file.read()
    out = service.import_activity(session, who, uscc, file.filename or "upload.xlsx", content)
    session.commit()
    return out


@router.put("/{uscc}/periods/{period}", summary="Set a period's output value, value added, tax, product output")
def set_period(uscc: str, period: str, body: PeriodValues, who: Principal = Depends(current_principal),
               session: Session = Depends(get_session)):
    service.set_denominators(session, who, uscc, period, body.model_dump(exclude_none=True))
    session.commit()
    return {"uscc": uscc.upper(), "period": period}


@router.post("/{uscc}/periods/{period}/compute", summary="Compute and store the period's inventory (and months)")
def compute(uscc: str, period: str, request: Request, who: Principal = Depends(current_principal),
            session: Session = Depends(get_session)):
    service.compute_period(session, who, uscc, period)
    session.commit()
    return service.view(session, who, uscc, period, **_settings(request))


@router.get("/{uscc}/consents", summary="The enterprise's consents (owner only)")
def list_consents(uscc: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return {"items": [service.consent_dict(c) for c in service.consents(session, who, uscc)]}


@router.post("/{uscc}/consents", status_code=201, summary="Grant a bank access to parts of the account until a date")
def grant(uscc: str, body: ConsentCreate, who: Principal = Depends(current_principal),
          session: Session = Depends(get_session)):
    consent = service.grant_consent(session, who, uscc, body.grantee_org_id, body.scope, body.expires_on,
                                    body.purpose)
    session.commit()
    return service.consent_dict(consent)


@router.delete("/{uscc}/consents/{consent_id}", summary="Withdraw a consent (effective at once)")
def withdraw(uscc: str, consent_id: int, who: Principal = Depends(current_principal),
             session: Session = Depends(get_session)):
    consent = service.withdraw_consent(session, who, uscc, consent_id)
    session.commit()
    return service.consent_dict(consent)


@router.get("/{uscc}/assets", summary="Carbon assets with transactions and balances (owner, or consent scope 'assets')")
def list_assets(uscc: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    out = assets.holdings(session, who, uscc)
    session.commit()  # a read under consent is audited
    return out


@router.get("/{uscc}/assets.xlsx", summary="The carbon asset report as Excel (summary + transactions)")
def assets_xlsx(uscc: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    report = assets.holdings(session, who, uscc)
    session.commit()
    return Response(assets.report_xlsx(report), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="carbon-assets-{report["uscc"]}.xlsx"'})


@router.post("/{uscc}/assets", status_code=201, summary="Add an allowance holding or a CCER / certified reduction lot")
def add_asset(uscc: str, body: AssetCreate, who: Principal = Depends(current_principal),
              session: Session = Depends(get_session)):
    asset = assets.add_asset(session, who, uscc, assets.AssetIn(**body.model_dump()))
    session.commit()
    return assets.asset_dict(asset)


@router.post("/{uscc}/assets/{asset_id}/transactions", status_code=201,
             summary="Record a transaction (no negative balance, surrender within holdings, price for trades)")
def add_transaction(uscc: str, asset_id: int, body: TransactionCreate, who: Principal = Depends(current_principal),
                    session: Session = Depends(get_session)):
    row = assets.add_transaction(session, who, uscc, asset_id, assets.TransactionIn(**body.model_dump()))
    session.commit()
    return assets.transaction_dict(row)


def _document(report: dict, fmt: str) -> Response:
    from lvrongtong.accounts import documents

    if fmt == "pdf":
        return Response(documents.render_pdf(report), media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{documents.filename(report, "pdf")}"'})
    if fmt == "html":
        return Response(documents.render_html(report), media_type="text/html; charset=utf-8")
    if fmt == "json":
        return Response(json.dumps({k: v for k, v in report.items() if k != "charts"}, ensure_ascii=False,
                                   default=str), media_type="application/json")
    from lvrongtong.kit.errors import field_error

    raise field_error("format", "format_known", "format 应为 html、pdf 或 json", "format must be html, pdf or json")


@router.get("/{uscc}/reports/credit", summary="Carbon credit report (碳信用报告) as HTML, PDF or JSON")
def credit_report(uscc: str, period: str, request: Request, format: str = "html",
                  who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.accounts import reports

    report = reports.credit_report(session, who, uscc, period, **_settings(request))
    session.commit()  # reads under consent are audited
    return _document(report, format)


@router.get("/{uscc}/reports/benefit",
            summary="Environmental benefit evaluation: baseline period vs post period of a measure (HTML, PDF, JSON)")
def benefit_report(uscc: str, baseline: str, post: str, request: Request, measure: str = "", format: str = "html",
                   who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.accounts import reports

    report = reports.benefit_evaluation(session, who, uscc, baseline, post, measure[:200], **_settings(request))
    session.commit()
    return _document(report, format)


class PurchaseSet(BaseModel):
    supplier_uscc: str = Field(description="the supplier's unified social credit code")
    purchased_value_cny: Decimal = Field(description="what the buyer paid this supplier in the year (CNY)")
    purchased_quantity: Decimal | None = Field(None, description="optional: quantity, in the supplier's product unit")
    purchased_unit: str = Field("", max_length=16)
    goods: str = Field("", max_length=200)


@router.put("/{uscc}/suppliers/{period}", summary="Record what the buyer bought from one supplier in a year")
def set_supplier(uscc: str, period: str, body: PurchaseSet, who: Principal = Depends(current_principal),
                 session: Session = Depends(get_session)):
    from lvrongtong.accounts import supply_chain

    row = supply_chain.set_purchase(session, who, uscc, supply_chain.PurchaseIn(period=period, **body.model_dump()))
    session.commit()
    return supply_chain.purchase_dict(row)


@router.get("/{uscc}/scope3", summary="Scope 3 category 1 from suppliers that shared their account (owner only)")
def scope3(uscc: str, period: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.accounts import supply_chain

    out = supply_chain.scope3_category1(session, who, uscc, period)
    session.commit()  # each supplier read is audited
    return out

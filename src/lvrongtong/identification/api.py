"""HTTP routes and the page of the identification engine."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lvrongtong.identification import engine
from lvrongtong.kit.errors import AppError
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session

router = APIRouter(tags=["identification"])


class IdentifyIn(BaseModel):
    text: str = Field(max_length=20000, description="name, purpose and description of the project or loan (Chinese)")
    industry_code: str | None = Field(default=None, description="GB/T 4754-2017 code")
    approved_on: date | None = Field(default=None, description="approval (loan) or registration (bond) date")
    kind: str = "loan"


@router.post("/api/v1/identification/identify", summary="Identify one description against the catalogue that "
                                                         "applies: decision, candidates with evidence, explanation")
def identify(body: IdentifyIn, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return engine.identify(session, engine.Request(body.text, body.industry_code, body.approved_on, body.kind))


@router.api_route("/identification", methods=["GET", "POST"], response_class=HTMLResponse, include_in_schema=False)
async def page(request: Request, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    from lvrongtong.web.views import render

    form = await request.form() if request.method == "POST" else {}
    result, error = None, None
    if form:
        try:
            on = date.fromisoformat(str(form.get("approved_on"))) if form.get("approved_on") else None
            result = engine.identify(session, engine.Request(str(form.get("text") or ""),
                                                             str(form.get("industry_code") or "") or None, on,
                                                             str(form.get("kind") or "loan")))
        except ValueError:
            error = AppError("validation_failed", "审批日期格式应为 YYYY-MM-DD", "approved_on must be YYYY-MM-DD", 422)
        except AppError as e:
            error = e
    return render(request, "identification.html", who, status=error.status if error else 200, form=form,
                  result=result, error=error)

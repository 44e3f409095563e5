"""HTTP routes of devices under /api/v1/iot: registry, batched ingestion, status, quarantine, roll-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lvrongtong.iot import service
from lvrongtong.iot.ingest import ingest
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session

router = APIRouter(prefix="/api/v1/iot", tags=["iot"])


class DeviceCreate(BaseModel):
    suffix: str = Field(description="the device's id within the enterprise, e.g. EM-0001")
    quantity: str = Field(description="electricity (kWh) / natural_gas (m3) / diesel (t) / heat (GJ)")
    site: str = ""
    name: str = ""
    prefix: str | None = Field(None, description="identifier prefix; default LVRT.<USCC>")
    interval_seconds: int = 900


class Rollup(BaseModel):
    starts_on: date
    ends_on: date


@router.post("/readings", summary="Batched readings from devices; each envelope authenticates with its device key")
def post_readings(devices: list[dict[str, Any]] = Body(..., embed=True, max_length=1000),
                  session: Session = Depends(get_session)):
    result = ingest(session, devices, "http")
    session.commit()
    return result.as_dict()


@router.get("/enterprises/{uscc}/devices", summary="The enterprise's devices with status and alerts (owner)")
def devices(uscc: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return {"items": service.list_devices(session, who, uscc)}


@router.post("/enterprises/{uscc}/devices", status_code=201,
             summary="Register a device; the answer holds its secret key, shown once")
def register(uscc: str, body: DeviceCreate, who: Principal = Depends(current_principal),
             session: Session = Depends(get_session)):
    device, secret = service.register_device(session, who, uscc, body.suffix, body.quantity, site=body.site,
                                             name=body.name, prefix=body.prefix,
                                             interval_seconds=body.interval_seconds)
    session.commit()
    return {**service.device_dict(device), "key": secret}


@router.get("/enterprises/{uscc}/quarantine", summary="Quarantined readings of the enterprise's devices, newest first")
def quarantined(uscc: str, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    return {"items": service.quarantine(session, who, uscc)}


@router.post("/enterprises/{uscc}/rollup", summary="Roll device readings up into account activity by month")
def rollup(uscc: str, body: Rollup, who: Principal = Depends(current_principal),
           session: Session = Depends(get_session)):
    out = service.rollup(session, who, uscc, body.starts_on, body.ends_on)
    session.commit()
    return out

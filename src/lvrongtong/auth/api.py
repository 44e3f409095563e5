"""HTTP routes for authentication: tokens for people, API keys for machines."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lvrongtong.auth import service
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class ApiKeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    roles: list[str] = Field(default_factory=lambda: ["viewer"])
    organisation_id: int | None = None


class UserRequest(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(min_length=10, max_length=200)
    roles: list[str]
    display_name: str = ""
    organisation_id: int | None = None


@router.post("/token", summary="Exchange username and password for a bearer token")
def token(data: TokenRequest, request: Request, session: Session = Depends(get_session)):
    user = service.authenticate(session, data.username, data.password)
    secret, expires = service.issue_token(session, user, request.app.state.runtime.settings.token_ttl_hours)
    session.commit()
    return {"access_token": secret, "token_type": "bearer", "expires_at": expires.isoformat()}


@router.get("/me", summary="Who the caller is: organisation, type, roles")
def me(who: Principal = Depends(current_principal)):
    return {"actor": who.actor, "organisation_id": who.organisation_id, "org_type": who.org_type,
            "roles": sorted(who.roles), "display_name": who.display_name}


@router.post("/api-keys", status_code=201, summary="Create an API key for the caller's organisation (admin)")
def create_api_key(data: ApiKeyRequest, who: Principal = Depends(current_principal),
                   session: Session = Depends(get_session)):
    org_id = data.organisation_id or who.organisation_id
    secret, key = service.create_api_key(session, who, org_id, data.name, data.roles)  # type: ignore[arg-type]
    session.commit()
    return {"id": key.id, "api_key": secret, "prefix": key.prefix, "roles": key.roles,
            "organisation_id": key.organisation_id, "note": "shown once; store it safely / 仅显示一次，请妥善保存"}


@router.post("/users", status_code=201, summary="Create a user in the caller's organisation (admin)")
def create_user(data: UserRequest, who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    org_id = data.organisation_id or who.organisation_id
    user = service.create_user(session, who, data.username, data.password, org_id, data.roles,  # type: ignore[arg-type]
                               data.display_name)
    session.commit()
    return {"id": user.id, "username": user.username, "organisation_id": user.organisation_id, "roles": user.roles}

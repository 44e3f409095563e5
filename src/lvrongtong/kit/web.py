"""FastAPI plumbing shared by every capability: DB session per request, caller identity, error shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from lvrongtong.kit.errors import AppError, ValidationFailed
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.validation import field_errors


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request. Write routes call ``session.commit()`` themselves before answering;
    anything not committed is rolled back here.

    An ``async`` dependency: FastAPI runs sync generator dependencies through the thread pool twice
    (enter and exit); this one costs nothing on requests that never touch the database (answers
    from the cache) and closes a used session in the thread pool."""
    session = request.app.state.runtime.sessions()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_close, session)
        else:
            session.close()


def _close(session: Session) -> None:
    session.rollback()
    session.close()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


async def optional_principal(request: Request, session: Session = Depends(get_session)) -> Principal | None:
    """The caller from a bearer token / API key (cached per process) or the session cookie."""
    from lvrongtong.auth import service as auth

    secret = _bearer(request)
    if secret:
        cached = auth.cached_principal(secret)
        if cached is not None:
            return cached
        return await run_in_threadpool(auth.principal_for_bearer, session, secret)
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if user_id is not None:
        return await run_in_threadpool(auth.principal_for_session, session, int(user_id))
    return None


async def current_principal(principal: Principal | None = Depends(optional_principal)) -> Principal:
    from lvrongtong.kit.errors import Unauthorized

    if principal is None:
        raise Unauthorized()
    return principal


def cached_answer(request: Request, session: Session, who: Principal, domain: str, build) -> Any:
    """``build()``'s result, reused while ``domain``'s data version and the caller's scope are unchanged.

    The key is the path, the query string, the caller's scope and the domain's version
    (``kit/dataversion.py``: exact after this process's own commits, at most
    ``answer_cache_max_lag_seconds`` behind other processes' commits; ``kit/cache.py``)."""
    from lvrongtong.kit.cache import scope_key
    from lvrongtong.kit.dataversion import clock

    key = (request.url.path, tuple(sorted(request.query_params.multi_items())), scope_key(who),
           domain, clock.current(session, domain))
    return request.app.state.answer_cache.get_or_build(key, build)


def cached_json(request: Request, session: Session, who: Principal, domain: str, build) -> Response:
    """A pydantic answer served as JSON from the answer cache (see ``cached_answer``)."""
    body = cached_answer(request, session, who, domain, lambda: build().model_dump_json().encode())
    return Response(body, media_type="application/json")


def error_response(err: AppError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
    return JSONResponse(err.as_dict(), status_code=err.status, headers=headers)


def install_error_handlers(app) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError):
        if request.url.path.startswith("/api/") or request.url.path in ("/health",):
            return error_response(exc)
        from lvrongtong.web.views import error_page

        return error_page(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return error_response(ValidationFailed(field_errors(exc.errors(), skip_loc=("body", "query", "path"))))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        import logging

        logging.getLogger("lvrongtong").exception("unhandled error on %s", request.url.path)
        err = AppError("internal_error", "服务器内部错误，已记录日志", "internal server error; it has been logged", 500)
        if request.url.path.startswith("/api/"):
            return error_response(err)
        from lvrongtong.web.views import error_page

        return error_page(request, err)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            err = AppError("not_found", "页面或接口不存在", "no such page or endpoint", 404)
        elif exc.status_code == 405:
            err = AppError("method_not_allowed", "不支持该请求方法", "method not allowed", 405)
        else:
            err = AppError("http_error", str(exc.detail), str(exc.detail), exc.status_code)
        if request.url.path.startswith("/api/"):
            return error_response(err)
        from lvrongtong.web.views import error_page

        return error_page(request, err)

"""The FastAPI application: API under /api/v1, server-rendered pages, static assets served locally."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from lvrongtong import __version__
from lvrongtong.kit.migrate import require_current
from lvrongtong.kit.runtime import Runtime
from lvrongtong.kit.web import install_error_handlers


def create_app(runtime: Runtime, check_schema: bool = True) -> FastAPI:
    if check_schema:
        require_current(runtime.engine)
    app = FastAPI(
        title="lvrongtong 绿融通 API",
        version=__version__,
        description="Green-finance platform: master data, identification, carbon, reporting. "
                    "Errors share one shape: {error: {code, message_zh, message_en, details[{field, rule, ...}]}}.",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    from lvrongtong.kit.cache import AnswerCache
    from lvrongtong.kit.dataversion import clock

    app.state.answer_cache = AnswerCache(runtime.settings.answer_cache_size)
    clock.max_age = runtime.settings.answer_cache_max_lag_seconds
    settings = runtime.settings
    app.add_middleware(SessionMiddleware, secret_key=settings.resolved_secret_key(),
                       session_cookie=settings.session_cookie, same_site="lax", https_only=False,
                       max_age=settings.token_ttl_hours * 3600)
    install_error_handlers(app)
    from lvrongtong.demo.service import existing

    with runtime.transaction() as session:
        app.state.demo_loaded = existing(session) is not None if check_schema else False

    @app.get("/health", tags=["ops"], summary="Liveness: answers 200 when the server is ready")
    def health():
        return {"status": "ok", "version": __version__}

    from lvrongtong.accounts.api import router as accounts_router
    from lvrongtong.accounts.views import router as accounts_pages
    from lvrongtong.audit.api import router as audit_router
    from lvrongtong.auth.api import router as auth_router
    from lvrongtong.carbon.api import router as carbon_router
    from lvrongtong.carbon.views import router as carbon_pages
    from lvrongtong.identification.api import router as identification_router
    from lvrongtong.iot.api import router as iot_router
    from lvrongtong.reference.api import router as reference_router
    from lvrongtong.registry.api import router as registry_router
    from lvrongtong.reporting.api import router as reporting_router
    from lvrongtong.statistics.api import router as statistics_router
    from lvrongtong.web.views import router as web_router

    for router in (auth_router, registry_router, reference_router, audit_router, carbon_router, carbon_pages, identification_router, accounts_router, accounts_pages, iot_router,
                   reporting_router, statistics_router, web_router):
        app.include_router(router)
    static_dir = resources.files("lvrongtong.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    return app


def app_from_env() -> FastAPI:
    """Entry point for ``uvicorn --factory lvrongtong.app:app_from_env`` (settings from LVRONGTONG_*)."""
    from lvrongtong.kit.settings import load_settings

    return create_app(Runtime.from_settings(load_settings()))

"""The root application: request ids, access logs, /health and the mounted dialects."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from farebridge.api import ratelimit
from farebridge.api.dialects import (
    Dialect,
    allmyles,
    booking_records,
    duffel,
    flight_api,
    native,
)
from farebridge.api.dialects.native import errors as native_errors
from farebridge.api.hooks import duffel as duffel_hooks
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings

log = structlog.get_logger("farebridge.access")

# Every dialect the API serves. Adding one: a folder under api/dialects/ and a line here.
DIALECTS: list[Dialect] = [
    native.dialect,
    duffel.dialect,
    allmyles.dialect,
    booking_records.dialect,
    flight_api.dialect,
]


def create_app(
    services: Dependencies, settings: Settings, *, dialects: Sequence[Dialect] = DIALECTS
) -> FastAPI:
    app = FastAPI(title="farebridge", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = services
    ratelimit.install(app, settings, date_reset_prefixes=(duffel.dialect.prefix,))
    _add_meta_routes(app)
    app.include_router(duffel_hooks.router_for(settings))
    for dialect in dialects:
        sub = dialect.build()
        sub.state = app.state  # one services container and one set of limits for all dialects
        app.mount(dialect.prefix, sub)
    native_errors.install_for_unknown_paths(app)
    app.middleware("http")(_request_context)
    return app


def _add_meta_routes(app: FastAPI) -> None:
    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        """Liveness probe (on the event loop: no request thread needed)."""
        return {"status": "ok"}

    for path in ("/docs", "/redoc", "/openapi.json"):
        app.get(path, include_in_schema=False)(_redirect_to_native(path))


def _redirect_to_native(path: str) -> Callable[[Request], RedirectResponse]:
    """The README's http://127.0.0.1:8000/docs: the native dialect's document."""

    def redirect(request: Request) -> RedirectResponse:
        return RedirectResponse(request.scope.get("root_path", "") + native.dialect.prefix + path)

    return redirect


async def _request_context(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    incoming = request.headers.get("x-request-id", "")
    request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isprintable() else ""
    request_id = request_id or f"req_{uuid.uuid4().hex}"
    request.state.request_id = request_id
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["x-request-id"] = request_id
    log.info(
        "request",
        method=request.method,
        path=request.url.path,
        status=response.status_code,
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return response

"""The FastAPI application: routers, the error map, request ids and access logs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import APIRouter, FastAPI, Request, Response

from farebridge.api import errors
from farebridge.api.ratelimit import RateLimiter
from farebridge.api.routes import auth, orders, search
from farebridge.providers.base import parse_scenarios, requested_scenarios
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings

log = structlog.get_logger("farebridge.access")
SCENARIO_HEADER = "Sandbox-Fault"


def create_app(services: Dependencies, settings: Settings) -> FastAPI:
    app = FastAPI(
        title="farebridge",
        version="0.1.0",
        description="Flight booking engine: search → offers → orders → payments → tickets.",
    )
    app.state.services = services
    app.state.rate_limiters = {
        "search": RateLimiter(settings.search_rate_limit_per_minute),
        "booking": RateLimiter(settings.booking_rate_limit_per_minute),
    }
    api = APIRouter(prefix="/api")
    for module in (auth, search, orders):
        api.include_router(module.router)
    app.include_router(api)
    errors.install(app)
    app.middleware("http")(_request_context)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness probe."""
        return {"status": "ok"}

    return app


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
    try:
        known = request.app.state.services.providers.scenarios
        requested_scenarios.set(parse_scenarios(request.headers.get(SCENARIO_HEADER), known))
    except ValueError as exc:
        response: Response = errors.error_response(
            request,
            400,
            [
                {
                    "type": "validation_error",
                    "title": "Invalid header",
                    "message": str(exc),
                    "code": "unknown_test_scenario",
                    "source": {"field": SCENARIO_HEADER},
                }
            ],
        )
        response.headers["x-request-id"] = request_id
        return response
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

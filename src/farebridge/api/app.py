"""The root application: request ids, access logs and /health (api/request_context),
/ready, /metrics and the mounted dialects."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import timedelta

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess

from farebridge.api import openapi, ratelimit
from farebridge.api.admission import AdmissionMiddleware
from farebridge.api.dialects import (
    Dialect,
    allmyles,
    booking_records,
    duffel,
    flight_api,
    native,
)
from farebridge.api.dialects.native import errors as native_errors
from farebridge.api.dispatch import MountDispatch
from farebridge.api.hooks import duffel as duffel_hooks
from farebridge.api.http_metrics import HttpMetrics
from farebridge.api.hygiene import HygieneMiddleware
from farebridge.api.request_context import HEALTH_PATH, RequestContext
from farebridge.api.routing import NO_NATIVE_TELEMETRY
from farebridge.outbound.redis_check import redis_ping
from farebridge.services.health import readiness
from farebridge.services.jobs import job_lag_seconds
from farebridge.services.metrics import JOB_LAG
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings

log = structlog.get_logger("farebridge.api")

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
    app = FastAPI(
        title="farebridge",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry=NO_NATIVE_TELEMETRY,
    )
    app.state.services = services
    app.state.settings = settings  # the web site's sign-in cookie and address (ADR 0035)
    # The dialects first: the router tries its routes in order, and they serve nearly
    # every request (no path below is under a dialect's prefix).
    mounted: list[tuple[str, FastAPI]] = []
    for dialect in dialects:
        sub = dialect.build()
        sub.state = app.state  # one services container and one set of limits for all dialects
        openapi.tune(
            sub, services.providers.scenarios, lambda: services.rates.current().usd_per_unit
        )
        app.mount(dialect.prefix, sub)
        mounted.append((dialect.prefix, sub))
    # Innermost of the root app's middlewares: a dialect's request skips its router.
    app.add_middleware(MountDispatch, router=app.router)
    ratelimit.install(app, settings, date_reset_prefixes=(duffel.dialect.prefix,))
    _add_meta_routes(app)
    _add_operations_routes(app, services, settings)
    app.include_router(duffel_hooks.router_for(settings))
    native_errors.install_for_unknown_paths(app)
    # Size caps and refused characters for every dialect, in each one's error body (ADR 0027).
    fallback = dict(mounted).get(native.dialect.prefix)
    app.add_middleware(
        HygieneMiddleware,
        max_body_bytes=settings.max_body_bytes,
        dialects=mounted,
        fallback=fallback,
    )
    # Outside the hygiene checks: a refused request is not even read (ADR 0030).
    app.add_middleware(
        AdmissionMiddleware,
        max_in_flight=settings.max_requests_in_flight,
        max_queued=settings.request_queue_size,
        queue_seconds=settings.request_queue_seconds,
        exempt_paths=META_PATHS,
        dialects=mounted,
        fallback=fallback,
    )
    app.add_middleware(RequestContext)
    return app


def _add_meta_routes(app: FastAPI) -> None:
    # GET /health (liveness) is answered by RequestContext, in front of everything.
    for path in ("/docs", "/redoc", "/openapi.json"):
        app.get(path, include_in_schema=False)(_redirect_to_native(path))


META_PATHS = [HEALTH_PATH, "/ready", "/metrics"]


def _add_operations_routes(app: FastAPI, services: Dependencies, settings: Settings) -> None:
    """``/ready`` (readiness: database, Redis, worker heartbeat) and ``/metrics``
    (Prometheus; requests and latencies by ``api/http_metrics``)."""
    extra_checks = {}
    if settings.redis_url is not None:
        extra_checks["redis"] = redis_ping(settings.redis_url.get_secret_value())
    max_age = settings.ready_heartbeat_max_age_seconds
    heartbeat_max_age = timedelta(seconds=max_age) if max_age > 0 else None

    @app.get("/ready", include_in_schema=False)
    def ready() -> JSONResponse:
        """Readiness probe: 503 naming the failing checks."""
        result = readiness(services, heartbeat_max_age=heartbeat_max_age, extra_checks=extra_checks)
        body = {
            "status": "ready" if result.ready else "unavailable",
            "checks": result.checks,
            "failing": result.failing,
        }
        return JSONResponse(body, status_code=200 if result.ready else 503)

    # The HTTP metrics in a registry of this app's own, so that a second app in one
    # process (tests) has its own; the business metrics stay in the global registry.
    http_registry = CollectorRegistry()
    app.add_middleware(HttpMetrics, registry=http_registry, excluded=META_PATHS)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        try:
            JOB_LAG.set(job_lag_seconds(services))
        except Exception as exc:  # the database down must not hide the other metrics
            log.warning("metrics.job_lag_failed", error=repr(exc))
        if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # several API processes: add them up
            registry = CollectorRegistry()
            prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            text = generate_latest(registry)
        else:
            text = generate_latest(REGISTRY) + generate_latest(http_registry)
        return Response(text, media_type=CONTENT_TYPE_LATEST)


def _redirect_to_native(path: str) -> Callable[[Request], RedirectResponse]:
    """The README's http://127.0.0.1:8000/docs: the native dialect's document."""

    def redirect(request: Request) -> RedirectResponse:
        return RedirectResponse(request.scope.get("root_path", "") + native.dialect.prefix + path)

    return redirect

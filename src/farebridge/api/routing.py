"""Every dialect's router: a synchronous endpoint costs one thread hand-off, not two.

FastAPI runs a ``def`` endpoint in the thread pool, then validates what it returned in
the thread pool again before serialising it: two hand-offs, about 75 to 150 µs of CPU
each (ADR 0040). Here such an endpoint is wrapped in an ``async def`` that awaits it
in the thread pool once; FastAPI then validates the returned model on the event loop,
which for one of our response models (an instance of the declared class) is an
``isinstance`` check. The wrapper keeps the endpoint's signature (``__wrapped__``), so
parameters, dependencies, the response model and the OpenAPI document are unchanged;
the request's context variables (its id, its log fields) reach the thread as before.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import fastapi
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from starlette.concurrency import run_in_threadpool

F = TypeVar("F", bound=Callable[..., Any])

# FastAPI's native OpenTelemetry asks the global providers whether they are set up on
# every request, in the root app and again in the mounted dialect's (about 9 µs each).
# farebridge reports through /metrics and its access log, not OpenTelemetry: every app
# is built with it off (ADR 0053).
NO_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


QUICK_READ = "__farebridge_quick_read__"


def quick_read(endpoint: F) -> F:
    """Mark a synchronous endpoint that only reads the store and presents what it read
    (no upstream, no write, no sleep): where the store reads locally
    (``Dependencies.local_reads``, SQLite), it runs on the event loop instead of in a
    thread (ADR 0051). Put it under the route decorator; the endpoint takes ``services``."""
    setattr(endpoint, QUICK_READ, True)
    return endpoint


def in_thread_pool(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` (synchronous) as a coroutine function that runs it in the thread pool,
    or, marked :func:`quick_read` and on a store that reads locally, right here."""
    quick = getattr(endpoint, QUICK_READ, False)

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        if quick and getattr(kwargs.get("services"), "local_reads", False):
            return endpoint(*args, **kwargs)
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return run


class OneHopRoute(APIRoute):
    """An API route whose synchronous endpoint is handed to a thread once."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.isfunction(endpoint) and not inspect.iscoroutinefunction(endpoint):
            endpoint = in_thread_pool(endpoint)  # anything else is left to FastAPI
        super().__init__(path, endpoint, **kwargs)


class APIRouter(fastapi.APIRouter):
    """``fastapi.APIRouter`` with ``OneHopRoute`` routes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", OneHopRoute)
        super().__init__(**kwargs)

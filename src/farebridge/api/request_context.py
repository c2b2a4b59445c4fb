"""The outermost layer of the root app: request ids, access logs and ``/health``.

Pure ASGI (no ``BaseHTTPMiddleware``): Starlette's ``call_next`` runs the rest of
the app in a task of its own and passes the response through a memory stream, a
few event-loop turns per request. Under load each turn may wait for the
interpreter lock the request threads hold, so fewer turns are a faster answer
for everyone, and for the liveness probe above all.

``GET``/``HEAD /health`` is answered here, before admission control, the hygiene
checks, the metrics and the router: liveness says the process's event loop
answers, and nothing else (``/ready`` checks the database, Redis and the worker).
Probes are not written to the access log.
"""

from __future__ import annotations

import os
import time

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("farebridge.access")

HEALTH_PATH = "/health"
_HEALTH_BODY = b'{"status":"ok"}'


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        method, path = scope["method"], scope["path"]
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            await _health(send, request_id, body=method == "GET")
            return
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=method,
                path=path,
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


def _request_id(scope: Scope) -> str:
    """The caller's ``x-request-id`` when it is 8 to 64 printable characters, else a new one."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            incoming: str = value.decode("latin-1")
            if 8 <= len(incoming) <= 64 and incoming.isprintable():
                return incoming
            break
    return "req_" + os.urandom(16).hex()  # 128 random bits, as uuid4 but without the object


async def _health(send: Send, request_id: str, *, body: bool) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_HEALTH_BODY)).encode()),
                (b"x-request-id", request_id.encode("latin-1")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _HEALTH_BODY if body else b""})

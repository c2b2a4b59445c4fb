"""Refusing a request before routing, in the error body of the dialect it was for.

The ASGI middlewares on the root application (input hygiene, admission control) run
before any dialect's routes; a refusal is a domain error rendered by the exception
handler of the dialect mounted at the path's prefix, so each dialect answers in its
own error body (``fallback`` renders refusals for paths outside the dialects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from farebridge.api.errors import status_of
from farebridge.domain import errors as e


class Refusals:
    """``dialects``: (prefix, sub-application) pairs, each with a handler for domain errors."""

    def __init__(self, dialects: Sequence[tuple[str, Any]], fallback: Any | None = None) -> None:
        self.dialects = sorted(dialects, key=lambda pair: len(pair[0]), reverse=True)
        self.fallback = fallback

    def dialect_of(self, path: str) -> Any | None:
        for prefix, sub in self.dialects:
            if path == prefix or path.startswith(prefix + "/"):
                return sub
        return None

    async def refuse(
        self, scope: Scope, receive: Receive, send: Send, refusal: e.FarebridgeError
    ) -> None:
        owner = self.dialect_of(own_path(scope))
        app = owner if owner is not None else self.fallback
        handler = None if app is None else app.exception_handlers.get(e.FarebridgeError)
        if handler is None:
            status, _ = status_of(refusal)
            body = {"error": {"code": refusal.code, "message": refusal.message}}
            headers = {}
            if isinstance(refusal, e.RateLimited):
                headers["Retry-After"] = str(refusal.retry_after_seconds)
            response: Any = JSONResponse(body, status_code=status, headers=headers)
        else:
            response = await handler(Request(scope, receive), refusal)
        await response(scope, receive, send)


def own_path(scope: Scope) -> str:
    """The path below the server's ``root_path`` (what the dialects are mounted in)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path

"""The root app hands a dialect's request straight to the dialect's app.

Each dialect is a FastAPI app of its own (its errors, its OpenAPI document) mounted
under its prefix. Through Starlette's ``Mount`` a request crosses the root app's
exception layer, its exit-stack layer and its router (which tries each route's
regular expression) before the dialect's app starts its own stack: about a tenth of a
read's time in the API process (issue 14). :class:`DialectDispatch` sits innermost
among the root app's middlewares, after admission, hygiene, metrics and rate-limit
headers: a path under a dialect's prefix goes to that dialect's app with the scope a
``Mount`` would have given it; any other path goes on to the root app's router,
which still holds the mounts (for ``url_path_for`` and the OpenAPI links).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


class DialectDispatch:
    def __init__(self, app: ASGIApp, *, dialects: Sequence[tuple[str, Any]], router: Any) -> None:
        self.app = app
        self.router = router  # the root app's: ``url_for`` looks up names from the top
        # "/api" serves "/api/..."; "/api" alone is the router's (it redirects to "/api/").
        self.dialects = [(prefix.rstrip("/") + "/", sub) for prefix, sub in dialects]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            root_path: str = scope.get("root_path", "")
            path = _route_path(scope["path"], root_path)
            for prefix, sub in self.dialects:
                if path.startswith(prefix):
                    scope["path_params"] = dict(scope.get("path_params", {}))
                    scope["app_root_path"] = scope.get("app_root_path", root_path)
                    scope["root_path"] = root_path + prefix[:-1]
                    scope["endpoint"] = sub
                    scope.setdefault("router", self.router)
                    await sub(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _route_path(path: str, root_path: str) -> str:
    """``path`` below the server's ``root_path``, as Starlette's router sees it."""
    if not root_path or not path.startswith(root_path):
        return path
    if path == root_path:
        return ""
    below = path[len(root_path) :]
    return below if below.startswith("/") else path

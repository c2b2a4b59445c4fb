"""The root app hands a dialect's request straight to the dialect's app.

Each dialect is a FastAPI app of its own (its errors, its OpenAPI document) mounted
under its prefix. Through the root app's router a request crosses the root app's
exception layer and its exit-stack layer before the router tries the mounts, and only
then does the dialect's app start its own stack (issue 14, ADR 0055).
:class:`MountDispatch` sits innermost among the root app's middlewares, after
admission, hygiene, metrics and rate-limit headers, and asks the router's own mounts
whether they take the request: the first that does gets it, with the scope its
``Mount.matches`` gives, as the router would have given it. Any other request goes
on to the router.
"""

from __future__ import annotations

from starlette.routing import Match, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send


class MountDispatch:
    def __init__(self, app: ASGIApp, *, router: Router) -> None:
        self.app = app
        self.router = router  # ``url_for`` looks names up from the root router
        # Built with the middleware stack, at the first request: every mount is there.
        self.mounts = [route for route in router.routes if isinstance(route, Mount)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            for mount in self.mounts:
                match, child_scope = mount.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)
                    scope.setdefault("router", self.router)
                    await mount.handle(scope, receive, send)
                    return
        await self.app(scope, receive, send)

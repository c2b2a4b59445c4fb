"""The root app's short cut to its mounts (api/dispatch) gives a dialect the request the
root router would have given it: same answer, same scope, for every kind of path; and
the router is not asked."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from starlette.routing import NoMatchFound

from farebridge.api.dispatch import MountDispatch

PATHS = [
    "/api/orders/ord_1",
    "/api/",
    "/api",  # the prefix alone: the root router's (a redirect to /api/)
    "/apix/orders",  # not under /api
    "/duffel/air/orders/x?y=1",
    "/ready",
    "/nowhere",
    "",  # the server's root path itself
]


def _dialect(name: str) -> FastAPI:
    sub = FastAPI()

    @sub.get("/{rest:path}", name="anything")
    def anything(rest: str, request: Request) -> dict[str, Any]:
        scope = request.scope
        return {
            "dialect": name,
            "rest": rest,
            "root_path": scope["root_path"],
            "app_root_path": scope.get("app_root_path"),
            "path": scope["path"],
            "url": str(request.url),
            "link": _link(request),
        }

    return sub


def _link(request: Request) -> str | None:
    """A link to a route by its name, as the root app's router builds it."""
    try:
        return str(request.url_for("anything", rest="a/b"))
    except NoMatchFound:
        return None


def _root(*, dispatch: bool) -> FastAPI:
    root = FastAPI()
    dialects = [("/api", _dialect("native")), ("/duffel", _dialect("duffel"))]
    for prefix, sub in dialects:
        root.mount(prefix, sub)

    @root.get("/ready")
    def ready() -> dict[str, str]:
        return {"status": "ready"}

    if dispatch:
        root.add_middleware(MountDispatch, router=root.router)
    return root


def _answer(app: FastAPI, path: str, root_path: str) -> tuple[int, str, str | None]:
    with TestClient(app, root_path=root_path) as client:
        response = client.get(root_path + path, follow_redirects=False)
    return response.status_code, response.text, response.headers.get("location")


@pytest.mark.parametrize("root_path", ["", "/fb"])
@pytest.mark.parametrize("path", PATHS)
def test_a_dialect_sees_what_a_mount_would_show_it(path: str, root_path: str) -> None:
    mounted = _answer(_root(dispatch=False), path, root_path)
    assert _answer(_root(dispatch=True), path, root_path) == mounted


class _CountingRouter(APIRouter):
    """The root router, counting the requests it is asked to route."""

    asked = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        type(self).asked += 1
        await super().__call__(scope, receive, send)


def test_the_router_is_asked_only_about_what_no_mount_takes() -> None:
    root = _root(dispatch=True)
    root.router.__class__ = _CountingRouter
    with TestClient(root) as client:
        _CountingRouter.asked = 0  # the lifespan's start went to the router
        assert client.get("/api/orders/ord_1").json()["dialect"] == "native"
        assert client.get("/duffel/air/orders/x").json()["dialect"] == "duffel"
        assert _CountingRouter.asked == 0
        assert client.get("/ready").status_code == 200
        assert client.get("/nowhere").status_code == 404
    assert _CountingRouter.asked == 2

"""``farebridge.api.routing`` (ADR 0040): a synchronous endpoint runs in the thread pool
once, with the request's context, and FastAPI sees the same endpoint as before
(parameters, dependencies, response model, OpenAPI)."""

from __future__ import annotations

import threading
from contextvars import ContextVar
from typing import Annotated, Any

import anyio
import anyio.to_thread
import fastapi
import pytest
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from farebridge.api import routing

REQUEST_NAME: ContextVar[str] = ContextVar("request_name", default="unset")


class Answer(BaseModel):
    thread: str
    context: str
    n: int


def _router(router_class: type[fastapi.APIRouter]) -> tuple[fastapi.APIRouter, list[str]]:
    hand_offs: list[str] = []

    async def named(n: int = 1) -> int:
        REQUEST_NAME.set(f"request {n}")
        return n

    router = router_class()

    @router.get("/answer", status_code=201)
    def answer(n: int = Depends(named)) -> Answer:
        """The thread it ran on."""
        hand_offs.append(threading.current_thread().name)
        return Answer(thread=threading.current_thread().name, context=REQUEST_NAME.get(), n=n)

    @router.get("/async")
    async def on_the_loop() -> Answer:
        return Answer(thread=threading.current_thread().name, context=REQUEST_NAME.get(), n=0)

    return router, hand_offs


def _app(router_class: type[fastapi.APIRouter]) -> tuple[FastAPI, list[str]]:
    router, hand_offs = _router(router_class)
    app = FastAPI()
    app.include_router(router)
    return app, hand_offs


def test_a_sync_endpoint_runs_in_a_worker_thread_with_the_request_context() -> None:
    app, hand_offs = _app(routing.APIRouter)
    with TestClient(app) as client:
        response = client.get("/answer", params={"n": 7})
        assert response.status_code == 201
        body = response.json()
        assert body["thread"] != threading.main_thread().name
        assert body["context"] == "request 7", "the dependency's context reached the thread"
        assert body["n"] == 7
        assert len(hand_offs) == 1
        assert client.get("/answer", params={"n": "x"}).status_code == 422
        assert client.get("/async").status_code == 200


def test_the_endpoint_is_wrapped_and_async_ones_are_not() -> None:
    router, _ = _router(routing.APIRouter)
    routes = {route.path: route for route in router.routes if isinstance(route, APIRoute)}
    assert isinstance(routes["/answer"], routing.OneHopRoute)
    assert routes["/answer"].endpoint.__wrapped__.__name__ == "answer"  # type: ignore[attr-defined]
    assert not hasattr(routes["/async"].endpoint, "__wrapped__")


def test_the_openapi_document_is_fastapis_own() -> None:
    ours, _ = _app(routing.APIRouter)
    plain, _ = _app(fastapi.APIRouter)
    assert ours.openapi() == plain.openapi()


def test_one_hand_off_per_request_where_fastapi_makes_two(monkeypatch: pytest.MonkeyPatch) -> None:
    hand_offs: list[object] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        hand_offs.append(function)
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    for router_class, expected in ((routing.APIRouter, 1), (fastapi.APIRouter, 2)):
        app, _ = _app(router_class)
        with TestClient(app) as client:
            hand_offs.clear()
            assert client.get("/answer").status_code == 201
            assert len(hand_offs) == expected, router_class


class _Services:
    def __init__(self, local_reads: bool) -> None:
        self.local_reads = local_reads


_SERVICES = [_Services(local_reads=False)]


def _services() -> _Services:
    return _SERVICES[0]


@pytest.mark.parametrize("local_reads", [True, False])
def test_a_quick_read_runs_on_the_event_loop_only_where_the_store_reads_locally(
    local_reads: bool,
) -> None:
    """ADR 0051: on SQLite (``local_reads``) a marked read skips the thread hand-off; on a
    store behind a network (PostgreSQL) it waits in a thread, as every other endpoint."""
    _SERVICES[0] = _Services(local_reads)
    router = routing.APIRouter()

    @router.get("/quick")
    @routing.quick_read
    def quick(services: Annotated[_Services, Depends(_services)]) -> Answer:
        return Answer(thread=threading.current_thread().name, context="", n=0)

    @router.get("/plain")
    def plain(services: Annotated[_Services, Depends(_services)]) -> Answer:
        return Answer(thread=threading.current_thread().name, context="", n=0)

    app = FastAPI()
    app.include_router(router)

    @app.get("/loop")
    async def loop_thread() -> str:
        return threading.current_thread().name

    with TestClient(app) as client:
        loop = client.get("/loop").json()
        quick_thread = client.get("/quick").json()["thread"]
        plain_thread = client.get("/plain").json()["thread"]
    assert (quick_thread == loop) is local_reads
    assert plain_thread != loop, "an unmarked endpoint always waits in a thread"


def test_the_order_reads_are_marked_quick() -> None:
    """The reads the load benchmark measures (``GET /api/orders/{id}``, Duffel's
    ``GET /air/orders/{id}``) are marked, and nothing that writes or calls an upstream."""
    from farebridge.api.dialects.duffel.routes import orders as duffel_orders
    from farebridge.api.dialects.native.routes import orders as native_orders

    marked = {
        (route.path, method)
        for module in (native_orders, duffel_orders)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        and getattr(route.endpoint.__wrapped__, routing.QUICK_READ, False)  # type: ignore[attr-defined]
        for method in route.methods
    }
    assert marked == {("/orders/{order_id}", "GET"), ("/air/orders/{order_id}", "GET")}

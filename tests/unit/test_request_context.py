"""The root app's outermost layer: request ids on every answer, /health before anything."""

from __future__ import annotations

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from farebridge.api.request_context import RequestContext

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _broken(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("the app behind must not be reached")


async def _teapot(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["state"]["request_id"]
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": scope["state"]["request_id"].encode()})


def _client(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_health_is_answered_without_the_app_behind() -> None:
    async with _client(RequestContext(_broken)) as client:
        got = await client.get("/health", headers={"x-request-id": "probe-000001"})
        head = await client.head("/health")
    assert got.status_code == 200 and got.json() == {"status": "ok"}
    assert got.headers["x-request-id"] == "probe-000001"
    assert head.status_code == 200 and head.content == b""
    assert head.headers["x-request-id"].startswith("req_")


async def test_every_other_answer_carries_the_request_id_the_app_saw() -> None:
    async with _client(RequestContext(_teapot)) as client:
        kept = await client.post("/health", headers={"x-request-id": "caller-chosen-id"})
        made = await client.get("/anything", headers={"x-request-id": "short"})
    assert kept.status_code == 418 and kept.text == kept.headers["x-request-id"]
    assert kept.headers["x-request-id"] == "caller-chosen-id"
    assert (
        made.headers["x-request-id"].startswith("req_")
        and made.text == made.headers["x-request-id"]
    )

"""Admission control (ADR 0030): a full API process refuses at once with 429 server_busy
and Retry-After in the dialect's error body; probes are never held back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest
from fastapi import FastAPI

from farebridge.api.admission import AdmissionMiddleware
from farebridge.api.dialects.native import errors as native_errors

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Gate:
    """Holds every ``/api/slow`` request until it is opened."""

    def __init__(self) -> None:
        self.opened = anyio.Event()
        self.entered = 0


def build(gate: Gate, *, max_in_flight: int, max_queued: int, queue_seconds: float) -> FastAPI:
    api = FastAPI()
    native_errors.install(api)

    @api.get("/slow")
    async def slow() -> dict[str, str]:
        gate.entered += 1
        await gate.opened.wait()
        return {"status": "done"}

    root = FastAPI()

    @root.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    root.mount("/api", api)
    root.add_middleware(
        AdmissionMiddleware,
        max_in_flight=max_in_flight,
        max_queued=max_queued,
        queue_seconds=queue_seconds,
        exempt_paths=["/health"],
        dialects=[("/api", api)],
        fallback=api,
    )
    return root


@asynccontextmanager
async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def wait_until(condition: object) -> None:
    assert callable(condition)
    while not condition():
        await anyio.sleep(0.001)


async def test_a_full_process_refuses_at_once_in_the_dialects_body() -> None:
    gate = Gate()
    app = build(gate, max_in_flight=2, max_queued=0, queue_seconds=0)
    answers: list[httpx.Response] = []
    async with client_of(app) as client, anyio.create_task_group() as group:

        async def call() -> None:
            answers.append(await client.get("/api/slow"))

        group.start_soon(call)
        group.start_soon(call)
        await wait_until(lambda: gate.entered == 2)
        refused = await client.get("/api/slow")
        health = await client.get("/health")
        gate.opened.set()
    assert refused.status_code == 429, refused.text
    assert refused.headers["Retry-After"] == "1"
    body = refused.json()
    assert body["errors"][0]["code"] == "server_busy"
    assert body["meta"]["status"] == 429
    assert health.status_code == 200, "probes are never held back"
    assert [a.status_code for a in answers] == [200, 200]
    assert gate.entered == 2, "the refused request never reached the route"


async def test_a_queued_request_is_served_when_a_place_frees() -> None:
    gate = Gate()
    app = build(gate, max_in_flight=1, max_queued=1, queue_seconds=60)
    answers: list[httpx.Response] = []
    async with client_of(app) as client, anyio.create_task_group() as group:

        async def call() -> None:
            answers.append(await client.get("/api/slow"))

        group.start_soon(call)
        await wait_until(lambda: gate.entered == 1)
        group.start_soon(call)  # waits in the queue
        await anyio.sleep(0.05)
        assert gate.entered == 1, "one request in flight at a time"
        refused = await client.get("/api/slow")  # the queue is full
        gate.opened.set()
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert [a.status_code for a in answers] == [200, 200]
    assert gate.entered == 2


async def test_a_request_that_waits_too_long_is_refused() -> None:
    gate = Gate()
    app = build(gate, max_in_flight=1, max_queued=5, queue_seconds=0.01)
    async with client_of(app) as client, anyio.create_task_group() as group:

        async def call() -> None:
            await client.get("/api/slow")

        group.start_soon(call)
        await wait_until(lambda: gate.entered == 1)
        refused = await client.get("/api/slow")
        gate.opened.set()
    assert refused.status_code == 429, refused.text
    assert refused.json()["errors"][0]["code"] == "server_busy"


async def test_no_cap_when_it_is_zero() -> None:
    gate = Gate()
    app = build(gate, max_in_flight=0, max_queued=0, queue_seconds=0)
    async with client_of(app) as client, anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(client.get, "/api/slow")
        await wait_until(lambda: gate.entered == 5)
        gate.opened.set()
    assert gate.entered == 5

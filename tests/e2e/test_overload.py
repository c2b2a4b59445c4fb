"""Overload (issue 13 item 5, ADR 0030): two API processes on PostgreSQL, a burst of
searches, orders and log-ins far beyond what they serve at once.

Every request gets an answer, none is a 5xx, the excess is refused at once with 429
``server_busy`` and ``Retry-After``, and afterwards the system recovers by itself: a
normal search and order succeed and the worker issues the ticket. PostgreSQL only
(skipped unless ``FAREBRIDGE_TEST_DATABASE_URL`` is set); nothing asserts a time.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from farebridge.store.database import make_engine
from farebridge.store.tables import orders
from tests.conftest import POSTGRES_URL, _truncate_postgres
from tests.e2e.conftest import first_offer, instant_order_body, travel_date
from tests.live_server import free_port, stop, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
BURST = 160  # flows at once: 20 times what two processes serve at once (4 each)
ACCOUNTS = 6
PASSWORD = "correct-horse-battery"


@pytest.fixture
def system(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """``farebridge api --workers 2`` and ``farebridge worker`` on an emptied database."""
    if POSTGRES_URL is None:
        pytest.skip("FAREBRIDGE_TEST_DATABASE_URL is not set")
    url: str = request.getfixturevalue("postgres_migrated")
    engine = make_engine(url)
    _truncate_postgres(engine)
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "FAREBRIDGE_DATABASE_URL": url,
        "FAREBRIDGE_SEARCH_RATE_LIMIT_PER_MINUTE": "100000",
        "FAREBRIDGE_BOOKING_RATE_LIMIT_PER_MINUTE": "100000",
        "FAREBRIDGE_PAYMENT_RATE_LIMIT_PER_MINUTE": "100000",
        "FAREBRIDGE_LOGIN_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_LOGIN_FREE_FAILURES_PER_IP": "0",
        "FAREBRIDGE_REGISTER_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_MAIL_DIR": str(tmp_path / "mail"),
        "FAREBRIDGE_WORKER_POLL_SECONDS": "0.1",
        "FAREBRIDGE_LOG_LEVEL": "WARNING",
    }
    env.pop("FAREBRIDGE_REDIS_URL", None)
    log = tmp_path / "system.log"
    cli = [sys.executable, "-m", "farebridge.cli"]
    with log.open("wb") as output:
        processes = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [*cli, "api", "--port", str(port), "--workers", "2"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=output,
            ),
            subprocess.Popen(  # noqa: S603
                [*cli, "worker", "--concurrency", "1"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=output,
            ),
        ]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(f"{base}/health", processes, log)
        yield base
    finally:
        stop(processes)


def _search_body(n: int) -> dict[str, Any]:
    routes = [("JFK", "LHR"), ("LHR", "FRA"), ("CDG", "JFK"), ("MAD", "JFK")]
    origin, destination = routes[n % len(routes)]
    return {
        "data": {
            "slices": [
                {
                    "origin": origin,
                    "destination": destination,
                    "departure_date": travel_date(20 + n % 40),
                }
            ],
            "passengers": [{"type": "adult"}],
            "max_connections": 0,
        }
    }


async def _accounts(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    accounts = []
    for n in range(ACCOUNTS):
        body = {"email": f"burst{n}@test.com", "password": PASSWORD}
        assert (await client.post("/api/auth/register", json=body)).status_code == 201
        login = await client.post("/api/auth/login", json=body)
        assert login.status_code == 200, login.text
        accounts.append((body["email"], login.json()["data"]["access_token"]))
    return accounts


async def _burst(base: str) -> list[tuple[str, httpx.Response | str]]:
    answers: list[tuple[str, httpx.Response | str]] = []
    # A fresh connection per request: no keep-alive race with the server closing an idle one.
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=0)
    # Generous: the bound keeps the test finite; no answer in time is a failure, not a figure.
    async with httpx.AsyncClient(base_url=base, timeout=45, limits=limits) as client:
        accounts = await _accounts(client)

        async def call(kind: str, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
            try:
                response = await client.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                answers.append((kind, f"no answer: {error!r}"))
                return None
            answers.append((kind, response))
            return response

        async def flow(n: int) -> None:
            email, token = accounts[n % len(accounts)]
            auth = {"Authorization": f"Bearer {token}"}
            if n % 4 == 3:
                body = {"email": email, "password": PASSWORD}
                await call("login", "POST", "/api/auth/login", json=body)
                return
            found = await call(
                "search",
                "POST",
                "/api/offer-requests?return_offers=true",
                json=_search_body(n),
                headers=auth,
            )
            if n % 4 == 2 and found is not None and found.status_code == 201:
                offer = first_offer(found.json()["data"]["offers"])
                body = instant_order_body(offer)
                await call("order", "POST", "/api/orders", json=body, headers=auth)

        await asyncio.gather(*(flow(n) for n in range(BURST)))
    return answers


def _book_one(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        body = {"email": "after@test.com", "password": PASSWORD}
        assert client.post("/api/auth/register", json=body).status_code == 201
        token = client.post("/api/auth/login", json=body).json()["data"]["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        found = client.post(
            "/api/offer-requests?return_offers=true", json=_search_body(7), headers=auth
        )
        assert found.status_code == 201, found.text
        offer = first_offer(found.json()["data"]["offers"])
        ordered = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
        assert ordered.status_code == 201, ordered.text
        order_id: str = ordered.json()["data"]["id"]
        return order_id


def _ticketed(url: str, order_id: str) -> bool:
    engine = make_engine(url)
    try:
        for _ in range(300):  # the worker polls every 0.1 s
            with engine.connect() as db:
                query = select(orders.c.status).where(orders.c.id == order_id)
                if db.execute(query).scalar() == "ticketed":
                    return True
            time.sleep(0.1)
        return False
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_burst_is_refused_with_429_and_the_system_recovers(
    system: str, postgres_migrated: str
) -> None:
    answers = asyncio.run(_burst(system))
    unanswered = [answer for _, answer in answers if isinstance(answer, str)]
    assert not unanswered, unanswered[:3]
    responses = [(kind, r) for kind, r in answers if isinstance(r, httpx.Response)]
    statuses = Counter((kind, r.status_code) for kind, r in responses)
    assert not [r for _, r in responses if r.status_code >= 500], statuses
    refused = [r for _, r in responses if r.status_code == 429]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused), statuses
    busy = [r for r in refused if r.json()["errors"][0]["code"] == "server_busy"]
    assert busy, f"the burst was not beyond what two processes serve: {statuses}"
    assert statuses["search", 201] > 0, statuses
    assert _ticketed(postgres_migrated, _book_one(system)), "the worker issues the ticket"

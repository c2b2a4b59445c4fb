"""The cost of one request inside the API process (issue 14): ``python -m
benchmarks.request_cost [ROUNDS]``, part of ``make bench-load``.

The whole ASGI app (every middleware, the native dialect, the services, SQLite in a
temporary file, rate limits off) is called directly, one request after another, with
no socket and no client: what is printed is the API's own CPU time and wall time per
request, for ``GET /api/orders/{id}``, ``POST /api/offer-requests?return_offers=true``
(one adult, JFK-LHR, about 50 offers back) and a booking (``GET /api/offers/{id}`` and
``POST /api/orders``, instant, by card), with the SQL statements a booking runs. Each
figure is the median of ``ROUNDS`` (3) runs. Wall above CPU is time spent waiting
(for instance on a sleep, or on the other core's work on a shared machine).
``BENCH_PROFILE=DIR`` adds one run of each, not timed, sampled by py-spy (``--gil``):
collapsed stacks in ``DIR/request_cost-<step>.raw``, self time in ``….txt``.
``BENCH_STEPS=get_order,search_offers,book`` picks the steps measured. The app's
reference data is moved out of the garbage collector's view once built, as in the API
process (``settle_heap``); without it a full collection over half a million objects
costs a search 3 to 6 ms on average.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from tests.e2e.conftest import register, search, travel_date

from benchmarks import servers
from benchmarks.load import order_body, self_time
from farebridge.api.app import create_app
from farebridge.bootstrap import build, settle_heap
from farebridge.observability import configure_logging
from farebridge.settings import Settings
from farebridge.store.migrate import upgrade

GETS, SEARCHES, BOOKINGS = 1000, 40, 120
ROUTES = [("JFK", "LHR"), ("LHR", "JFK"), ("CDG", "JFK"), ("LHR", "FRA"), ("MAD", "JFK")]


class Caller:
    """One ASGI call at a time against ``app``; counts the statements SQLAlchemy sends."""

    def __init__(self, app: Any, authorization: str) -> None:
        self.app = app
        self.authorization = authorization.encode()
        self.statements: Counter[str] = Counter()
        event.listen(Engine, "before_cursor_execute", self._count)

    def _count(self, *args: Any) -> None:
        self.statements[str(args[2]).split(maxsplit=1)[0].upper()] += 1

    async def __call__(self, method: str, path: str, body: Any = None, query: str = "") -> bytes:
        payload = b"" if body is None else json.dumps(body).encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [
                (b"host", b"127.0.0.1:8000"),
                (b"authorization", self.authorization),
                (b"content-type", b"application/json"),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": payload, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        status = sent[0]["status"]
        if status >= 300:
            raise SystemExit(f"{method} {path}: {status} {sent[-1].get('body', b'')[:300]!r}")
        return b"".join(m.get("body", b"") for m in sent[1:])  # not parsed: not the API's work


def _timed(
    runs: int, count: int, step: Callable[[int], Awaitable[None]], profile: Path | None = None
) -> tuple[float, float]:
    """Median CPU and wall milliseconds per call of ``step`` over ``runs`` runs; with
    ``profile`` (a file), one more run sampled by py-spy, its collapsed stacks saved there."""
    cpu, wall = [], []
    for run in range(runs + (profile is not None)):

        async def many(offset: int = run * count) -> None:
            for index in range(count):
                await step(offset + index)

        if profile is not None and run == runs:
            _sampled(profile, lambda: asyncio.run(many()))
            break
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        asyncio.run(many())
        cpu.append((time.process_time() - started_cpu) * 1000 / count)
        wall.append((time.perf_counter() - started_wall) * 1000 / count)
    return statistics.median(cpu), statistics.median(wall)


def _sampled(raw: Path, work: Callable[[], None]) -> None:
    """Run ``work`` while py-spy samples this process (the thread holding the GIL, so the
    request threads are seen too); its self-time summary goes beside the raw stacks."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    command = [spy, "record", "--nonblocking", "--gil", "-r", "1000", "-f", "raw"]
    command += ["-o", str(raw), "-p", str(os.getpid())]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    time.sleep(1.0)  # attached
    try:
        work()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    if raw.exists():
        top = self_time(raw)
        lines = (f"{share:6.2f} %  {name}" for name, share in top)
        raw.with_suffix(".txt").write_text("\n".join(lines) + "\n")


Step = Callable[[int], Awaitable[None]]
# (name printed, requests per run, the step's function name)
STEPS = (
    ("GET /api/orders/{id}", GETS, "get_order"),
    ("search with offers (JFK-LHR, 1 adult)", SEARCHES, "search_offers"),
    ("booking (re-check + instant order)", BOOKINGS, "book"),
)


def prepare() -> tuple[Caller, dict[str, Step]]:
    """The app on a fresh SQLite file, an account with an order and a pool of offers
    found on ``ROUTES``; the caller and each step by name (its argument: the index of
    the call, which picks the offer a booking takes)."""
    folder = tempfile.mkdtemp(prefix="fb-request-cost-")
    url = f"sqlite:///{folder}/farebridge.db"
    os.environ.update(servers.without_limits(url))
    upgrade(url)
    configure_logging("WARNING", json=True)
    settings = Settings(database_url=url)
    app = create_app(build(settings), settings)
    settle_heap()  # as the API process does once built (api/main.py)
    with TestClient(app) as client:
        headers = register(client, "cost@test.com")
        pool = [
            offer
            for origin, destination in ROUTES
            for days in (20, 27, 34, 41)
            for offer in search(client, headers, origin=origin, destination=destination, days=days)[
                "offers"
            ]
        ]
        first = client.post("/api/orders", json=order_body(pool[0]), headers=headers).json()
    order_id = first["data"]["id"]
    call = Caller(app, headers["Authorization"])
    body = {
        "data": {
            "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date(30)}],
            "passengers": [{"type": "adult"}],
            "max_connections": 0,
        }
    }

    async def get_order(_: int) -> None:
        await call("GET", f"/api/orders/{order_id}")

    async def search_offers(_: int) -> None:
        await call("POST", "/api/offer-requests", body, "return_offers=true")

    async def book(index: int) -> None:
        offer = pool[(index + 1) % len(pool)]
        await call("GET", f"/api/offers/{offer['id']}")
        await call("POST", "/api/orders", order_body(offer))

    return call, {"get_order": get_order, "search_offers": search_offers, "book": book}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    call, by_name = prepare()
    print(f"request cost inside the API process (SQLite, medians of {rounds} runs):")
    profiles = os.environ.get("BENCH_PROFILE", "")
    steps = os.environ.get("BENCH_STEPS", "get_order,search_offers,book").split(",")
    for name, count, step_name in STEPS:
        if step_name not in steps:
            continue
        step = by_name[step_name]
        call.statements.clear()
        profile = None
        if profiles:
            Path(profiles).mkdir(parents=True, exist_ok=True)
            profile = Path(profiles) / f"request_cost-{step.__name__}.raw"
        cpu, wall = _timed(rounds, count, step, profile)
        print(f"  {name}: CPU {cpu:.2f} ms, wall {wall:.2f} ms")
    if "book" not in steps:
        return
    per_booking = {
        kind: n / ((rounds + bool(profiles)) * BOOKINGS) for kind, n in call.statements.items()
    }
    total = sum(per_booking.values())
    kinds = ", ".join(f"{n:.0f} {kind}" for kind, n in sorted(per_booking.items()))
    print(f"  SQL statements per booking: {total:.0f} ({kinds})")


if __name__ == "__main__":
    main()

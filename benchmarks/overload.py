"""Overload behaviour (issue 13, item 5): ``python -m benchmarks.overload [DATABASE_URL]``.

Starts ``farebridge api --workers 2`` and ``farebridge worker --concurrency 2`` as
subprocesses on PostgreSQL (DATABASE_URL, else FAREBRIDGE_BENCH_DATABASE_URL, else
``postgresql+psycopg://postgres@127.0.0.1:5432/fb_overload_bench``, created when
missing, migrated), with shared limits in Redis (FAREBRIDGE_BENCH_REDIS_URL, default
``redis://127.0.0.1:6379/5``), and drives a mix of flows from many accounts over
loopback: searches (``POST /api/offer-requests?return_offers=true``), orders (a search,
then an instant ``POST /api/orders`` with payment) and log-ins. Per-account limits are
left on (many accounts keep each under them); the per-address log-in limit and back-off
are off, because every flow comes from 127.0.0.1.

Phases: (a) calibrate: closed loop, ``BENCH_CLIENTS`` flows at a time (default 8) for
``BENCH_CALIBRATE_SECONDS`` (15): the sustainable rate of the mix in flows/s;
(b) burst: open loop at twice that rate (or twice ``BENCH_RATE`` when set, to compare
settings at one load) for ``BENCH_BURST_SECONDS`` (20); (c) recovery:
open loop at half the rate for ``BENCH_RECOVERY_SECONDS`` (20), then the job queue drains
(every paid order's ticket issued, waiting at most 60 s). ``/health`` is probed every
50 ms on a fresh connection from a process of its own during all phases.

Prints per phase: requests by kind and status, 5xx, client timeouts, the share of 429
that carry Retry-After, /health p50/p95/p99/max, the longest job lag; then the time from
the end of the burst to the first second whose requests all succeeded, and how long the
tickets took. Nothing asserts a time. Bounded: about two and a half minutes.
"""

from __future__ import annotations

import asyncio
import http.client
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

import httpx
from sqlalchemy import Engine, bindparam, create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks import servers
from farebridge.settings import Settings
from farebridge.store.migrate import upgrade
from farebridge.store.tables import jobs, orders

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/fb_overload_bench"
PORT = int(os.environ.get("BENCH_PORT", "8810"))
BASE = f"http://127.0.0.1:{PORT}"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
CALIBRATE_SECONDS = float(os.environ.get("BENCH_CALIBRATE_SECONDS", "15"))
BURST_SECONDS = float(os.environ.get("BENCH_BURST_SECONDS", "20"))
RECOVERY_SECONDS = float(os.environ.get("BENCH_RECOVERY_SECONDS", "20"))
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "120"))
FIXED_RATE = float(os.environ.get("BENCH_RATE", "0"))
PASSWORD = "correct-horse-battery"
ROUTES = [("JFK", "LHR"), ("LHR", "FRA"), ("CDG", "JFK"), ("FRA", "SIN"), ("MAD", "JFK")]
# flows: half searches, a quarter orders (search + order), a quarter log-ins
MIX = ("search", "search", "order", "login")
CLIENT_TIMEOUT = 30.0


def ensure_database(url: str) -> None:
    """Create the benchmark's database when it does not exist (PostgreSQL only)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as db:
            name = target.database
            found = db.execute(text("select 1 from pg_database where datname = :n"), {"n": name})
            if found.first() is None:
                db.execute(text(f'create database "{name}"'))
    finally:
        admin.dispose()


def server_environment(url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FAREBRIDGE_DATABASE_URL": url,
        "FAREBRIDGE_REDIS_URL": redis_url,
        "FAREBRIDGE_REDIS_KEY_PREFIX": f"fbbench-{uuid.uuid4().hex[:8]}",
        "FAREBRIDGE_LOGIN_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_LOGIN_FREE_FAILURES_PER_IP": "0",
        "FAREBRIDGE_REGISTER_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_LOG_LEVEL": "WARNING",
    }


def start_system(env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    cli = [sys.executable, "-m", "farebridge.cli"]
    api = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*cli, "api", "--port", str(PORT), "--workers", "2"], env=env
    )
    worker = subprocess.Popen([*cli, "worker", "--concurrency", "2"], env=env)  # noqa: S603
    processes = [api, worker]
    servers.wait_for_health(BASE, processes)
    return processes


# --- /health, probed from a process of its own -------------------------------------


def probe_health(stop: Any, results: Connection) -> None:
    """Every 50 ms, GET /health on a fresh connection, as a load balancer probes:
    (sent at, seconds, status). http.client: no client-side work worth measuring."""
    samples: list[tuple[float, float, int]] = []
    while not stop.is_set():
        sent = time.time()
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
        try:
            connection.request("GET", "/health")
            status = connection.getresponse().status
        except OSError:
            status = 0
        finally:
            connection.close()
        samples.append((sent, time.perf_counter() - started, status))
        time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))
    results.send(samples)
    results.close()


# --- the load ---------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    status: int  # 0: client timeout or connection error
    sent_at: float
    retry_after: bool


@dataclass
class Load:
    client: httpx.AsyncClient
    tokens: list[str]
    emails: list[str]
    outcomes: list[Outcome] = field(default_factory=list)
    paid_orders: list[str] = field(default_factory=list)

    async def call(self, kind: str, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        sent = time.time()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError:
            self.outcomes.append(Outcome(kind, 0, sent, False))
            return None
        retry = "retry-after" in response.headers
        self.outcomes.append(Outcome(kind, response.status_code, sent, retry))
        return response

    async def search(self, n: int, *, offers: bool = False) -> list[dict[str, Any]]:
        origin, destination = ROUTES[n % len(ROUTES)]
        day = (datetime.now(UTC).date() + timedelta(days=20 + n % 60)).isoformat()
        body = {
            "data": {
                "slices": [{"origin": origin, "destination": destination, "departure_date": day}],
                "passengers": [{"type": "adult"}],
                "max_connections": 0,
            }
        }
        response = await self.call(
            "search",
            "POST",
            "/api/offer-requests?return_offers=true",
            json=body,
            headers=self.auth(n),
        )
        if not offers or response is None or response.status_code != 201:
            return []  # the client reads the offers of an order's search only
        found: list[dict[str, Any]] = response.json()["data"]["offers"]
        return found

    async def order(self, n: int) -> None:
        offers = await self.search(n, offers=True)
        if not offers:
            return
        offer = random.Random(n).choice(offers)
        response = await self.call(
            "order",
            "POST",
            "/api/orders",
            json=servers.instant_order_body(offer),
            headers=self.auth(n),
        )
        if response is not None and response.status_code == 201:
            self.paid_orders.append(response.json()["data"]["id"])

    async def login(self, n: int) -> None:
        body = {"email": self.emails[n % len(self.emails)], "password": PASSWORD}
        await self.call("login", "POST", "/api/auth/login", json=body)

    async def flow(self, n: int) -> None:
        kind = MIX[n % len(MIX)]
        if kind == "search":
            await self.search(n)
        elif kind == "order":
            await self.order(n)
        else:
            await self.login(n)

    def auth(self, n: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[n % len(self.tokens)]}"}


async def accounts(client: httpx.AsyncClient, count: int) -> tuple[list[str], list[str]]:
    run = uuid.uuid4().hex[:8]
    emails = [f"load-{run}-{n}@test.com" for n in range(count)]
    gate = asyncio.Semaphore(4)

    async def post(path: str, body: dict[str, str]) -> httpx.Response:
        while True:  # a busy box: honour Retry-After (hashing or the process is full)
            response = await client.post(path, json=body)
            if response.status_code != 429:
                response.raise_for_status()
                return response
            await asyncio.sleep(float(response.headers.get("retry-after", "1")))

    async def one(email: str) -> str:
        async with gate:
            body = {"email": email, "password": PASSWORD}
            await post("/api/auth/register", body)
            login = await post("/api/auth/login", body)
            return str(login.json()["data"]["access_token"])

    tokens = await asyncio.gather(*(one(email) for email in emails))
    return emails, list(tokens)


async def closed_loop(load: Load, seconds: float, clients: int) -> float:
    """Flows per second completed with every request 2xx, ``clients`` at a time."""
    stop = time.monotonic() + seconds
    done = 0
    counter = iter(range(10**9))

    async def client_loop() -> None:
        nonlocal done
        while time.monotonic() < stop:
            before = len(load.outcomes)
            await load.flow(next(counter))
            if all(200 <= o.status < 300 for o in load.outcomes[before:]):
                done += 1

    started = time.monotonic()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return done / (time.monotonic() - started)


async def open_loop(
    load: Load, seconds: float, rate: float, first: int
) -> list[asyncio.Task[None]]:
    """Start flows at ``rate`` a second for ``seconds``, whatever the answers; the flows
    still running at the end are returned, not awaited."""
    started = time.monotonic()
    tasks = []
    count = int(seconds * rate)
    for i in range(count):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(load.flow(first + i)))
    await asyncio.sleep(max(0.0, started + seconds - time.monotonic()))
    return tasks


# --- the job queue ----------------------------------------------------------------


class LagSampler(threading.Thread):
    """The longest-waiting due job's wait, sampled every second: (time, seconds)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(daemon=True)
        self.engine = engine
        self.samples: list[tuple[float, float]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        query = select(func.min(jobs.c.run_after)).where(
            jobs.c.status == "queued", jobs.c.run_after <= func.now()
        )
        while not self.stopped.wait(1.0):
            with self.engine.connect() as db:
                oldest = db.execute(query).scalar()
            lag = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
            self.samples.append((time.time(), max(lag, 0.0)))


def wait_for_tickets(engine: Engine, order_ids: list[str], limit: float) -> tuple[float, int]:
    """Seconds until every paid order is ticketed (or ``limit``), and how many are not."""
    started = time.monotonic()
    query = select(func.count()).where(
        orders.c.id.in_(bindparam("ids", expanding=True)), orders.c.status != "ticketed"
    )
    while True:
        with engine.connect() as db:
            left = int(db.execute(query, {"ids": order_ids}).scalar() or 0) if order_ids else 0
        if left == 0 or time.monotonic() - started > limit:
            return time.monotonic() - started, left
        time.sleep(0.5)


# --- the report -------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report_phase(
    name: str,
    window: tuple[float, float],
    outcomes: list[Outcome],
    health: list[tuple[float, float, int]],
    lags: list[tuple[float, float]],
) -> dict[str, float]:
    start, end = window
    mine = [o for o in outcomes if start <= o.sent_at < end]
    statuses = Counter((o.kind, o.status) for o in mine)
    server_errors = sum(1 for o in mine if o.status >= 500)
    timeouts = sum(1 for o in mine if o.status == 0)
    refused = [o for o in mine if o.status == 429]
    with_retry = sum(1 for o in refused if o.retry_after)
    probes = [(s, status) for sent, s, status in health if start <= sent < end]
    seconds = [s * 1000 for s, _ in probes]
    failed_probes = sum(1 for _, status in probes if status != 200)
    lag = max((value for at, value in lags if start <= at < end), default=0.0)
    print(f"({name}) {len(mine)} requests in {end - start:.0f} s")
    by_kind: dict[str, list[str]] = {}
    for (kind, status), count in sorted(statuses.items()):
        by_kind.setdefault(kind, []).append(f"{status or 'timeout'}: {count}")
    for kind, parts in by_kind.items():
        print(f"    {kind:7} {', '.join(parts)}")
    share = 100.0 * with_retry / len(refused) if refused else 100.0
    print(
        f"    5xx {server_errors}, client timeouts {timeouts}, 429 {len(refused)} "
        f"({share:.0f} % with Retry-After)"
    )
    print(
        f"    /health {len(probes)} probes ({failed_probes} failed): p50 "
        f"{percentile(seconds, 0.5):.1f} ms, p95 {percentile(seconds, 0.95):.1f} ms, p99 "
        f"{percentile(seconds, 0.99):.1f} ms, max {max(seconds, default=0.0):.1f} ms"
    )
    print(f"    longest job lag {lag:.1f} s")
    return {
        "5xx": server_errors,
        "timeouts": timeouts,
        "retry_share": share,
        "health_p99": percentile(seconds, 0.99),
        "health_max": max(seconds, default=0.0),
    }


def first_clean_second(outcomes: list[Outcome], burst_end: float, end: float) -> float | None:
    """Seconds from ``burst_end`` to the start of the first second (by time sent)
    whose requests all got a 2xx (refusals of full flights, 409, count as answers)."""
    buckets: dict[int, list[int]] = {}
    for outcome in outcomes:
        if burst_end <= outcome.sent_at < end:
            buckets.setdefault(int(outcome.sent_at - burst_end), []).append(outcome.status)
    for second in sorted(buckets):
        if all(200 <= status < 300 or status == 409 for status in buckets[second]):
            return float(second)
    return None


async def run_load(load: Load, marks: dict[str, float]) -> float:
    marks["calibrate"] = time.time()
    rate = await closed_loop(load, CALIBRATE_SECONDS, CLIENTS)
    print(f"sustainable rate (closed loop, {CLIENTS} flows at a time): {rate:.1f} flows/s")
    if FIXED_RATE:  # to compare settings at one load
        rate = FIXED_RATE
        print(f"the burst and the recovery use BENCH_RATE={rate:.1f} flows/s instead")
    marks["burst"] = time.time()
    running = await open_loop(load, BURST_SECONDS, 2 * rate, 10**6)
    marks["recovery"] = time.time()  # the burst's last flows may still be running
    running += await open_loop(load, RECOVERY_SECONDS, rate / 2, 2 * 10**6)
    marks["end"] = time.time()
    await asyncio.gather(*running)
    marks["answered"] = time.time()
    return rate


async def drive(marks: dict[str, float]) -> tuple[Load, float]:
    limits = httpx.Limits(max_connections=4000, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=BASE, timeout=CLIENT_TIMEOUT, limits=limits) as client:
        emails, tokens = await accounts(client, ACCOUNTS)
        load = Load(client, tokens, emails)
        rate = await run_load(load, marks)
    return load, rate


def main(url: str) -> None:
    redis_url = os.environ.get("FAREBRIDGE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    ensure_database(url)
    upgrade(url)
    engine = create_engine(url, pool_size=2)
    processes = start_system(server_environment(url, redis_url))
    stop = multiprocessing.Event()
    receiver, sender = multiprocessing.Pipe(duplex=False)
    prober = multiprocessing.Process(target=probe_health, args=(stop, sender))
    lag = LagSampler(engine)
    marks: dict[str, float] = {}
    try:
        prober.start()
        lag.start()
        load, rate = asyncio.run(drive(marks))
        drained, left = wait_for_tickets(engine, load.paid_orders, 60.0)
        marks["drained"] = time.time()
    finally:
        servers.stop(processes)
        stop.set()
        lag.stopped.set()
        health = receiver.recv() if receiver.poll(10) else []
        prober.join(10)
        engine.dispose()
    knobs = Settings(database_url=url)
    print(
        f"2 API processes + 2 workers, {os.cpu_count()} CPUs (load average "
        f"{os.getloadavg()[0]:.1f}), {ACCOUNTS} accounts, {url}; per API process: "
        f"{knobs.max_requests_in_flight} requests in flight (0: no cap), queue "
        f"{knobs.request_queue_size} for {knobs.request_queue_seconds} s, database pool "
        f"{knobs.database_pool_size} (timeout {knobs.database_pool_timeout_seconds} s)"
    )
    phases = [
        ("calibrate", marks["calibrate"], marks["burst"]),
        (f"burst at {2 * rate:.1f} flows/s", marks["burst"], marks["recovery"]),
        (f"recovery at {rate / 2:.1f} flows/s", marks["recovery"], marks["end"]),
    ]
    print(f"the last request was answered {marks['answered'] - marks['end']:.1f} s after the end")
    for name, start, end in phases:
        report_phase(name, (start, end), load.outcomes, health, lag.samples)
    clean = first_clean_second(load.outcomes, marks["recovery"], marks["end"])
    clean_text = "none" if clean is None else f"{clean:.0f} s"
    print(f"first fully successful second after the burst: {clean_text}")
    print(
        f"paid orders {len(load.paid_orders)}: tickets issued for all but {left} "
        f"{drained:.1f} s after the load ended"
    )


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    database = sys.argv[1] if len(sys.argv) > 1 else None
    main(database or os.environ.get("FAREBRIDGE_BENCH_DATABASE_URL") or DEFAULT_URL)

"""Load on the booking path (issue 14): ``make bench-load`` / ``python -m benchmarks.load``.

For each configuration in ``BENCH_CONFIGS`` (default
``sqlite:1:1,postgres:1:1,postgres:2:2``: database, API processes, worker processes) it
starts ``farebridge api`` and ``farebridge worker`` as processes of their own on a fresh
database (SQLite: a temporary file; PostgreSQL: ``FAREBRIDGE_BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/fb_load_bench``, created when missing and
emptied first), rate limits off, everything else at its defaults, and drives it over
loopback from an asyncio client (aiohttp) in this process, which shares the two cores:

- **bookings**: each client re-checks an offer (``GET /api/offers/{id}``) and books it
  (``POST /api/orders``, instant, paid by card), again and again, at 16 and at 64
  clients: bookings per second, and the POST's p50/p95;
- **ticketing lag**: from each of those orders' payment to its first ticket (database
  timestamps), p50/p95, waiting at most ``BENCH_DRAIN_SECONDS`` (60) after the load;
- **the worker's backlog**: then the phases below wait (at most ``BENCH_SETTLE_SECONDS``,
  300) for the worker to finish the jobs the bookings left (PDFs, e-mails, webhooks),
  printing how many and how fast, so that they measure the API rather than the API
  beside a worker catching up;
- **GET order**: 64 clients each reading one of its own orders;
- **search**: 16 clients searching with ``return_offers=true`` (routes and days vary);
- **hot flight**: one flight left with 150 seats, 200 clients each searching its route and
  booking it until it is sold out: seconds to sell out, and how many were oversold
  (orders confirmed beyond 150 seats, and the inventory's count, which must be 0).

A 429 (the admission queue or a pool full) is counted and retried after its
``Retry-After``. ``BENCH_SECONDS`` (15) per timed phase, ``BENCH_RUNS`` (1) runs per
configuration (medians printed). ``BENCH_PROFILE=DIR``: py-spy samples the API and
worker processes during the 64-client bookings and writes, per process kind, the raw
stacks and the top functions by self time (``DIR/<config>-api.txt``…), printing the top 12.
The processes inherit this environment, so ``FAREBRIDGE_WORKER_NICE=N`` tries the
worker's priority (ADR 0044). Nothing asserts a time.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import Engine, create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from benchmarks import servers
from benchmarks.overload import ensure_database
from farebridge.store.migrate import upgrade
from farebridge.store.tables import documents, jobs, orders, sandbox_inventory

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/fb_load_bench"
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
RUNS = int(os.environ.get("BENCH_RUNS", "1"))
DRAIN_SECONDS = float(os.environ.get("BENCH_DRAIN_SECONDS", "60"))
SETTLE_SECONDS = float(os.environ.get("BENCH_SETTLE_SECONDS", "300"))
PROFILE_DIR = os.environ.get("BENCH_PROFILE", "")
# the phases to run (all by default): bookings (with the ticketing lag), get, search, hot
PHASES = set(os.environ.get("BENCH_PHASES", "bookings,get,search,hot").split(","))
PASSWORD = "correct-horse-battery"
ROUTES = [
    ("JFK", "LHR"),
    ("LHR", "JFK"),
    ("LHR", "FRA"),
    ("CDG", "JFK"),
    ("FRA", "SIN"),
    ("MAD", "JFK"),
    ("LHR", "DXB"),
    ("SFO", "NRT"),
]
HOT_SEATS = 150
HOT_CLIENTS = 200
TIMEOUT = aiohttp.ClientTimeout(total=60)


@dataclass(frozen=True)
class Config:
    database: str  # sqlite | postgres
    apis: int
    workers: int

    @property
    def name(self) -> str:
        return f"{self.database}-{self.apis}api-{self.workers}w"

    @property
    def title(self) -> str:
        apis = "1 API process" if self.apis == 1 else f"{self.apis} API processes"
        workers = "1 worker" if self.workers == 1 else f"{self.workers} workers"
        label = "SQLite" if self.database == "sqlite" else "PostgreSQL"
        return f"{label}, {apis}, {workers}"


def parse_configs(text_: str) -> list[Config]:
    configs = []
    for item in text_.split(","):
        database, apis, workers = item.strip().split(":")
        if database not in ("sqlite", "postgres"):
            raise SystemExit(f"BENCH_CONFIGS: unknown database {database!r}")
        configs.append(Config(database, int(apis), int(workers)))
    return configs


# --- the system under load ---------------------------------------------------------


@dataclass
class System:
    url: str
    base: str
    processes: list[subprocess.Popen[bytes]]
    engine: Engine
    scratch: Path | None = None

    def pid(self, kind: str) -> int:
        """The API's or the worker's top process (its children are sampled with it)."""
        return self.processes[0 if kind == "api" else 1].pid


def fresh_database(config: Config) -> tuple[str, Path | None]:
    if config.database == "sqlite":
        scratch = Path(tempfile.mkdtemp(prefix="farebridge-load-"))
        return f"sqlite:///{scratch / 'load.db'}", scratch
    url = os.environ.get("FAREBRIDGE_BENCH_DATABASE_URL") or DEFAULT_PG
    ensure_database(url)
    target = make_url(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as db:  # empty it: every run starts from the same state
        db.execute(text(f"drop schema public cascade; create schema public; -- {target.database}"))
    engine.dispose()
    return url, None


def start(config: Config) -> System:
    url, scratch = fresh_database(config)
    upgrade(url)
    port = servers.free_port()
    env = servers.without_limits(url)
    cli = [sys.executable, "-m", "farebridge.cli"]
    api = [*cli, "api", "--port", str(port), "--workers", str(config.apis)]
    worker = [*cli, "worker", "--concurrency", str(config.workers)]
    processes = [
        subprocess.Popen(api, env=env),  # noqa: S603 - our own interpreter and module
        subprocess.Popen(worker, env=env),  # noqa: S603
    ]
    base = f"http://127.0.0.1:{port}"
    servers.wait_for_health(base, processes)
    return System(url, base, processes, create_engine(url, pool_size=2), scratch)


def shut(system: System) -> None:
    servers.stop(system.processes)
    system.engine.dispose()
    if system.scratch is not None:
        shutil.rmtree(system.scratch, ignore_errors=True)


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and its descendants, from /proc (Linux; 0
    elsewhere): what a phase cost the server, whatever else the machine was doing."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else []:
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, wanted = 0.0, {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    for pid in wanted:
        total += times.get(pid, 0.0)
    return total


class CpuMeter:
    """CPU ms per completed operation of the API, the worker and this load client (which
    shares the cores) over one phase."""

    def __init__(self, system: System) -> None:
        self.pids = (system.processes[0].pid, system.processes[1].pid)
        self.before = tuple(cpu_seconds(pid) for pid in self.pids)
        self.client_before = time.process_time()

    def per(self, count: int) -> str:
        api, worker = (1000 * seconds / max(count, 1) for seconds in self.used())
        client = 1000 * (time.process_time() - self.client_before) / max(count, 1)
        return (
            f"CPU per operation: API {api:.2f} ms, worker {worker:.2f} ms, "
            f"load client {client:.2f} ms"
        )

    def used(self) -> tuple[float, float]:
        """CPU seconds the API and the worker used since the meter was made."""
        api, worker = (
            cpu_seconds(pid) - before for pid, before in zip(self.pids, self.before, strict=True)
        )
        return api, worker


# --- the client --------------------------------------------------------------------


@dataclass
class Recorder:
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.statuses[f"{kind} {status}"] += 1
        if 200 <= status < 300:
            self.latencies.setdefault(kind, []).append(seconds)


async def call(
    session: aiohttp.ClientSession,
    recorder: Recorder,
    kind: str,
    method: str,
    path: str,
    **kwargs: Any,
) -> tuple[int, Any]:
    """One request, retried after ``Retry-After`` while the answer is 429."""
    while True:
        started = time.perf_counter()
        try:
            async with session.request(method, path, **kwargs) as response:
                body = await response.json(content_type=None) if response.status != 204 else None
                status = response.status
                retry = float(response.headers.get("Retry-After", "1"))
        except (aiohttp.ClientError, TimeoutError):
            recorder.add(kind, 0, time.perf_counter() - started)
            return 0, None
        recorder.add(kind, status, time.perf_counter() - started)
        if status != 429:
            return status, body
        await asyncio.sleep(min(retry, 2.0) * random.uniform(0.5, 1.0))


async def search(
    session: aiohttp.ClientSession, recorder: Recorder, token: str, body: dict[str, Any]
) -> tuple[int, Any]:
    """A search that waits for its offers (``return_offers=true``)."""
    path = "/api/offer-requests?return_offers=true"
    return await call(session, recorder, "search", "POST", path, json=body, headers=auth(token))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def search_body(origin: str, destination: str, on: str) -> dict[str, Any]:
    return {
        "data": {
            "slices": [{"origin": origin, "destination": destination, "departure_date": on}],
            "passengers": [{"type": "adult"}],
            "max_connections": 0,
        }
    }


def order_body(offer: dict[str, Any]) -> dict[str, Any]:
    body = servers.instant_order_body(offer)
    letters = string.ascii_lowercase
    name = "".join(letters[b % 26] for b in uuid.uuid4().bytes[:10]).capitalize()
    body["passengers"][0]["given_name"] = name  # no two orders look like duplicates
    return body


async def accounts(session: aiohttp.ClientSession, count: int) -> list[str]:
    run = uuid.uuid4().hex[:8]
    gate = asyncio.Semaphore(4)
    recorder = Recorder()

    async def one(n: int) -> str:
        body = {"email": f"load-{run}-{n}@test.com", "password": PASSWORD}
        async with gate:
            await call(session, recorder, "register", "POST", "/api/auth/register", json=body)
            status, login = await call(
                session, recorder, "login", "POST", "/api/auth/login", json=body
            )
        if status != 200:
            raise SystemExit(f"log-in failed: {status} {login}")
        return str(login["data"]["access_token"])

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def offer_pools(
    session: aiohttp.ClientSession, tokens: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Each account's own offers (an offer is its searcher's), on two flights' worth of
    routes and days per account, to spread the bookings over many flights."""
    recorder = Recorder()
    pools: dict[str, list[dict[str, Any]]] = {token: [] for token in tokens}
    gate = asyncio.Semaphore(4)

    async def one(token: str, n: int) -> None:
        route = ROUTES[n % len(ROUTES)]
        async with gate:
            status, body = await search(
                session, recorder, token, search_body(*route, day(20 + n % 40))
            )
        if status == 201:
            offers = body["data"]["offers"]
            pools[token].extend(o for o in offers[:12] if len(o["slices"]) == 1)

    await asyncio.gather(
        *(one(token, 2 * i + k) for i, token in enumerate(tokens) for k in range(2))
    )
    empty = [token for token, offers in pools.items() if not offers]
    if empty:
        raise SystemExit(f"{len(empty)} accounts found no offers: {dict(recorder.statuses)}")
    return pools


async def bookings(
    session: aiohttp.ClientSession,
    pools: dict[str, list[dict[str, Any]]],
    clients: int,
    *,
    seconds: float = SECONDS,
) -> tuple[Recorder, list[tuple[str, str]], float]:
    """Re-check and book for ``seconds``; (recorder, [(order id, token)], seconds)."""
    recorder = Recorder()
    made: list[tuple[str, str]] = []
    stop = time.monotonic() + seconds

    async def client(n: int) -> None:
        tokens = list(pools)
        token = tokens[n % len(tokens)]
        pool = pools[token]
        i = n
        while time.monotonic() < stop:
            offer = pool[i % len(pool)]
            i += 1
            path = f"/api/offers/{offer['id']}"
            status, _ = await call(session, recorder, "recheck", "GET", path, headers=auth(token))
            if status != 200:
                continue
            headers = {**auth(token), "Idempotency-Key": uuid.uuid4().hex}
            body = order_body(offer)
            status, answer = await call(
                session, recorder, "order", "POST", "/api/orders", json=body, headers=headers
            )
            if status == 201:
                made.append((answer["data"]["id"], token))

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return recorder, made, time.monotonic() - started


async def reads(
    session: aiohttp.ClientSession, owned: list[tuple[str, str]], clients: int
) -> tuple[Recorder, float]:
    recorder = Recorder()
    stop = time.monotonic() + SECONDS

    async def client(n: int) -> None:
        order_id, token = owned[n % len(owned)]
        while time.monotonic() < stop:
            await call(
                session, recorder, "get", "GET", f"/api/orders/{order_id}", headers=auth(token)
            )

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return recorder, time.monotonic() - started


async def searches(
    session: aiohttp.ClientSession, tokens: list[str], clients: int
) -> tuple[Recorder, float]:
    recorder = Recorder()
    stop = time.monotonic() + SECONDS

    async def client(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            route = ROUTES[i % len(ROUTES)]
            body = search_body(*route, day(10 + (i // len(ROUTES)) % 90))
            i += clients
            await search(session, recorder, tokens[n % len(tokens)], body)

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return recorder, time.monotonic() - started


def flight_of(offer: dict[str, Any]) -> tuple[str, str]:
    segment = offer["slices"][0]["segments"][0]
    carrier = segment["marketing_carrier"]["iata_code"]
    return f"{carrier}{segment['marketing_carrier_flight_number']}", segment["departing_at"][:10]


def cabin(offer: dict[str, Any]) -> str:
    return str(offer["slices"][0]["segments"][0]["cabin_class"])


async def hot_flight(
    session: aiohttp.ClientSession, system: System, tokens: list[str]
) -> dict[str, float]:
    """One flight with HOT_SEATS economy seats left; HOT_CLIENTS clients search and book it."""
    recorder = Recorder()
    origin, destination = "LHR", "CDG"
    on = day(120)
    status, body = await search(session, recorder, tokens[0], search_body(origin, destination, on))
    offers = [o for o in body["data"]["offers"] if cabin(o) == "economy"]
    if status != 201 or not offers:
        raise SystemExit("hot flight: no economy offer LHR-CDG")
    flight, departure = flight_of(offers[0])
    departure_on = datetime.fromisoformat(departure).date()
    with system.engine.begin() as db:
        found = db.execute(
            update(sandbox_inventory)
            .where(
                sandbox_inventory.c.flight == flight,
                sandbox_inventory.c.departure_on == departure_on,
                sandbox_inventory.c.cabin == "economy",
            )
            .values(available=HOT_SEATS)
        )
        if found.rowcount == 0:
            db.execute(
                sandbox_inventory.insert().values(
                    flight=flight,
                    departure_on=departure_on,
                    cabin="economy",
                    available=HOT_SEATS,
                )
            )
    sold: list[float] = []
    started = time.monotonic()

    async def client(n: int) -> None:
        token = tokens[n % len(tokens)]
        while time.monotonic() - started < 60:
            status, body = await search(
                session, recorder, token, search_body(origin, destination, on)
            )
            if status != 201:
                continue
            mine = [
                o
                for o in body["data"]["offers"]
                if flight_of(o) == (flight, departure) and cabin(o) == "economy"
            ]
            if not mine:
                return  # the flight no longer offers economy: sold out
            headers = {**auth(token), "Idempotency-Key": uuid.uuid4().hex}
            status, _ = await call(
                session,
                recorder,
                "order",
                "POST",
                "/api/orders",
                json=order_body(mine[0]),
                headers=headers,
            )
            if status == 201:
                sold.append(time.monotonic() - started)
                return

    await asyncio.gather(*(client(n) for n in range(HOT_CLIENTS)))
    with system.engine.connect() as db:
        left = db.execute(
            select(sandbox_inventory.c.available).where(
                sandbox_inventory.c.flight == flight,
                sandbox_inventory.c.departure_on == departure_on,
                sandbox_inventory.c.cabin == "economy",
            )
        ).scalar_one()
    statuses = ", ".join(f"{key}: {n}" for key, n in sorted(recorder.statuses.items()))
    print(f"    hot flight answers: {statuses}")
    return {
        "sold": len(sold),
        "seconds": max(sold, default=float("nan")),
        "oversold": max(len(sold) - HOT_SEATS, 0) + max(-left, 0),
        "left": left,
    }


def settle(system: System, figures: dict[str, float]) -> None:
    """Wait (at most SETTLE_SECONDS) for the worker to finish the jobs the bookings left
    (PDFs, e-mails, webhooks: bulk jobs wait while tickets are due), so that the phases
    after measure the API alone rather than the API beside a worker catching up."""
    live = select(func.count()).select_from(jobs).where(jobs.c.status.in_(("queued", "running")))
    started = time.monotonic()
    with system.engine.connect() as db:
        backlog = db.execute(live).scalar_one()
    left = backlog
    while left and time.monotonic() - started < SETTLE_SECONDS:
        time.sleep(1.0)
        with system.engine.connect() as db:
            left = db.execute(live).scalar_one()
    seconds = time.monotonic() - started
    figures["backlog"] = backlog
    figures["backlog seconds"] = seconds
    done = backlog - left
    print(
        f"  the worker's backlog after the bookings: {backlog} jobs, {done} done in "
        f"{seconds:.0f} s ({done / seconds if seconds else 0:.0f}/s); {left} left"
        + (f" after the {SETTLE_SECONDS:.0f} s bound" if left else "")
    )


def ticketing_lag(engine: Engine, order_ids: list[str]) -> tuple[list[float], int]:
    """Seconds from payment to first ticket per order (waiting up to DRAIN_SECONDS), and
    how many had none by then."""
    deadline = time.monotonic() + DRAIN_SECONDS
    ids = list(dict.fromkeys(order_ids))
    first_ticket = (
        select(orders.c.id, orders.c.paid_at, func.min(documents.c.issued_at).label("ticketed"))
        .join(documents, documents.c.order_id == orders.c.id, isouter=True)
        .where(orders.c.id.in_(ids))
        .group_by(orders.c.id, orders.c.paid_at)
    )
    while True:
        with engine.connect() as db:
            rows = db.execute(first_ticket).all()
        missing = sum(1 for row in rows if row.ticketed is None)
        if missing == 0 or time.monotonic() > deadline:
            lags = [
                (row.ticketed - row.paid_at).total_seconds()
                for row in rows
                if row.ticketed is not None and row.paid_at is not None
            ]
            return lags, missing
        time.sleep(0.5)


# --- profiles -------------------------------------------------------------------------


def start_profiles(
    system: System, config: Config, phase: str
) -> list[tuple[str, subprocess.Popen[bytes]]]:
    if not PROFILE_DIR:
        return []
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out = Path(PROFILE_DIR)
    out.mkdir(parents=True, exist_ok=True)
    running = []
    for kind in ("api", "worker"):
        raw = out / f"{config.name}-{phase}-{kind}.raw"
        command = [spy, "record", "--subprocesses", "--nonblocking", "--gil", "-r", "200"]
        command += ["-d", str(int(SECONDS)), "-f", "raw", "-o", str(raw)]
        command += ["-p", str(system.pid(kind))]
        running.append((kind, subprocess.Popen(command, stdout=subprocess.DEVNULL)))  # noqa: S603
    return running


def finish_profiles(
    running: list[tuple[str, subprocess.Popen[bytes]]], config: Config, phase: str
) -> None:
    for kind, process in running:
        process.wait(SECONDS + 60)
        raw = Path(PROFILE_DIR) / f"{config.name}-{phase}-{kind}.raw"
        if not raw.exists():
            print(f"    profile {kind}: py-spy wrote nothing")
            continue
        top = self_time(raw)
        summary = Path(PROFILE_DIR) / f"{config.name}-{phase}-{kind}.txt"
        summary.write_text("\n".join(f"{share:6.2f} %  {name}" for name, share in top) + "\n")
        print(f"    profile of the {kind}, {phase} at 64 clients (self time; {summary}):")
        for name, share in top[:12]:
            print(f"      {share:5.1f} %  {name}")


def self_time(raw: Path) -> list[tuple[str, float]]:
    """Leaf frames of py-spy's collapsed stacks, by share of the samples (idle excluded)."""
    leaves: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():  # py-spy sometimes reads a torn frame name
            continue
        leaf = stack.split(";")[-1]
        leaves[leaf] += int(count)
    total = sum(leaves.values()) or 1
    return [(name, 100.0 * n / total) for name, n in leaves.most_common(60)]


# --- one configuration -----------------------------------------------------------------


def p(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_config(config: Config, system: System) -> dict[str, float]:
    figures: dict[str, float] = {}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(system.base, connector=connector, timeout=TIMEOUT) as session:
        tokens = await accounts(session, 64)
        pools = await offer_pools(session, tokens)
        print(f"  {sum(len(pool) for pool in pools.values())} offers to book from")
        made_all: list[tuple[str, str]] = []
        if "bookings" in PHASES:
            for clients in (16, 64):
                made_all += await booking_phase(config, system, session, pools, clients, figures)
            lags, missing = ticketing_lag(system.engine, [order_id for order_id, _ in made_all])
            figures["lag p50"] = p(lags, 0.5)
            figures["lag p95"] = p(lags, 0.95)
            print(
                f"  ticketing lag of {len(lags)} orders: p50 {figures['lag p50']:.1f} s, p95 "
                f"{figures['lag p95']:.1f} s; {missing} without a ticket {DRAIN_SECONDS:.0f} s on"
            )
        if "get" in PHASES and not made_all:  # orders to read
            _, made_all, _ = await bookings(session, pools, 16, seconds=3.0)
        if made_all:
            settle(system, figures)
        if "get" in PHASES:
            profiles = start_profiles(system, config, "get")
            meter = CpuMeter(system)
            recorder, seconds = await reads(session, made_all, 64)
            finish_profiles(profiles, config, "get")
            got = recorder.latencies.get("get", [])
            figures["get/s"] = len(got) / seconds
            print(
                f"  GET /orders/{{id}}, 64 clients: {len(got) / seconds:.0f}/s, p50 "
                f"{p(got, 0.5) * 1000:.0f} ms p95 {p(got, 0.95) * 1000:.0f} ms; "
                f"{meter.per(len(got))}"
            )
        if "search" in PHASES:
            profiles = start_profiles(system, config, "search")
            meter = CpuMeter(system)
            recorder, seconds = await searches(session, tokens, 16)
            finish_profiles(profiles, config, "search")
            found = recorder.latencies.get("search", [])
            figures["search/s"] = len(found) / seconds
            figures["search p95"] = p(found, 0.95) * 1000
            print(
                f"  search with offers, 16 clients: {len(found) / seconds:.0f}/s, p50 "
                f"{p(found, 0.5) * 1000:.0f} ms p95 {figures['search p95']:.0f} ms; "
                f"{meter.per(len(found))}"
            )
        if "hot" in PHASES:
            meter = CpuMeter(system)
            started = time.monotonic()
            hot = await hot_flight(session, system, tokens)
            api_seconds, worker_seconds = meter.used()
            print(
                f"    hot flight CPU: API {api_seconds:.1f} s, worker {worker_seconds:.1f} s "
                f"in {time.monotonic() - started:.1f} s"
            )
            figures["hot seconds"] = hot["seconds"]
            figures["hot oversold"] = hot["oversold"]
            print(
                f"  hot flight, {HOT_CLIENTS} clients, {HOT_SEATS} seats: {hot['sold']:.0f} sold "
                f"in {hot['seconds']:.1f} s, {hot['left']:.0f} left, {hot['oversold']:.0f} oversold"
            )
    return figures


async def booking_phase(
    config: Config,
    system: System,
    session: aiohttp.ClientSession,
    pools: dict[str, list[dict[str, Any]]],
    clients: int,
    figures: dict[str, float],
) -> list[tuple[str, str]]:
    profiles = start_profiles(system, config, "bookings") if clients == 64 else []
    meter = CpuMeter(system)
    recorder, made, seconds = await bookings(session, pools, clients)
    cost = meter.per(len(made))
    posts = recorder.latencies.get("order", [])
    figures[f"bookings/s {clients}"] = len(made) / seconds
    figures[f"order p50 {clients}"] = p(posts, 0.5) * 1000
    figures[f"order p95 {clients}"] = p(posts, 0.95) * 1000
    other = {k: v for k, v in recorder.statuses.items() if not k.endswith((" 200", " 201"))}
    print(
        f"  bookings, {clients} clients: {len(made) / seconds:.0f}/s, POST /orders p50 "
        f"{figures[f'order p50 {clients}']:.0f} ms p95 {figures[f'order p95 {clients}']:.0f}"
        f" ms; other answers {dict(other) or 'none'}; {cost}"
    )
    finish_profiles(profiles, config, "bookings")
    return made


ROWS = [
    ("bookings/s 16", "bookings/s, 16 clients", "{:.0f}", ""),
    ("bookings/s 64", "bookings/s, 64 clients", "{:.0f}", "≥ 500 PG, ≥ 300 SQLite"),
    ("order p50 16", "POST /orders p50, 16 clients (ms)", "{:.0f}", ""),
    ("order p95 16", "POST /orders p95, 16 clients (ms)", "{:.0f}", "≤ 3 x p50"),
    ("get/s", "GET /orders/{id} req/s, 64 clients", "{:.0f}", "≥ 2,000"),
    ("search/s", "search with offers req/s, 16 clients", "{:.0f}", "≥ 200"),
    ("search p95", "search with offers p95 (ms)", "{:.0f}", "≤ 250"),
    ("lag p50", "ticketing lag p50 (s)", "{:.1f}", ""),
    ("lag p95", "ticketing lag p95 (s)", "{:.1f}", "≤ 2"),
    ("hot seconds", "hot flight sold out in (s)", "{:.1f}", "≤ 3"),
    ("hot oversold", "hot flight oversold", "{:.0f}", "0"),
    ("backlog", "worker backlog after the bookings (jobs)", "{:.0f}", ""),
    ("backlog seconds", "... done in (s)", "{:.0f}", ""),
]


def main() -> None:
    configs = parse_configs(os.environ.get("BENCH_CONFIGS", "sqlite:1:1,postgres:1:1,postgres:2:2"))
    print(
        f"{os.cpu_count()} CPUs, {SECONDS:.0f} s per phase, {RUNS} run(s) per configuration, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results: dict[Config, list[dict[str, float]]] = {}
    for config in configs:
        for run in range(RUNS):
            print(f"{config.title} (run {run + 1}):")
            system = start(config)
            try:
                results.setdefault(config, []).append(asyncio.run(run_config(config, system)))
            finally:
                shut(system)
    print()
    header = ["", *(c.title for c in configs), "target"]
    print(" | ".join(header))
    print(" | ".join(["---"] * len(header)))
    for key, label, form, target in ROWS:
        cells = [label]
        for config in configs:
            values = [r[key] for r in results[config] if key in r]
            cells.append(form.format(statistics.median(values)) if values else "-")
        cells.append(target)
        print(" | ".join(cells))


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    main()

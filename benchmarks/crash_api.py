"""``python -m benchmarks.crash_api [FLOWS] [DATABASE_URL]``: kill -9 the API mid-load.

Starts ``farebridge api`` as a subprocess on a fresh database, runs FLOWS
(default 200) instant-order flows over HTTP from 16 client threads (a third
of them with a declining card), kills the API with SIGKILL when about half are
done, then runs the worker's recovery sweep and jobs in this process and
counts what is left: orders per status, airline bookings holding seats with no
live order, charges kept by orders that are not live, anything still pending.
Without DATABASE_URL it uses a temporary SQLite file; pass a PostgreSQL URL to
use that database (its tables are emptied first).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from benchmarks import servers
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.observability import configure_logging
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.migrate import upgrade
from farebridge.store.tables import (
    metadata,
    orders,
    payments,
    sandbox_bookings,
    sandbox_charges,
    sandbox_refunds,
)

ROUTES = [("JFK", "LHR"), ("LHR", "FRA"), ("CDG", "JFK"), ("FRA", "SIN"), ("MAD", "JFK")]
LIVE = {"hold", "instant", "paid", "ticketing", "ticketed"}


def _start_api(url: str, port: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "FAREBRIDGE_DATABASE_URL": url,
        "FAREBRIDGE_SEARCH_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_BOOKING_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_LOG_LEVEL": "WARNING",
    }
    api = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "farebridge.cli", "api", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers.wait_for_health(f"http://127.0.0.1:{port}", [api])
    return api


def _offers(client: httpx.Client, auth: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for index, (origin, destination) in enumerate(ROUTES):
        day = (datetime.now(UTC).date() + timedelta(days=20 + index)).isoformat()
        body = {
            "slices": [{"origin": origin, "destination": destination, "departure_date": day}],
            "passengers": [{"type": "adult"}],
            "max_connections": 0,
        }
        response = client.post("/api/offer-requests?return_offers=true", json=body, headers=auth)
        found.extend(response.json()["data"]["offers"])
    return found


def _load(port: int, flows: int) -> tuple[Counter[str], int]:
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=30) as client:
        client.post("/api/auth/register", json={"email": "load@test.com", "password": "x" * 12})
        login = client.post(
            "/api/auth/login", json={"email": "load@test.com", "password": "x" * 12}
        )
        auth = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        offers = _offers(client, auth)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def flow(index: int) -> None:
        token = "tok_card_declined" if index % 3 == 0 else "tok_visa"
        body = servers.instant_order_body(offers[index % len(offers)], token)
        try:
            response = httpx.post(f"{base}/api/orders", json=body, headers=auth, timeout=30)
            outcome = str(response.status_code)
        except httpx.HTTPError:
            outcome = "connection lost"
        with lock:
            outcomes[outcome] += 1

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(flow, range(flows)))
    return outcomes, len(offers)


def _books(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    with engine.connect() as db:
        order_rows = {r.id: r for r in db.execute(select(orders))}
        payment_rows = {r.id: r for r in db.execute(select(payments))}
        bookings = list(db.execute(select(sandbox_bookings)))
        charges = [r for r in db.execute(select(sandbox_charges)) if r.succeeded]
        refunded = {r.payment_id for r in db.execute(select(sandbox_refunds))}
    engine.dispose()
    orphans = [
        b
        for b in bookings
        if b.status != "cancelled"
        and (b.request_key not in order_rows or order_rows[b.request_key].status not in LIVE)
    ]
    kept_without_order = [
        c
        for c in charges
        if c.payment_id not in refunded
        and order_rows[payment_rows[c.payment_id].order_id].status not in LIVE
    ]
    return {
        "orders by status": dict(Counter(o.status for o in order_rows.values())),
        "airline bookings holding seats with no live order": len(orphans),
        "charges kept by an order that is not live": len(kept_without_order),
        "payments still pending": sum(p.status == "pending" for p in payment_rows.values()),
    }


def _fresh_database(argument: str | None) -> str:
    if argument is None:
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'crash.db'}"
    engine = make_engine(argument)
    upgrade(argument)
    names = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as db:
        db.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return argument


def main() -> None:
    flows = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    url = _fresh_database(sys.argv[2] if len(sys.argv) > 2 else None)
    configure_logging("WARNING")
    upgrade(url)
    port = servers.free_port()
    api = _start_api(url, port)

    def kill_when_half_done() -> None:
        engine = make_engine(url)
        while api.poll() is None:
            with engine.connect() as db:
                done = db.execute(text("SELECT count(*) FROM orders")).scalar_one()
            if done >= flows // 2:
                api.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
        engine.dispose()

    killer = threading.Thread(target=kill_when_half_done)
    killer.start()
    outcomes, offer_count = _load(port, flows)
    killer.join()
    api.wait()
    print(f"database {url.split('://')[0]}, {flows} flows over {offer_count} offers")
    print(f"  client outcomes (HTTP status):  {dict(outcomes)}")
    print(f"  after kill -9, before recovery: {_books(url)}")
    settings = Settings(database_url=url, recovery_grace_seconds=0.0)
    worker = Worker(build(settings))
    started = time.monotonic()
    while True:  # a job the dead API had claimed waits for its lease (60 s) to run out
        worker.sweep()
        worker.drain()
        books = _books(url)
        waited = time.monotonic() - started
        clean = books["airline bookings holding seats with no live order"] == 0
        if clean or waited > 75:
            break
        time.sleep(5)
    print(f"  after the worker's recovery ({waited:.0f} s): {books}")


if __name__ == "__main__":
    main()

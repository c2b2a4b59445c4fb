"""``make bench``: time the spine's use cases on a fresh SQLite database.

Timings on a shared machine are noisy: every figure is a median (and p95) over
repeated runs, and nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from farebridge.bootstrap import build
from farebridge.domain.account import Role, User
from farebridge.domain.ids import new_id
from farebridge.domain.order import IdentityDocument, OrderType, Passenger
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.jobs.worker import Worker
from farebridge.observability import configure_logging
from farebridge.services import search
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.settings import Settings
from farebridge.store.migrate import upgrade

T = TypeVar("T")

ROUTES = [
    ("JFK", "LHR"),
    ("LHR", "FRA"),
    ("CDG", "JFK"),
    ("NYC", "LON"),
    ("FRA", "SIN"),
    ("LHR", "DXB"),
    ("AMS", "ATL"),
    ("ORD", "FRA"),
    ("HND", "LHR"),
    ("MAD", "JFK"),
]


def measure(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name: str, samples_ms: list[float]) -> None:
    print(
        f"{name:<44} n={len(samples_ms):>4}  median={statistics.median(samples_ms):8.2f} ms"
        f"  p95={percentile(samples_ms, 0.95):8.2f} ms"
    )


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def bench_search(services: Dependencies, rounds: int) -> list[str]:
    provider_ms, end_to_end_ms, request_ids = [], [], []
    for index in range(rounds):
        origin, destination = ROUTES[index % len(ROUTES)]
        criteria = SearchCriteria(
            (
                SliceRequest(
                    origin,
                    destination,
                    services.clock.now().date() + timedelta(days=20 + index % 60),
                ),
            ),
            (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
            max_connections=1,
        )
        provider_ms.append(
            timed(
                lambda c=criteria: services.providers.get("sandbox").search(
                    "orq_x", c, now=services.clock.now()
                )
            )
        )

        def full(c: SearchCriteria = criteria) -> None:
            request = search.create_offer_request(services, user=None, criteria=c)
            search.get_offer_request(services, user=None, request_id=request.id, wait=True)
            request_ids.append(request.id)

        end_to_end_ms.append(timed(full))
    report("sandbox search (provider only, ≤1 connection)", provider_ms)
    report("search use case (store + job + offers saved)", end_to_end_ms)
    return request_ids


def bench_orders(services: Dependencies, request_ids: list[str], rounds: int) -> None:
    user = User(new_id("usr"), "bench@example.com", Role.CUSTOMER, services.clock.now())
    with services.uow() as uow:
        uow.users.add(user, "x")
        uow.commit()
    passport = IdentityDocument("passport", "X1234567", "US", date(2040, 1, 1))
    passenger = Passenger(
        "",
        PassengerType.ADULT,
        "ms",
        "Amelia",
        "Earhart",
        date(1987, 7, 24),
        "f",
        identity_documents=(passport,),
    )
    list_ms, order_ms = [], []
    for request_id in request_ids[:rounds]:
        page, elapsed = measure(
            lambda r=request_id: search.list_offers(
                services, user=None, request_id=r, filters=OfferFilter(), page=PageRequest(limit=50)
            )
        )
        list_ms.append(elapsed)
        offer = page.items[0]
        command = CreateOrder(
            OrderType.INSTANT,
            offer.id,
            [passenger],
            payment=PaymentRequest(offer.total, PaymentMethod(PaymentType.BALANCE)),
        )
        order_ms.append(timed(lambda c=command: create_order(services, user=user, command=c)))
    report("list offers (50, sorted by amount)", list_ms)
    report("create instant order (book + charge + commit)", order_ms)
    worker = Worker(services)
    started = time.perf_counter()
    done = worker.drain()
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"{'ticketing jobs drained by one worker':<44} n={done:>4}  "
        f"mean={elapsed / max(done, 1):8.2f} ms/job"
    )


def main() -> None:
    configure_logging("WARNING")
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        started = time.perf_counter()
        services = build(Settings(database_url=url))
        services.providers.get("sandbox").search(
            "orq_warm",
            SearchCriteria(
                (SliceRequest("JFK", "LHR", services.clock.now().date() + timedelta(days=10)),),
                (OfferPassenger("pas_1", PassengerType.ADULT),),
            ),
            now=services.clock.now(),
        )
        startup_ms = (time.perf_counter() - started) * 1000
        print(f"{'start-up (places + sandbox network + 1 search)':<44} {startup_ms:8.0f} ms")
        request_ids = bench_search(services, rounds)
        bench_orders(services, request_ids, min(rounds, 50))


if __name__ == "__main__":
    main()

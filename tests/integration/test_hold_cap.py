"""The cap on live unpaid holds per account (seat spinning) holds under concurrency:
holds asked for at once cannot all take the last place (the account's row is locked
while the new hold is counted and recorded)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from threading import Barrier

from sqlalchemy import Engine, func, select

from farebridge.domain.errors import FarebridgeError
from farebridge.domain.order import OrderType
from farebridge.services.orders import CreateOrder, create_order
from farebridge.services.ports import Dependencies
from farebridge.store.tables import orders
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers

CAP = 2
RACERS = 8


def test_holds_asked_at_once_stop_at_the_cap(services: Dependencies, engine: Engine) -> None:
    capped = replace(services, policies=replace(services.policies, max_unpaid_holds=CAP))
    spinner = create_user(capped)
    # One offer per itinerary: two fare brands of the same flights for the same passenger
    # are one booking twice, refused as duplicate_booking (ADR 0015) before the cap.
    holdable = [o for o in find_offers(capped, user=spinner) if not o.requires_instant_payment]
    offers = list({o.itinerary_id: o for o in reversed(holdable)}.values())
    assert len(offers) >= RACERS, "enough holdable offers on distinct flights, one per racer"
    start = Barrier(RACERS)

    def hold(index: int) -> str:
        command = CreateOrder(OrderType.HOLD, offers[index].id, [create_passenger(id="")])
        start.wait()
        try:
            return create_order(capped, user=spinner, command=command).status.value
        except FarebridgeError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = Counter(pool.map(hold, range(RACERS)))
    assert outcomes == Counter({"hold": CAP, "too_many_holds": RACERS - CAP}), outcomes
    with engine.connect() as db:
        live = db.execute(
            select(func.count()).where(orders.c.owner_id == spinner.id, orders.c.status == "hold")
        ).scalar_one()
    assert live == CAP

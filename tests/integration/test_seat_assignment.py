"""Seats assigned by preference through create_order (ADR 0025), on SQLite and
PostgreSQL: real seat rows, free, together; re-assigned after a lost race."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from farebridge.domain.errors import FarebridgeError, SeatUnavailable
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderType, Passenger
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.domain.seat_assignment import SeatPreference, seat_positions
from farebridge.domain.seatmap import SeatMap
from farebridge.services import search
from farebridge.services.orders import CreateOrder, create_order
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.services.seat_assignment import SEAT_ATTEMPTS
from farebridge.store.tables import orders, sandbox_seats
from tests.factories import create_passenger
from tests.integration.conftest import create_user

ADULT_BORN, CHILD_BORN = date(1980, 1, 1), date(2016, 5, 5)


def _offers(
    services: Dependencies, types: list[PassengerType], *, cabin: CabinClass, days: int = 30
) -> list[Offer]:
    criteria = SearchCriteria(
        (SliceRequest("JFK", "LHR", date.today() + timedelta(days=days)),),
        tuple(OfferPassenger(new_id("pas"), t) for t in types),
        cabin_class=cabin,
        max_connections=0,
    )
    request = search.create_offer_request(services, user=None, criteria=criteria)
    search.get_offer_request(services, user=None, request_id=request.id, wait=True)
    page = search.list_offers(
        services,
        user=None,
        request_id=request.id,
        filters=OfferFilter(),
        page=PageRequest(limit=50),
    )
    return [o for o in page.items if not o.requires_instant_payment]


def _family(offer: Offer, preferences: list[SeatPreference | None]) -> list[Passenger]:
    passengers = []
    for offered, preference in zip(offer.passengers, preferences, strict=True):
        born = CHILD_BORN if offered.type is PassengerType.CHILD else ADULT_BORN
        passenger = create_passenger(id=offered.id, type=offered.type, born_on=born)
        passengers.append(replace(passenger, seat_preference=preference))
    return passengers


def _seat_maps(services: Dependencies, offer: Offer) -> list[SeatMap]:
    return services.providers.get("sandbox").seat_maps(offer, now=services.clock.now())


def _positions(seat_map: SeatMap) -> dict[str, SeatPreference]:
    return {d: p for c in seat_map.cabins for r in c.rows for d, p in seat_positions(r).items()}


def _taken(seat_map: SeatMap) -> set[str]:
    return {
        e.designator
        for c in seat_map.cabins
        for r in c.rows
        for s in r.sections
        for e in s
        if e.type == "seat" and e.designator and not e.available_services
    }


def _seats(order: Order) -> dict[str, str]:
    return {s.passenger_id: s.designator or "" for s in order.services if s.type == "seat"}


def test_preferences_seat_the_family_on_free_seats_that_are_booked(
    services: Dependencies, engine: Engine
) -> None:
    types = [PassengerType.ADULT, PassengerType.ADULT, PassengerType.CHILD]
    offer = next(o for o in _offers(services, types, cabin=CabinClass.BUSINESS))
    positions = _positions(_seat_maps(services, offer)[0])
    user = create_user(services)
    preferences = [SeatPreference.WINDOW, SeatPreference.AISLE, None]
    command = CreateOrder(OrderType.HOLD, offer.id, _family(offer, preferences))

    order = create_order(services, user=user, command=command)

    seats = _seats(order)
    assert set(seats) == {p.id for p in offer.passengers}
    assert len(set(seats.values())) == 3
    assert positions[seats[offer.passengers[0].id]] is SeatPreference.WINDOW
    assert positions[seats[offer.passengers[1].id]] is SeatPreference.AISLE
    assert all(s.total.amount == 0 for s in order.services), "never bought"
    assert order.total == offer.total
    rows = {int(d[:-1]) for d in seats.values()}
    assert max(rows) - min(rows) <= 1, f"the family is split: {seats}"
    assert [p.seat_preference for p in order.passengers] == preferences
    with services.uow(read_only=True) as uow:
        stored = uow.orders.get(order.id)
    assert stored is not None and _seats(stored) == seats
    assert [p.seat_preference for p in stored.passengers] == preferences
    with engine.connect() as db:
        rows_booked = db.execute(select(sandbox_seats.c.designator)).scalars().all()
    assert sorted(rows_booked) == sorted(seats.values()), "real seat rows"
    assert set(seats.values()) <= _taken(_seat_maps(services, offer)[0])


def test_without_preferences_nothing_is_assigned_and_explicit_seats_are_kept(
    services: Dependencies,
) -> None:
    types = [PassengerType.ADULT, PassengerType.ADULT]
    offer = _offers(services, types, cabin=CabinClass.ECONOMY)[0]
    user = create_user(services)
    plain = create_order(
        services,
        user=user,
        command=CreateOrder(OrderType.HOLD, offer.id, _family(offer, [None] * 2)),
    )
    assert plain.services == ()

    offer = _offers(services, types, cabin=CabinClass.ECONOMY, days=31)[0]
    seat_map = _seat_maps(services, offer)[0]
    paid = next(
        s
        for c in seat_map.cabins
        for r in c.rows
        for sec in r.sections
        for e in sec
        for s in e.available_services
        if s.total.amount > 0 and s.passenger_id == offer.passengers[0].id
    )
    command = CreateOrder(
        OrderType.HOLD,
        offer.id,
        _family(offer, [SeatPreference.WINDOW, SeatPreference.MIDDLE]),
        services=[(paid.id, 1)],
    )
    order = create_order(services, user=user, command=command)
    by_passenger = {s.passenger_id: s for s in order.services}
    assert by_passenger[offer.passengers[0].id].id == paid.id, "the explicit seat is kept"
    second = by_passenger[offer.passengers[1].id]
    assert second.total.amount == 0
    assert _positions(seat_map)[second.designator or ""] is SeatPreference.MIDDLE
    assert order.total == offer.total + paid.total


ORDERS = 8


def test_orders_racing_for_seats_never_share_one(services: Dependencies, engine: Engine) -> None:
    """All read the same seat map and want the same seats: the losers assign again."""
    types = [PassengerType.ADULT, PassengerType.ADULT]
    offer = _offers(services, types, cabin=CabinClass.BUSINESS)[0]
    users = [create_user(services) for _ in range(ORDERS)]
    preferences = [SeatPreference.WINDOW, SeatPreference.AISLE]

    def book(index: int) -> str:
        command = CreateOrder(OrderType.HOLD, offer.id, _family(offer, preferences))
        try:
            create_order(services, user=users[index], command=command)
        except FarebridgeError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=ORDERS) as pool:
        outcomes = Counter(pool.map(book, range(ORDERS)))
    assert outcomes == {"ok": ORDERS}, "a lost seat is assigned again, never an error"
    with services.uow(read_only=True) as uow:
        booked = [o for o in (uow.orders.get(i) for i in _order_ids(engine)) if o is not None]
    with engine.connect() as db:
        rows = db.execute(select(sandbox_seats.c.reference, sandbox_seats.c.designator)).all()
    seats = [d for order in booked for d in _seats(order).values()]
    assert len(seats) == len(set(seats)), "a seat twice"
    assert sorted(rows) == sorted(
        (o.booking_reference, d) for o in booked for d in _seats(o).values()
    ), "each order shows exactly the seats booked for it"
    # After the last attempt an order is booked without its assigned seats: all or none.
    assert all(len(_seats(order)) in (0, 2) for order in booked)
    assert sum(1 for order in booked if _seats(order)) >= ORDERS // 2


def _order_ids(engine: Engine) -> list[str]:
    with engine.connect() as db:
        return list(db.execute(select(orders.c.id)).scalars())


class _LosingSeats:
    """Wraps the sandbox: the first ``losses`` bookings with seats lose one to a rival,
    and the seat maps read are counted."""

    def __init__(self, services: Dependencies, monkeypatch: pytest.MonkeyPatch, losses: int):
        provider = services.providers.get("sandbox")
        self.losses, self.reads, self.booked_with = losses, 0, []
        create_booking, seat_maps = provider.create_booking, provider.seat_maps

        def losing(*args: Any, **kwargs: Any) -> Any:
            self.booked_with.append(kwargs["services"])
            if self.losses and any(s.type == "seat" for s in kwargs["services"]):
                self.losses -= 1
                raise SeatUnavailable("Taken by a rival.", field="services")
            return create_booking(*args, **kwargs)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.reads += 1
            return seat_maps(*args, **kwargs)

        monkeypatch.setattr(provider, "create_booking", losing)
        monkeypatch.setattr(provider, "seat_maps", counted)


def test_a_lost_seat_is_assigned_again_and_an_explicit_one_kept(
    services: Dependencies, monkeypatch: pytest.MonkeyPatch
) -> None:
    types = [PassengerType.ADULT, PassengerType.ADULT]
    offer = _offers(services, types, cabin=CabinClass.BUSINESS)[0]
    seat_map = _seat_maps(services, offer)[0]
    explicit = next(
        s
        for c in seat_map.cabins
        for r in c.rows
        for sec in r.sections
        for e in sec
        for s in e.available_services
        if s.passenger_id == offer.passengers[0].id
    )
    losing = _LosingSeats(services, monkeypatch, losses=1)
    command = CreateOrder(
        OrderType.HOLD,
        offer.id,
        _family(offer, [None, SeatPreference.WINDOW]),
        services=[(explicit.id, 1)],
    )
    order = create_order(services, user=create_user(services), command=command)
    first, second = ([s.id for s in attempt] for attempt in losing.booked_with)
    assert first[0] == second[0] == explicit.id, "the explicit seat is kept"
    assert len(first) == len(second) == 2, "the other passenger is assigned again"
    assert [s.id for s in order.services] == second
    assert losing.reads == 2
    with services.uow(read_only=True) as uow:
        stored = uow.orders.get(order.id)
    assert stored is not None and [s.id for s in stored.services] == second


def test_after_the_last_attempt_the_order_is_booked_without_assigned_seats(
    services: Dependencies, monkeypatch: pytest.MonkeyPatch
) -> None:
    types = [PassengerType.ADULT]
    offer = _offers(services, types, cabin=CabinClass.BUSINESS)[0]
    losing = _LosingSeats(services, monkeypatch, losses=100)
    command = CreateOrder(OrderType.HOLD, offer.id, _family(offer, [SeatPreference.AISLE]))
    order = create_order(services, user=create_user(services), command=command)
    assert order.services == ()
    assert losing.reads == SEAT_ATTEMPTS
    assert len(losing.booked_with) == SEAT_ATTEMPTS + 1
    assert losing.booked_with[-1] == ()

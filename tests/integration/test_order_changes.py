"""Voluntary order changes through the services, on SQLite and on PostgreSQL:
inventory is counted once under concurrency and across a crash (ADR 0012)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from farebridge.domain.account import User
from farebridge.domain.changes import ChangeOffer, OrderChangeStatus, SliceSpec
from farebridge.domain.errors import FarebridgeError, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderStatus, OrderType
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.domain.seatmap import SeatMap
from farebridge.jobs.worker import Worker
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.services import cancellation, changes, search
from farebridge.services.change_recovery import recover_changes
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order, get_order
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.store.sandbox_inventory import SqlSandboxInventory
from farebridge.store.tables import sandbox_bookings, sandbox_inventory, sandbox_seats
from tests.factories import create_passenger
from tests.integration.conftest import (
    create_user,
    find_offers,
    offer_of_an_airline_flying_later,
    place_order,
)

DAYS = 30


def legs_of(provider_reference: dict[str, Any]) -> list[LegKey]:
    return [
        LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])
        for leg in provider_reference["legs"]
    ]


def seats_left(engine: Engine, keys: list[LegKey]) -> dict[LegKey, int]:
    with engine.connect() as db:
        rows = db.execute(select(sandbox_inventory)).all()
    found = {LegKey(r.flight, r.departure_on, r.cabin): r.available for r in rows}
    return {key: found[key] for key in keys}


def ticketed_order(services: Dependencies, user: User, brand: str = "Flex") -> Order:
    found = find_offers(services, user=user, days=DAYS)
    offer = offer_of_an_airline_flying_later(  # change_offers asks for two days later
        services, user=user, offers=found, brand=brand, later=DAYS + 2
    )
    order = place_order(services, user=user, offer=offer, instant=True)
    Worker(services).drain()
    order = get_order(services, user=user, order_id=order.id)
    assert order.status is OrderStatus.TICKETED
    return order


def change_offers(services: Dependencies, user: User, order: Order) -> list[ChangeOffer]:
    first = order.slices[0]
    request = changes.request_change(
        services,
        user=user,
        order_id=order.id,
        remove_slice_ids=[first.id],
        add=[
            SliceSpec(
                first.origin.iata_code,
                first.destination.iata_code,
                date.today() + timedelta(days=DAYS + 2),
            )
        ],
    )
    page = changes.list_change_offers(
        services, user=user, change_request_id=request.id, page=PageRequest(limit=200)
    )
    assert page.items and len(page.items) == len(request.offer_ids)
    return page.items


def payment_for(offer: ChangeOffer) -> PaymentRequest | None:
    if offer.change_total.amount <= 0:
        return None
    return PaymentRequest(offer.change_total, PaymentMethod(PaymentType.BALANCE))


def outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except FarebridgeError as exc:
        return exc.code
    return "ok"


def test_two_confirms_at_once_change_the_order_once(services: Dependencies, engine: Engine) -> None:
    user = create_user(services)
    order = ticketed_order(services, user)
    offer = max(change_offers(services, user, order), key=lambda o: o.change_total.amount)
    old_legs = legs_of(offer.offer.provider_reference)  # the new flights
    before_new = seats_left(engine, old_legs) if _materialised(engine, old_legs) else None
    change = changes.create_change(services, user=user, change_offer_id=offer.id)

    def confirm() -> str:
        return outcome(
            lambda: changes.confirm_change(
                services, user=user, change_id=change.id, payment=payment_for(offer)
            )
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = Counter(pool.map(lambda _: confirm(), range(2)))
    assert outcomes["ok"] == 1
    assert set(outcomes) <= {"ok", "change_in_progress", "already_confirmed"}
    Worker(services).drain()
    changed = get_order(services, user=user, order_id=order.id)
    assert changed.booking_reference != order.booking_reference
    assert [s.id for s in changed.slices] == [s.id for s in offer.added]
    with engine.connect() as db:
        live = (
            db.execute(
                select(sandbox_bookings.c.reference).where(sandbox_bookings.c.status != "cancelled")
            )
            .scalars()
            .all()
        )
    assert live == [changed.booking_reference], "the old booking is released, one new one"
    after = seats_left(engine, old_legs)
    for key in old_legs:
        start = before_new[key] if before_new else after[key] + 1
        assert after[key] == start - 1, "the new seat is taken exactly once"


def _materialised(engine: Engine, keys: list[LegKey]) -> bool:
    with engine.connect() as db:
        rows = db.execute(select(sandbox_inventory)).all()
    return {LegKey(r.flight, r.departure_on, r.cabin) for r in rows} >= set(keys)


@pytest.mark.parametrize("crash_at", ["change.booked", "change.charged", "change.committed"])
def test_a_crash_after_booking_the_new_flight_holds_no_seat_twice(
    services: Dependencies, engine: Engine, crash_at: str
) -> None:
    user = create_user(services)
    order = ticketed_order(services, user)
    offers = change_offers(services, user, order)
    offer = max(offers, key=lambda o: o.change_total.amount)
    assert offer.change_total.amount > 0, "a change with something to pay"
    old_legs = legs_of(_order_legs(engine, order.booking_reference))
    new_legs = legs_of(offer.offer.provider_reference)
    held_old = seats_left(engine, old_legs)
    change = changes.create_change(services, user=user, change_offer_id=offer.id)

    def crash(step: str) -> None:
        if step == crash_at:
            raise RuntimeError(f"killed at {step}")

    dying = replace(services, checkpoint=crash)
    with pytest.raises(RuntimeError):
        changes.confirm_change(dying, user=user, change_id=change.id, payment=payment_for(offer))
    new_held = seats_left(engine, new_legs)  # both held for now: the new booking exists
    patient = replace(services, policies=replace(services.policies, recovery_grace=timedelta(0)))
    assert recover_changes(patient) == 1
    Worker(services).drain()
    current = changes.get_change(services, user=user, change_id=change.id)
    order_now = get_order(services, user=user, order_id=order.id)
    with engine.connect() as db:
        live = (
            db.execute(
                select(sandbox_bookings.c.reference).where(sandbox_bookings.c.status != "cancelled")
            )
            .scalars()
            .all()
        )
    assert len(live) == 1, "never both bookings held"
    if crash_at == "change.booked":  # not charged: undone, the old flights kept
        assert current.status is OrderChangeStatus.FAILED
        assert live == [order.booking_reference] == [order_now.booking_reference]
        assert all(v == new_held[k] + 1 for k, v in seats_left(engine, new_legs).items())
        assert seats_left(engine, old_legs) == held_old
    else:  # booked and charged: completed by the reconciler
        assert current.status is OrderChangeStatus.CONFIRMED
        assert live == [order_now.booking_reference] != [order.booking_reference]
        assert seats_left(engine, new_legs) == new_held
        assert all(v == held_old[k] + 1 for k, v in seats_left(engine, old_legs).items())
        assert order_now.documents and order_now.documents != order.documents


def _order_legs(engine: Engine, reference: str) -> dict[str, Any]:
    with engine.connect() as db:
        legs = db.execute(
            select(sandbox_bookings.c.legs).where(sandbox_bookings.c.reference == reference)
        ).scalar_one()
    return {"legs": legs}


def flex_return_trip(services: Dependencies, user: User) -> Offer:
    """A Flex JFK-LHR return, nonstop, out in DAYS days and back a week later."""
    today = date.today()
    criteria = SearchCriteria(
        (
            SliceRequest("JFK", "LHR", today + timedelta(days=DAYS)),
            SliceRequest("LHR", "JFK", today + timedelta(days=DAYS + 7)),
        ),
        (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
        max_connections=0,
    )
    request = search.create_offer_request(services, user=user, criteria=criteria, currency=None)
    search.get_offer_request(services, user=user, request_id=request.id, wait=True)
    page = PageRequest(limit=200)
    while True:
        found = search.list_offers(
            services, user=user, request_id=request.id, filters=OfferFilter(), page=page
        )
        trip = next((o for o in found.items if o.fare_brand_name == "Flex"), None)
        if trip is not None:
            return trip
        assert found.after, "a Flex return fare JFK-LHR"
        page = PageRequest(after=found.after, limit=200)


def test_changing_the_outbound_of_a_return_trip_keeps_the_return_seat(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    trip = flex_return_trip(services, user)
    order = place_order(services, user=user, offer=trip, instant=True)
    Worker(services).drain()
    order = get_order(services, user=user, order_id=order.id)
    old_legs = legs_of(_order_legs(engine, order.booking_reference))
    outbound = len(order.slices[0].segments)
    out_legs, back_legs = old_legs[:outbound], old_legs[outbound:]
    before = seats_left(engine, old_legs)
    with pytest.raises(ValidationFailed) as refused:  # the outbound after the return
        changes.request_change(
            services,
            user=user,
            order_id=order.id,
            remove_slice_ids=[order.slices[0].id],
            add=[SliceSpec("JFK", "LHR", date.today() + timedelta(days=DAYS + 9))],
        )
    assert refused.value.code == "slices_out_of_order"
    offer = change_offers(services, user, order)[0]
    new_legs = legs_of(offer.offer.provider_reference)
    for key in new_legs:
        SqlSandboxInventory(engine).set_available(key, 50)
    change = changes.create_change(services, user=user, change_offer_id=offer.id)
    changes.confirm_change(services, user=user, change_id=change.id, payment=payment_for(offer))
    Worker(services).drain()
    changed = get_order(services, user=user, order_id=order.id)
    assert [s.id for s in changed.slices] == [offer.added[0].id, order.slices[1].id]
    after = seats_left(engine, [*old_legs, *new_legs])
    assert all(after[key] == before[key] + 1 for key in out_legs), "old outbound released"
    assert all(after[key] == before[key] for key in back_legs), "return kept, held once"
    assert all(after[key] == 49 for key in new_legs), "new outbound taken once"
    # Cancelling the changed order frees everything it holds, once.
    quote = cancellation.quote_cancellation(
        services, user=user, order_id=order.id, reason="requested_by_customer"
    )
    cancellation.confirm_cancellation(services, user=user, order_id=order.id, quote_id=quote.id)
    Worker(services).drain()
    final = seats_left(engine, [*old_legs, *new_legs])
    assert all(final[key] == before[key] + 1 for key in old_legs)
    assert all(final[key] == 50 for key in new_legs)


def test_a_declined_card_releases_the_new_booking_at_once(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    order = ticketed_order(services, user)
    offer = max(change_offers(services, user, order), key=lambda o: o.change_total.amount)
    assert offer.change_total.amount > 0
    new_legs = legs_of(offer.offer.provider_reference)
    for key in new_legs:
        SqlSandboxInventory(engine).set_available(key, 50)
    change = changes.create_change(services, user=user, change_offer_id=offer.id)
    declined = PaymentRequest(
        offer.change_total, PaymentMethod(PaymentType.CARD, "tok_card_declined")
    )
    assert (
        outcome(
            lambda: changes.confirm_change(
                services, user=user, change_id=change.id, payment=declined
            )
        )
        == "card_declined"
    )
    failed = changes.get_change(services, user=user, change_id=change.id)
    assert failed.status is OrderChangeStatus.FAILED and failed.failure_code == "card_declined"
    assert seats_left(engine, new_legs) == dict.fromkeys(new_legs, 50), "released at once"
    assert get_order(services, user=user, order_id=order.id) == order, "the order is untouched"
    again = outcome(
        lambda: changes.confirm_change(services, user=user, change_id=change.id, payment=declined)
    )
    assert again == "change_failed"


def test_two_changes_of_one_order_at_once_leave_one_booking(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    order = ticketed_order(services, user)
    offers = change_offers(services, user, order)
    picked = [offers[0], offers[-1]]
    selected = [changes.create_change(services, user=user, change_offer_id=o.id) for o in picked]

    def confirm(index: int) -> str:
        return outcome(
            lambda: changes.confirm_change(
                services,
                user=user,
                change_id=selected[index].id,
                payment=payment_for(picked[index]),
            )
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = Counter(pool.map(confirm, range(2)))
    assert outcomes["ok"] == 1
    assert set(outcomes) <= {"ok", "change_in_progress", "order_changed"}
    Worker(services).drain()
    changed = get_order(services, user=user, order_id=order.id)
    with engine.connect() as db:
        live = db.execute(
            select(sandbox_bookings.c.reference, sandbox_bookings.c.legs).where(
                sandbox_bookings.c.status != "cancelled"
            )
        ).all()
    assert [row.reference for row in live] == [changed.booking_reference]
    assert all(leg["seats"] == 1 for leg in live[0].legs)


def test_a_cancelled_order_cannot_be_changed(services: Dependencies) -> None:
    user = create_user(services)
    order = ticketed_order(services, user)
    offer = change_offers(services, user, order)[0]
    change = changes.create_change(services, user=user, change_offer_id=offer.id)
    quote = cancellation.quote_cancellation(
        services, user=user, order_id=order.id, reason="requested_by_customer"
    )
    cancellation.confirm_cancellation(services, user=user, order_id=order.id, quote_id=quote.id)
    confirm = outcome(
        lambda: changes.confirm_change(
            services, user=user, change_id=change.id, payment=payment_for(offer)
        )
    )
    assert confirm == "already_cancelled"
    assert changes.get_change(services, user=user, change_id=change.id).status == "pending"


def first_free_seat(seat_map: SeatMap) -> str:
    return next(
        element.available_services[0].id
        for cabin in seat_map.cabins
        for row in cabin.rows
        for section in row.sections
        for element in section
        if element.type == "seat" and element.available_services
    )


def test_a_chosen_seat_on_the_kept_slice_moves_to_the_new_booking(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    trip = flex_return_trip(services, user)
    provider = services.providers.get("sandbox")
    seat_maps = provider.seat_maps(trip, now=services.clock.now())
    by_slice = {m.slice_id: m for m in seat_maps}
    chosen = [(first_free_seat(by_slice[item.id]), 1) for item in trip.slices]
    extras = provider.price_services(trip, chosen)
    due = trip.total
    for extra in extras:
        due = due + extra.total
    order = create_order(
        services,
        user=user,
        command=CreateOrder(
            OrderType.INSTANT,
            trip.id,
            [create_passenger(id="")],
            payment=PaymentRequest(due, PaymentMethod(PaymentType.BALANCE)),
            services=chosen,
        ),
    )
    Worker(services).drain()
    order = get_order(services, user=user, order_id=order.id)
    offer = change_offers(services, user, order)[0]
    change = changes.create_change(services, user=user, change_offer_id=offer.id)
    changes.confirm_change(services, user=user, change_id=change.id, payment=payment_for(offer))
    Worker(services).drain()
    changed = get_order(services, user=user, order_id=order.id)
    kept = [e for e in changed.services if e.type == "seat"]
    assert [e.segment_id for e in kept] == [order.slices[1].segments[0].id], "return seat kept"
    with engine.connect() as db:
        seats = db.execute(select(sandbox_seats)).all()
    assert [(row.reference, row.designator) for row in seats] == [
        (changed.booking_reference, kept[0].designator)
    ], "the outbound seat is freed, the return seat now held by the new booking"

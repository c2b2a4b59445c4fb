"""Invariants that concurrency could break, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from functools import partial

from sqlalchemy import Engine, select

from farebridge.domain.errors import FarebridgeError
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderType
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.services import cancellation, lookup, managed_cancellation, payments
from farebridge.services.jobs import JobKind
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies
from farebridge.store.sandbox_inventory import SqlSandboxInventory
from farebridge.store.tables import jobs, orders, sandbox_bookings, sandbox_inventory
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers, place_order

CLIENTS = 50
SEATS_LEFT = 3


def _outcome(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except FarebridgeError as exc:
        return exc.code
    return "ok"


def test_fifty_clients_for_the_last_three_seats(services: Dependencies, engine: Engine) -> None:
    # Flex: the booking class that stays open to the last seat (cheaper ones close earlier)
    offer = next(o for o in find_offers(services) if o.fare_brand_name == "Flex")
    legs = [
        LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])
        for leg in offer.provider_reference["legs"]
    ]
    for key in legs:
        SqlSandboxInventory(engine).set_available(key, SEATS_LEFT)
    users = [create_user(services) for _ in range(CLIENTS)]
    passenger = create_passenger(id="", born_on=date(1980, 1, 1))

    def book(index: int) -> str:
        command = CreateOrder(OrderType.HOLD, offer.id, [passenger])
        return _outcome(lambda: create_order(services, user=users[index], command=command))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        outcomes = Counter(pool.map(book, range(CLIENTS)))
    assert outcomes == {"ok": SEATS_LEFT, "offer_no_longer_available": CLIENTS - SEATS_LEFT}
    with engine.connect() as db:
        statuses = Counter(db.execute(select(orders.c.status)).scalars().all())
        active = db.execute(
            select(sandbox_bookings.c.reference).where(sandbox_bookings.c.status == "active")
        ).all()
        left = db.execute(select(sandbox_inventory.c.available)).scalars().all()
    assert statuses == {"hold": SEATS_LEFT, "failed": CLIENTS - SEATS_LEFT}
    assert len(active) == SEATS_LEFT, "a failed order holds no booking"
    assert left and all(seats == 0 for seats in left)


def test_one_payment_wins_when_ten_pay_at_once(services: Dependencies) -> None:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    order = place_order(services, user=user, offer=offer, instant=False)
    method = PaymentMethod(PaymentType.BALANCE)

    def pay(_: int) -> str:
        return _outcome(
            lambda: payments.pay_order(
                services, user=user, order_id=order.id, amount=order.total, method=method
            )
        )

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = Counter(pool.map(pay, range(10)))
    # the others see the first payment in flight (payment_in_progress) or settled (already_paid)
    assert outcomes["ok"] == 1 and sum(outcomes.values()) == 10
    assert set(outcomes) <= {"ok", "already_paid", "payment_in_progress"}
    with services.uow(read_only=True) as uow:
        paid = uow.payments.for_order(order.id)
        events = [e.type for e in uow.orders.events(order.id)]
    assert [p.status.value for p in paid] == ["succeeded"]
    assert events == ["order.created", "order.paid"]


def test_a_cancellation_is_confirmed_once(services: Dependencies, engine: Engine) -> None:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    order = place_order(services, user=user, offer=offer, instant=True)
    key = offer.provider_reference["legs"][0]
    with engine.connect() as db:
        before = db.execute(
            select(sandbox_inventory.c.available).where(sandbox_inventory.c.flight == key["flight"])
        ).scalar_one()
    quotes = [
        cancellation.quote_cancellation(services, user=user, order_id=order.id, reason="other")
        for _ in range(8)
    ]

    def confirm(index: int) -> str:
        return _outcome(
            lambda: cancellation.confirm_cancellation(
                services, user=user, order_id=order.id, quote_id=quotes[index].id
            )
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = Counter(pool.map(confirm, range(8)))
    assert outcomes["ok"] == 1 and sum(outcomes.values()) == 8
    assert set(outcomes) <= {"ok", "already_cancelled", "order_changed"}
    with engine.connect() as db:
        after = db.execute(
            select(sandbox_inventory.c.available).where(sandbox_inventory.c.flight == key["flight"])
        ).scalar_one()
    assert after == before + 1, "the seat is released exactly once"
    assert quotes[0].refund.amount == Decimal(order.total.amount)


def test_the_owner_and_a_manage_token_holder_cancel_once(
    services: Dependencies, engine: Engine
) -> None:
    """ADR 0038: the owner's and the manage token's confirmations race; one cancels, one
    refund is queued."""
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    order = place_order(services, user=user, offer=offer, instant=True)
    token = lookup.look_up_booking(
        services,
        booking_reference=order.booking_reference,
        family_name=order.passengers[0].family_name,
    ).manage_token
    mine = [
        cancellation.quote_cancellation(services, user=user, order_id=order.id, reason="other")
        for _ in range(4)
    ]
    theirs = [managed_cancellation.quote_managed_cancellation(services, token=token) for _ in "ab"]
    calls = [
        partial(cancellation.confirm_cancellation, services, user=user, order_id=order.id)
        for _ in mine
    ] + [partial(managed_cancellation.confirm_managed_cancellation, services, token=token)] * 2

    def confirm(index: int) -> str:
        quote = (mine + theirs)[index]
        return _outcome(lambda: calls[index](quote_id=quote.id))

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = Counter(pool.map(confirm, range(6)))
    assert outcomes["ok"] == 1 and sum(outcomes.values()) == 6
    assert set(outcomes) <= {"ok", "already_cancelled", "order_changed"}
    with engine.connect() as db:
        refunds = db.execute(
            select(jobs.c.payload).where(jobs.c.kind == JobKind.REFUND.value)
        ).all()
    assert len(refunds) == 1, "one refund"


def test_twenty_clients_for_one_seat(services: Dependencies) -> None:
    """A chosen seat is a row with a unique key: exactly one passenger gets it."""
    offers = find_offers(services)
    offer = next(o for o in offers if not o.requires_instant_payment)
    seat_map = services.providers.get("sandbox").seat_maps(offer, now=services.clock.now())[0]
    seat = next(
        element
        for cabin in seat_map.cabins
        for row in cabin.rows
        for section in row.sections
        for element in section
        if element.type == "seat" and element.available_services
    )
    users = [create_user(services) for _ in range(20)]

    def book(index: int) -> str:
        command = CreateOrder(
            OrderType.HOLD,
            offer.id,
            [create_passenger(id="")],
            services=[(seat.available_services[0].id, 1)],
        )
        return _outcome(lambda: create_order(services, user=users[index], command=command))

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = Counter(pool.map(book, range(20)))
    assert outcomes == {"ok": 1, "seat_unavailable": 19}
    after = services.providers.get("sandbox").seat_maps(offer, now=services.clock.now())[0]
    same = [
        e
        for c in after.cabins
        for r in c.rows
        for s in r.sections
        for e in s
        if e.designator == seat.designator
    ]
    assert same[0].available_services == ()


def _connecting_offer_out_of_sort_order(services: Dependencies) -> Offer:
    """A Flex offer of two flights whose designators sort against travel order (the
    shape that deadlocked: e.g. TP2 then TP1052)."""
    for origin, destination in (("JFK", "FCO"), ("LHR", "SFO"), ("ORD", "CDG"), ("JFK", "MAD")):
        found = find_offers(
            services, origin=origin, destination=destination, days=35, max_connections=1
        )
        for offer in found:
            flights = [leg["flight"] for leg in offer.provider_reference["legs"]]
            if len(flights) == 2 and flights != sorted(flights) and offer.fare_brand_name == "Flex":
                return offer
    raise AssertionError("no connecting offer whose flights sort against travel order")


def test_sixty_instant_orders_half_declined_on_a_connection(
    services: Dependencies, engine: Engine
) -> None:
    """Reserving and releasing take a connection's flights in one order: no deadlock,
    no 500, no airline booking left without an order, every seat accounted for."""
    offer = _connecting_offer_out_of_sort_order(services)
    legs = [
        LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])
        for leg in offer.provider_reference["legs"]
    ]
    start = 40
    for key in legs:
        SqlSandboxInventory(engine).set_available(key, start)
    users = [create_user(services) for _ in range(60)]

    def book(index: int) -> str:
        token = "tok_card_declined" if index % 2 else "tok_visa"
        payment = PaymentRequest(offer.total, PaymentMethod(PaymentType.CARD, token))
        command = CreateOrder(
            OrderType.INSTANT, offer.id, [create_passenger(id="")], payment=payment
        )
        return _outcome(lambda: create_order(services, user=users[index], command=command))

    with ThreadPoolExecutor(max_workers=60) as pool:
        outcomes = Counter(pool.map(book, range(60)))
    assert set(outcomes) <= {"ok", "card_declined", "offer_no_longer_available"}, outcomes
    # a declining card may first meet a full flight (seats held by others for a moment)
    assert outcomes["ok"] <= 30 and 0 < outcomes["card_declined"] <= 30, outcomes
    with engine.connect() as db:
        holding = (
            db.execute(
                select(sandbox_bookings.c.request_key).where(
                    sandbox_bookings.c.status != "cancelled"
                )
            )
            .scalars()
            .all()
        )
        live = set(db.execute(select(orders.c.id).where(orders.c.status == "instant")).scalars())
        left = {
            row.flight: row.available
            for row in db.execute(
                select(sandbox_inventory).where(
                    sandbox_inventory.c.flight.in_([key.flight for key in legs])
                )
            )
        }
    assert set(holding) == live and len(live) == outcomes["ok"]
    assert all(seats == start - outcomes["ok"] for seats in left.values()), left

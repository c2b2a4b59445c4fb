"""What must hold in the database after any crash and recovery, whatever was killed."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Engine, select

from farebridge.store.tables import (
    cancellations,
    documents,
    order_changes,
    orders,
    payments,
    sandbox_bookings,
    sandbox_charges,
    sandbox_inventory,
    sandbox_refunds,
    sandbox_tickets,
)

LIVE = {"hold", "instant", "paid", "ticketing", "ticketed"}
FINAL = {"ticketed", "cancelled", "failed", "expired"}


def _rows(engine: Engine, table: Any) -> list[Any]:
    with engine.connect() as db:
        return list(db.execute(select(table)).all())


def check_invariants(engine: Engine) -> Counter[str]:
    """Assert every invariant; return counts for the report."""
    order_rows = {r.id: r for r in _rows(engine, orders)}
    payment_rows = {r.id: r for r in _rows(engine, payments)}
    charges = [r for r in _rows(engine, sandbox_charges) if r.succeeded]
    refunds = _rows(engine, sandbox_refunds)
    bookings = _rows(engine, sandbox_bookings)
    refunded: dict[str, int] = defaultdict(int)
    for refund in refunds:
        refunded[refund.payment_id] += refund.amount_minor

    # nothing left half done
    assert not [o for o in order_rows.values() if o.status == "pending"], "an order stuck pending"
    assert not [p for p in payment_rows.values() if p.status == "pending"], "a payment stuck"
    for order in order_rows.values():
        assert order.status in FINAL or order.status == "hold", f"stuck {order.status}"

    change_rows = _rows(engine, order_changes)
    assert not [c for c in change_rows if c.status == "confirming"], "a change stuck confirming"
    _check_change_charges(change_rows, charges, refunded)

    # every charge has exactly one order; no order keeps two charges; no refund without one
    kept: Counter[str] = Counter()
    charged = {c.payment_id: c for c in charges}
    change_payments = {c.payment_id for c in change_rows if c.payment_id}
    for charge in charges:
        if charge.payment_id in change_payments:
            continue  # checked with its change
        payment = payment_rows.get(charge.payment_id)
        assert payment is not None, "a charge with no payment row"
        order = order_rows.get(payment.order_id)
        assert order is not None, "a charge with no order"
        if refunded[charge.payment_id] < charge.amount_minor:
            kept[order.id] += 1
            assert order.status in LIVE | {"cancelled"}, f"a {order.status} order kept money"
    assert all(count == 1 for count in kept.values()), "an order charged twice"
    for payment_id, amount in refunded.items():
        assert payment_id in charged, "a refund without a charge"
        assert amount <= charged[payment_id].amount_minor, "refunded more than charged"
    _check_cancellation_refunds(engine, order_rows, payment_rows, refunded)

    # every airline booking that holds seats is the booking of a live order (a change's
    # booking belongs to the change's order), and seats add up
    change_orders = {c.id: c.order_id for c in change_rows}
    for booking in bookings:
        order = order_rows.get(change_orders.get(booking.request_key, booking.request_key))
        assert order is not None, "an airline booking with no order"
        holding = booking.status != "cancelled"
        current = order.status in LIVE and order.booking_reference == booking.reference
        assert holding == current, f"{order.status} order, booking {booking.status}"
    _check_seats(engine, bookings)
    _check_tickets(engine, order_rows)
    return Counter(
        orders=len(order_rows),
        charges=len(charges),
        refunds=len(refunds),
        bookings_holding_seats=sum(b.status != "cancelled" for b in bookings),
        **{f"orders_{o.status}": 1 for o in order_rows.values()},
    )


def _check_change_charges(
    change_rows: list[Any], charges: list[Any], refunded: dict[str, int]
) -> None:
    """A confirmed change keeps its charge; any other change was refunded in full."""
    charged = {c.payment_id: c for c in charges}
    for change in change_rows:
        charge = charged.get(change.payment_id) if change.payment_id else None
        if charge is None:
            continue
        kept = charge.amount_minor - refunded[change.payment_id]
        expected = charge.amount_minor if change.status == "confirmed" else 0
        assert kept == expected, f"a {change.status} change kept {kept} of its charge"


def _check_cancellation_refunds(
    engine: Engine, order_rows: dict[str, Any], payment_rows: dict[str, Any], refunded: Any
) -> None:
    for quote in _rows(engine, cancellations):
        if quote.confirmed_at is None:
            continue
        paid = [
            p
            for p in payment_rows.values()
            if p.order_id == quote.order_id and p.status in ("succeeded", "refunded")
        ]
        total = sum(refunded[p.id] for p in paid)
        assert total == quote.refund_amount_minor, "a cancellation refunded the wrong amount"
        assert order_rows[quote.order_id].status == "cancelled"


def _check_seats(engine: Engine, bookings: list[Any]) -> None:
    held: Counter[tuple[str, str, str]] = Counter()
    initial: dict[tuple[str, str, str], int] = {}
    for booking in bookings:
        for leg in booking.legs:
            key = (leg["flight"], leg["departure_on"], leg["cabin"])
            initial[key] = int(leg["initially_available"])
            if booking.status != "cancelled":
                held[key] += int(leg["seats"])
    for row in _rows(engine, sandbox_inventory):
        key = (row.flight, row.departure_on.isoformat(), row.cabin)
        if key in initial:
            assert row.available + held[key] == initial[key], f"seats leaked on {key}"


def _check_tickets(engine: Engine, order_rows: dict[str, Any]) -> None:
    issued = Counter(t.reference for t in _rows(engine, sandbox_tickets))
    recorded = Counter(d.order_id for d in _rows(engine, documents))
    for order in order_rows.values():
        if order.status == "ticketed":
            passengers = len(order.payload["passengers"])
            assert recorded[order.id] == passengers, "tickets recorded twice or not at all"
            assert issued[order.booking_reference] == passengers, "tickets issued twice"

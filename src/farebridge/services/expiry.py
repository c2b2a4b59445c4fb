"""Holds whose payment deadline passed become ``expired`` and release their seats."""

from __future__ import annotations

from farebridge.domain.order import OrderEvent, OrderStatus
from farebridge.services.cancellation import enqueue_release
from farebridge.services.ports import Dependencies


def expire_holds(deps: Dependencies, *, limit: int = 100) -> int:
    """Expire due holds (compare-and-set each); return how many expired."""
    now = deps.clock.now()
    with deps.uow(read_only=True) as uow:
        due = uow.orders.holds_due_for_expiry(now, limit=limit)
    expired = 0
    for order_id in due:
        with deps.uow() as uow:
            order = uow.orders.get(order_id)
            event = OrderEvent(order_id, "order.expired", None, OrderStatus.EXPIRED, now)
            if (
                order is None
                or uow.orders.transition(order_id, from_statuses=[OrderStatus.HOLD], event=event)
                is None
            ):
                continue
            enqueue_release(uow, deps, order.booking_reference)
            uow.commit()
            expired += 1
    return expired

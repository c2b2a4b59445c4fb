"""Holds whose payment deadline passed become ``expired`` and release their seats."""

from __future__ import annotations

from farebridge.services.ports import Dependencies
from farebridge.services.releases import enqueue_release


def expire_holds(deps: Dependencies, *, limit: int = 100) -> int:
    """Expire due holds (compare-and-set each); return how many expired."""
    now = deps.clock.now()
    with deps.uow(read_only=True) as uow:
        due = uow.orders.holds_due_for_expiry(now, limit=limit)
    expired = 0
    for order_id in due:
        with deps.uow() as uow:
            order = uow.orders.get(order_id)
            if order is None or not order.is_past_payment_deadline(now):
                continue
            if not uow.orders.apply(order.expire(now=now)):
                continue
            enqueue_release(uow, deps, order)
            uow.commit()
            expired += 1
    return expired

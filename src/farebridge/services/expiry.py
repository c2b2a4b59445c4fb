"""Holds whose payment deadline passed become ``expired`` and release their seats."""

from __future__ import annotations

from datetime import datetime

import structlog

from farebridge.services.ports import Dependencies
from farebridge.services.releases import enqueue_release

log = structlog.get_logger(__name__)


def expire_holds(deps: Dependencies, *, limit: int = 100) -> int:
    """Expire due holds (compare-and-set each); return how many expired."""
    now = deps.clock.now()
    with deps.uow(read_only=True) as uow:
        due = uow.orders.holds_due_for_expiry(now, limit=limit)
    expired = 0
    for order_id in due:
        try:
            expired += _expire(deps, order_id, now=now)
        except Exception as exc:  # one bad row must not stop the others
            log.warning("hold.expiry_failed", order_id=order_id, error=repr(exc))
    return expired


def _expire(deps: Dependencies, order_id: str, *, now: datetime) -> int:
    with deps.uow() as uow:
        order = uow.orders.get(order_id)
        if order is None or not order.is_past_payment_deadline(now):
            return 0
        if not uow.orders.apply(order.expire(now=now)):
            return 0
        enqueue_release(uow, deps, order)
        uow.coupons.release(order.id)  # never paid: its coupon use comes back (ADR 0024)
        uow.commit()
    return 1

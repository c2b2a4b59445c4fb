"""Keeping an order in step with the airline: changes it made become order events.

The sync job runs after ticketing and whenever a client asks
(``POST /orders/{id}/actions/sync``). Each airline change is recorded once,
keyed by its stable id, as an ``order.schedule_changed`` event; a retimed or
cancelled flight of the order also retimes it and becomes a schedule change the
customer answers (``services/schedule_changes.py``, ADR 0020).
"""

from __future__ import annotations

from typing import Any

from farebridge.domain.account import User
from farebridge.domain.order import UNCONFIRMED_STATUSES, Order, OrderEvent, OrderStatus
from farebridge.services.ports import Dependencies
from farebridge.services.reads import owned_order
from farebridge.services.schedule_changes import record_airline_changes
from farebridge.services.ticketing import enqueue_sync


def sync_order(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: record the airline's changes to an order."""
    with deps.uow(read_only=True) as uow:
        order = uow.orders.get(payload["order_id"])
    if order is None or order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        return
    _record_changes(deps, order)


def _record_changes(deps: Dependencies, order: Order) -> int:
    return record_airline_changes(deps, order)


def sync_order_soon(deps: Dependencies, *, order_id: str, provider: str) -> bool:
    """Queue the sync job of an order that ``provider`` says changed (a webhook event);
    False when there is no such confirmed order of that provider."""
    with deps.uow() as uow:
        order = uow.orders.get(order_id)
        if order is None or order.provider != provider or order.status in UNCONFIRMED_STATUSES:
            return False
        enqueue_sync(uow, deps, order_id)
        uow.commit()
    return True


def sync_order_now(deps: Dependencies, *, user: User, order_id: str) -> Order:
    """Ask the airline for changes now; returns the order with ``synced_at`` updated."""
    with deps.uow(read_only=True) as uow:
        order = owned_order(uow, user, order_id)
    _record_changes(deps, order)
    with deps.uow(read_only=True) as uow:
        return owned_order(uow, user, order_id)


def list_order_events(deps: Dependencies, *, user: User, order_id: str) -> list[OrderEvent]:
    with deps.uow(read_only=True) as uow:
        owned_order(uow, user, order_id)
        return uow.orders.events(order_id)

"""Ticketing after payment: a durable, idempotent job (seed 000 step 7).

An unknown outcome (the provider timed out while ticketing) is never retried
blindly and never refunded automatically (seeds 001/003): the order stays in
``ticketing`` with ticketing status ``unknown`` for an agent to resolve.
"""

from __future__ import annotations

from typing import Any

from farebridge.domain.errors import UpstreamTimeout, UpstreamUnavailable
from farebridge.domain.order import Document, OrderEvent, OrderStatus, TicketingStatus
from farebridge.services.jobs import enqueue_in, handler
from farebridge.services.ports import Dependencies, UnitOfWork

TICKETING_JOB = "issue_tickets"
SYNC_JOB = "sync_order"  # services.sync registers the handler


def enqueue_ticketing(uow: UnitOfWork, deps: Dependencies, order_id: str) -> None:
    """Queue ticketing of a paid order (once per order)."""
    enqueue_in(
        uow, deps, TICKETING_JOB, {"order_id": order_id}, dedupe_key=f"{TICKETING_JOB}:{order_id}"
    )


def enqueue_sync(uow: UnitOfWork, deps: Dependencies, order_id: str) -> None:
    """Queue a check for airline changes to an order (once per order)."""
    enqueue_in(uow, deps, SYNC_JOB, {"order_id": order_id}, dedupe_key=f"{SYNC_JOB}:{order_id}")


@handler(TICKETING_JOB)
def issue_tickets(deps: Dependencies, payload: dict[str, Any]) -> None:
    order_id = payload["order_id"]
    now = deps.clock.now()
    with deps.uow() as uow:
        order = uow.orders.get(order_id)
        if order is None or order.status not in (
            OrderStatus.INSTANT,
            OrderStatus.PAID,
            OrderStatus.TICKETING,
        ):
            return  # ticketed, cancelled or gone: nothing to do
        if order.ticketing_status is TicketingStatus.UNKNOWN:
            return  # never retry an unknown outcome blindly
        if order.status is not OrderStatus.TICKETING:
            event = OrderEvent(
                order_id, "order.ticketing_started", None, OrderStatus.TICKETING, now
            )
            if uow.orders.transition(order_id, from_statuses=[order.status], event=event) is None:
                return
        uow.orders.set_ticketing_status(order_id, TicketingStatus.PENDING, synced_at=now)
        uow.commit()
    try:
        tickets = deps.provider.issue_tickets(order.booking_reference, order.passengers, now=now)
    except UpstreamTimeout:
        _set_status(deps, order_id, TicketingStatus.UNKNOWN)
        return
    except UpstreamUnavailable:
        _set_status(deps, order_id, TicketingStatus.FAILED)
        raise  # the job is retried with backoff: nothing was issued
    issued_at = deps.clock.now()
    with deps.uow() as uow:
        documents = [
            Document("electronic_ticket", t.number, t.passenger_id, issued_at) for t in tickets
        ]
        event = OrderEvent(
            order_id,
            "order.ticketed",
            None,
            OrderStatus.TICKETED,
            issued_at,
            {"tickets": [t.number for t in tickets]},
        )
        if uow.orders.transition(order_id, from_statuses=[OrderStatus.TICKETING], event=event):
            uow.orders.add_documents(order_id, documents)
            enqueue_sync(uow, deps, order_id)
            uow.orders.set_ticketing_status(
                order_id, TicketingStatus.SUCCESSFUL, synced_at=issued_at
            )
            uow.commit()


def _set_status(deps: Dependencies, order_id: str, status: TicketingStatus) -> None:
    with deps.uow() as uow:
        uow.orders.set_ticketing_status(order_id, status, synced_at=deps.clock.now())
        uow.commit()

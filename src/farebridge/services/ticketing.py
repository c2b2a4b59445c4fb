"""Ticketing after payment: a durable, idempotent job (seed 000 step 7).

An unknown outcome (the provider timed out while ticketing) is never retried
blindly and never refunded automatically (seeds 001/003): the order stays in
``ticketing`` with ticketing status ``unknown`` for an agent to resolve. A crash
between the airline issuing and us recording is safe: the job's lease runs out,
it runs again, and the provider returns the tickets it issued the first time.
"""

from __future__ import annotations

from typing import Any

from farebridge.domain.errors import UpstreamTimeout, UpstreamUnavailable
from farebridge.domain.order import Document, Order, OrderStatus, TicketingStatus
from farebridge.services.jobs import JobKind, enqueue_in
from farebridge.services.ports import Dependencies, UnitOfWork

TICKETABLE = (OrderStatus.INSTANT, OrderStatus.PAID, OrderStatus.TICKETING)


def enqueue_ticketing(uow: UnitOfWork, deps: Dependencies, order_id: str) -> None:
    """Queue ticketing of a paid order (once per order)."""
    enqueue_in(
        uow,
        deps,
        JobKind.TICKETING,
        {"order_id": order_id},
        dedupe_key=f"{JobKind.TICKETING.value}:{order_id}",
    )


def enqueue_sync(uow: UnitOfWork, deps: Dependencies, order_id: str) -> None:
    """Queue a check for airline changes to an order (once per order)."""
    enqueue_in(
        uow, deps, JobKind.SYNC, {"order_id": order_id}, dedupe_key=f"{JobKind.SYNC}:{order_id}"
    )


def issue_tickets(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: ticket a paid order with its provider, once."""
    order = _start(deps, payload["order_id"])
    if order is None:
        return
    deps.checkpoint("ticketing.started")
    provider = deps.providers.for_order(order)
    try:
        tickets = provider.issue_tickets(
            order.booking_reference,
            order.passengers,
            now=deps.clock.now(),
            scenarios=order.scenarios,
        )
    except UpstreamTimeout:
        _set_status(deps, order.id, TicketingStatus.UNKNOWN)
        return
    except UpstreamUnavailable:
        _set_status(deps, order.id, TicketingStatus.FAILED)
        raise  # the job is retried with backoff: nothing was issued
    deps.checkpoint("ticketing.issued")
    issued_at = deps.clock.now()
    with deps.uow() as uow:
        current = uow.orders.get(order.id)
        if current is None or current.status is not OrderStatus.TICKETING:
            return
        event = current.ticket(now=issued_at, numbers=[t.number for t in tickets])
        if uow.orders.apply(event):
            uow.orders.add_documents(
                order.id,
                [
                    Document("electronic_ticket", t.number, t.passenger_id, issued_at)
                    for t in tickets
                ],
            )
            enqueue_sync(uow, deps, order.id)
            uow.orders.set_ticketing_status(
                order.id, TicketingStatus.SUCCESSFUL, synced_at=issued_at
            )
            uow.commit()


def _start(deps: Dependencies, order_id: str) -> Order | None:
    """``instant | paid → ticketing`` (or a re-run of ``ticketing``); None: nothing to do."""
    now = deps.clock.now()
    with deps.uow() as uow:
        order = uow.orders.get(order_id)
        if order is None or order.status not in TICKETABLE:
            return None  # ticketed, cancelled or gone
        if order.ticketing_status is TicketingStatus.UNKNOWN:
            return None  # never retry an unknown outcome blindly
        if order.status is not OrderStatus.TICKETING and not uow.orders.apply(
            order.start_ticketing(now=now)
        ):
            return None
        uow.orders.set_ticketing_status(order_id, TicketingStatus.PENDING, synced_at=now)
        uow.commit()
    return order


def _set_status(deps: Dependencies, order_id: str, status: TicketingStatus) -> None:
    with deps.uow() as uow:
        uow.orders.set_ticketing_status(order_id, status, synced_at=deps.clock.now())
        uow.commit()

"""The durable jobs of an order change (ADR 0012): releasing a booking the change
made or replaced, and reissuing the tickets of a changed order.

Releases run the ``cancel_booking`` job (``services/releases.py``) with the booking
named in the payload: ``booking_reference`` (the old booking, once the change is
confirmed) or ``booking_key`` (the change's own booking, found by the change id,
when the change failed). Both are idempotent, like every job.
"""

from __future__ import annotations

from typing import Any

from farebridge.domain.changes import OrderChange
from farebridge.domain.documents import DocumentKind
from farebridge.domain.errors import UpstreamTimeout
from farebridge.domain.order import Document, OrderStatus, TicketingStatus
from farebridge.services.documents import enqueue_render
from farebridge.services.jobs import JobKind, enqueue_in
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.releases import release_key


def change_release_key(change_id: str) -> str:
    return release_key(change_id)


def old_booking_release_key(order_id: str, reference: str) -> str:
    return f"{release_key(order_id)}:{reference}"


def enqueue_change_release(uow: UnitOfWork, deps: Dependencies, change: OrderChange) -> None:
    """Queue the release of the booking a failed change made (found by the change id)."""
    enqueue_in(
        uow,
        deps,
        JobKind.RELEASE,
        {"order_id": change.order_id, "booking_key": change.id},
        dedupe_key=change_release_key(change.id),
    )


def enqueue_old_booking_release(
    uow: UnitOfWork, deps: Dependencies, order_id: str, reference: str
) -> None:
    """Queue the release of the booking a confirmed change replaced."""
    enqueue_in(
        uow,
        deps,
        JobKind.RELEASE,
        {"order_id": order_id, "booking_reference": reference},
        dedupe_key=old_booking_release_key(order_id, reference),
    )


def enqueue_reissue(uow: UnitOfWork, deps: Dependencies, order_id: str, reference: str) -> None:
    enqueue_in(
        uow,
        deps,
        JobKind.REISSUE,
        {"order_id": order_id, "booking_reference": reference},
        dedupe_key=f"{JobKind.REISSUE.value}:{order_id}:{reference}",
    )


def reissue_tickets(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: ticket the booking of a changed, ticketed order (new numbers), once."""
    reference = payload["booking_reference"]
    with deps.uow(read_only=True) as uow:
        order = uow.orders.get(payload["order_id"])
    if (
        order is None
        or order.status is not OrderStatus.TICKETED
        or order.booking_reference != reference
        or order.ticketing_status is not TicketingStatus.PENDING
    ):
        return  # cancelled, changed again, or reissued already
    provider = deps.providers.for_order(order)
    try:
        tickets = provider.issue_tickets(reference, order.passengers, now=deps.clock.now())
    except UpstreamTimeout:  # never retried blindly: an agent resolves it
        with deps.uow() as uow:
            uow.orders.set_ticketing_status(
                order.id, TicketingStatus.UNKNOWN, synced_at=deps.clock.now()
            )
            uow.commit()
        return
    issued_at = deps.clock.now()
    with deps.uow() as uow:
        current = uow.orders.get(order.id)
        if (
            current is None
            or current.booking_reference != reference
            or current.ticketing_status is not TicketingStatus.PENDING
        ):
            return
        uow.orders.add_documents(
            order.id,
            [Document("electronic_ticket", t.number, t.passenger_id, issued_at) for t in tickets],
        )
        uow.orders.set_ticketing_status(order.id, TicketingStatus.SUCCESSFUL, synced_at=issued_at)
        numbers = ",".join(t.number for t in tickets)
        enqueue_render(uow, deps, order.id, DocumentKind.E_TICKET, cause=numbers)
        uow.orders.add_event(
            current.note(
                "order.tickets_reissued",
                now=issued_at,
                data={"tickets": [t.number for t in tickets], "booking_reference": reference},
            )
        )
        uow.commit()

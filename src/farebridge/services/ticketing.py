"""Ticketing after payment: a durable, idempotent job (seed 000 step 7).

An unknown outcome (the provider timed out while ticketing, or answered something
unknown) is never retried blindly and never refunded automatically (seeds 001/003):
the order stays in ``ticketing`` with ticketing status ``unknown`` for an agent to
resolve. A failure before anything was issued (``TicketingNotStarted``: the booking
could not be checked first) is safe to refund: ticketing status ``failed``, the order
``ticketing → cancelled``, its booking released and its payment refunded in full.
Tickets bought whose e-tickets are late (``TicketDocumentsDelayed``) keep the order
in ``ticketing`` (pending) and are retried; nothing is refunded. The reason of each
of these is kept as an order event (``order.ticketing_failed`` or
``order.ticketing_problem``, with its ``code``).

A crash between the airline issuing and us recording is safe: the job's lease runs
out, it runs again, and the provider returns the tickets it issued the first time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from farebridge.domain.documents import DocumentKind
from farebridge.domain.errors import (
    FarebridgeError,
    TicketDocumentsDelayed,
    TicketingNotStarted,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from farebridge.domain.order import Document, Order, OrderStatus, TicketingStatus
from farebridge.domain.payment import PaymentStatus
from farebridge.providers.base import IssuedTicket, Provider
from farebridge.services.documents import enqueue_render
from farebridge.services.jobs import JobKind, JobNotRun, enqueue_in, run_job_now
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.releases import enqueue_refund, enqueue_release, refund_key, release_key

log = structlog.get_logger(__name__)
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
    [outcome] = issue_tickets_many(deps, [payload])
    if outcome is not None:
        raise outcome


def issue_tickets_many(
    deps: Dependencies, payloads: Sequence[dict[str, Any]]
) -> list[Exception | None]:
    """Jobs: ticket several paid orders, each once, as ``issue_tickets`` does one, with
    one write that starts them all and one that records every order's tickets
    (ADR 0052); the airline is asked order by order in between. The outcome of each
    payload, in order: None (done) or what ``issue_tickets`` would have raised. A write
    that fails raises (the worker then runs each job alone). Orders not yet asked for
    when half the jobs' lease has gone are given back (``JobNotRun``: queued again as
    they were), so that no lease runs out while the batch still holds it."""
    deadline = deps.clock.now() + deps.policies.job_lease / 2
    outcomes: list[Exception | None] = [None] * len(payloads)
    started = _start(deps, [str(payload["order_id"]) for payload in payloads])
    issued: dict[int, _Issued] = {}
    for index, order in started.items():
        if deps.clock.now() >= deadline:
            outcomes[index] = JobNotRun(f"order {order.id}: the batch ran out of time")
            continue
        deps.checkpoint("ticketing.started")
        try:
            done = _issue(deps, order)
        except Exception as exc:  # this order's job is retried or failed, not the others'
            outcomes[index] = exc
            continue
        if done is not None:
            issued[index] = done
    if issued:
        _record(deps, list(issued.values()))
    return outcomes


@dataclass(frozen=True, slots=True)
class _Issued:
    order: Order
    tickets: list[IssuedTicket]
    issued_at: datetime
    to_sync: bool  # the airline has changes to record (or could not say)


def _issue(deps: Dependencies, order: Order) -> _Issued | None:
    """Ask the order's provider for its tickets; None when the answer was recorded
    otherwise (unknown, or ticketing refused and the order given up)."""
    provider = deps.providers.for_order(order)
    try:
        tickets = provider.issue_tickets(
            order.booking_reference,
            order.passengers,
            now=deps.clock.now(),
            scenarios=order.scenarios,
        )
    except UpstreamTimeout as unknown:
        _set_status(deps, order.id, TicketingStatus.UNKNOWN, problem=unknown)
        return None
    except TicketingNotStarted as refused:
        _give_up(deps, order, refused)
        return None
    except TicketDocumentsDelayed as delayed:
        _set_status(deps, order.id, TicketingStatus.PENDING, problem=delayed)
        raise  # the job is retried: the provider returns the tickets it bought
    except UpstreamUnavailable:
        _set_status(deps, order.id, TicketingStatus.FAILED)
        raise  # the job is retried with backoff: nothing was issued
    deps.checkpoint("ticketing.issued")
    issued_at = deps.clock.now()
    return _Issued(order, tickets, issued_at, _changes_to_sync(provider, order, now=issued_at))


def _record(deps: Dependencies, issued: Sequence[_Issued]) -> None:
    """``ticketing → ticketed`` with the tickets of each order, in one commit; an order
    that moved meanwhile (cancelled, already ticketed by another run) is left as it is."""
    with deps.uow() as uow:
        for done in issued:
            order_id = done.order.id
            current = uow.orders.get(order_id)
            if current is None or current.status is not OrderStatus.TICKETING:
                continue
            numbers = [t.number for t in done.tickets]
            if not uow.orders.apply(current.ticket(now=done.issued_at, numbers=numbers)):
                continue
            uow.orders.add_documents(
                order_id,
                [
                    Document("electronic_ticket", t.number, t.passenger_id, done.issued_at)
                    for t in done.tickets
                ],
            )
            if done.to_sync:
                enqueue_sync(uow, deps, order_id)
            enqueue_render(uow, deps, order_id, DocumentKind.E_TICKET, cause=",".join(numbers))
            uow.orders.set_ticketing_status(
                order_id, TicketingStatus.SUCCESSFUL, synced_at=done.issued_at
            )
        uow.commit()


def _changes_to_sync(provider: Provider, order: Order, *, now: datetime) -> bool:
    """Whether the airline has changes to the just-ticketed order for the sync job to
    record, or could not say. Without any, the ticketing's own write is the order's
    sync (its ``synced_at``), and no sync job is queued (ADR 0052)."""
    try:
        return bool(provider.booking_changes(order.booking_reference, now=now))
    except Exception as exc:  # the sync job asks again, with its retries
        log.warning("ticketing.changes_unknown", order_id=order.id, error=repr(exc))
        return True


def _start(deps: Dependencies, order_ids: Sequence[str]) -> dict[int, Order]:
    """``instant | paid → ticketing`` (or a re-run of ``ticketing``) of each order, in
    one commit; the orders to ticket by their index in ``order_ids`` (an order left out
    has nothing to do)."""
    now = deps.clock.now()
    started: dict[int, Order] = {}
    with deps.uow() as uow:
        for index, order_id in enumerate(order_ids):
            order = uow.orders.get(order_id)
            if order is None or order.status not in TICKETABLE:
                continue  # ticketed, cancelled or gone
            if order.ticketing_status is TicketingStatus.UNKNOWN:
                continue  # never retry an unknown outcome blindly
            if order.status is not OrderStatus.TICKETING and not uow.orders.apply(
                order.start_ticketing(now=now)
            ):
                continue
            uow.orders.set_ticketing_status(order_id, TicketingStatus.PENDING, synced_at=now)
            started[index] = order
        uow.commit()
    return started


def _set_status(
    deps: Dependencies,
    order_id: str,
    status: TicketingStatus,
    *,
    problem: FarebridgeError | None = None,
) -> None:
    """The ticketing status; a ``problem`` other than a plain timeout is noted on the order."""
    now = deps.clock.now()
    with deps.uow() as uow:
        uow.orders.set_ticketing_status(order_id, status, synced_at=now)
        current = uow.orders.get(order_id)
        if problem is not None and current is not None and type(problem) is not UpstreamTimeout:
            data = {"code": problem.code, "message": problem.message}
            uow.orders.add_event(current.note("order.ticketing_problem", now=now, data=data))
        uow.commit()


def _give_up(deps: Dependencies, order: Order, error: FarebridgeError) -> None:
    """Ticketing failed before anything was issued: ``failed``, the order cancelled, its
    booking released and every payment refunded in full, in one commit; then both run."""
    now = deps.clock.now()
    refunds: list[str] = []
    with deps.uow() as uow:
        current = uow.orders.get(order.id)
        if current is None or current.status is not OrderStatus.TICKETING:
            return
        event = current.give_up_ticketing(now=now, code=error.code, message=error.message)
        if not uow.orders.apply(event, cancelled_at=now):
            return
        uow.orders.set_ticketing_status(order.id, TicketingStatus.FAILED, synced_at=now)
        enqueue_release(uow, deps, current)
        enqueue_render(
            uow, deps, order.id, DocumentKind.CANCELLATION_RECEIPT, cause="ticketing_failed"
        )
        for payment in uow.payments.for_order(order.id):
            if payment.status is PaymentStatus.SUCCEEDED:
                refund_id = f"ticketing_{payment.id}"
                enqueue_refund(uow, deps, payment, payment.amount, refund_id=refund_id)
                refunds.append(refund_id)
        uow.commit()
    run_job_now(deps, JobKind.RELEASE, release_key(order.id))
    for refund_id in refunds:
        run_job_now(deps, JobKind.REFUND, refund_key(refund_id))

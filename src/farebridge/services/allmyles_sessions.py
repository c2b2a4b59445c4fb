"""Booking workflows as the Allmyles dialect runs them: a session (the client's
cookie) whose calls search, book, pay and ticket, each applying to its latest
search (``domain.booking_workflow`` holds the rules).

Every call of a session runs inside :func:`workflow_call`, which takes the
session's lock by compare-and-set and gives it back at the end, so a second call
of the same session meanwhile is refused. The orders it makes are ordinary orders
of the caller: a fare that may be held is held at booking and paid by the agency
(balance) at ticketing; a fare paid at once is booked, charged and ticketed in
one go at ticketing, with the payment data given in between.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from farebridge.domain.account import User
from farebridge.domain.booking_workflow import Workflow, WorkflowBooking, WorkflowState
from farebridge.domain.errors import (
    Conflict,
    NotAllowed,
    NotFound,
    UpstreamTimeout,
    WorkflowNotSearched,
    WorkflowRuleBroken,
)
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer, OfferRequest, OfferRequestStatus
from farebridge.domain.order import Order, OrderStatus, OrderType, Passenger, TicketingStatus
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.domain.search import SearchCriteria
from farebridge.services import cancellation, orders, payments, search
from farebridge.services.access import may_access_owner
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.orders import CreateOrder, PaymentRequest
from farebridge.services.passengers import match_passengers
from farebridge.services.ports import Dependencies, OrderFilter, PageRequest

# How long a call may hold its session's lock before another call may take it over
# (a call that crashed without giving it back).
LOCK_LEASE = timedelta(minutes=3)
# The order events that say why ticketing did not succeed (services.ticketing).
TICKETING_PROBLEMS = ("order.ticketing_problem", "order.ticketing_failed")


def session_key(cookie: str) -> str:
    """The stored name of a session: the hash of its cookie (any length, never stored)."""
    return hashlib.sha256(cookie.encode()).hexdigest()


def _busy() -> WorkflowRuleBroken:
    return WorkflowRuleBroken("a request is already being processed", code="workflow_busy")


@contextmanager
def workflow_call(deps: Dependencies, *, user: User, cookie: str) -> Iterator[Workflow]:
    """One call of a session: the workflow, locked for this call (412s otherwise)."""
    key = session_key(cookie)
    now = deps.clock.now()
    token = new_id("lck")
    with deps.uow() as uow:
        current = uow.workflows.get(user.id, key)
        if current is None:
            uow.workflows.add(Workflow.start(user.id, key, now=now))
            current = uow.workflows.get(user.id, key)
            assert current is not None
        if current.is_expired(now=now, lifetime=deps.policies.workflow_lifetime):
            raise WorkflowRuleBroken(
                "the workflow has expired; start a new session", code="workflow_expired"
            )
        if not uow.workflows.lock(user.id, key, token=token, now=now, until=now + LOCK_LEASE):
            raise _busy()
        uow.commit()
    try:
        yield replace(current, lock_token=token, last_request_at=now)
    finally:
        with deps.uow() as uow:
            uow.workflows.unlock(user.id, key, token=token)
            uow.commit()


def read_workflow(deps: Dependencies, *, user: User, cookie: str) -> Workflow:
    """The session as it is, without taking its lock (status checks)."""
    with deps.uow(read_only=True) as uow:
        found = uow.workflows.get(user.id, session_key(cookie))
    if found is None:
        raise WorkflowNotSearched("search first")
    if found.is_expired(now=deps.clock.now(), lifetime=deps.policies.workflow_lifetime):
        raise WorkflowRuleBroken(
            "the workflow has expired; start a new session", code="workflow_expired"
        )
    return found


def _save(deps: Dependencies, workflow: Workflow) -> Workflow:
    with deps.uow() as uow:
        if not uow.workflows.save(workflow):
            raise _busy()  # the lease ran out and another call took the session over
        uow.commit()
    return workflow


# --- search -------------------------------------------------------------------------
def search_flights(
    deps: Dependencies,
    *,
    user: User,
    workflow: Workflow,
    criteria: SearchCriteria,
    fingerprint: str,
    scenarios: frozenset[str],
) -> tuple[Workflow, OfferRequest]:
    """Start a search, or (the same request again) poll the one under way: a poll
    runs the search here if no worker has yet, and answers once it is done. The same
    request after a failed search starts it again."""
    if workflow.offer_request_id is not None and workflow.search_fingerprint == fingerprint:
        request = search.get_offer_request(
            deps, user=user, request_id=workflow.offer_request_id, wait=True
        )
        failure_told = workflow.state is not WorkflowState.SEARCHING
        if request.status is not OfferRequestStatus.FAILED or not failure_told:
            return workflow, request
        # the failure was answered: the same request again is a new try
    if workflow.offer_request_id is not None and workflow.state is WorkflowState.SEARCHING:
        request = search.get_offer_request(deps, user=user, request_id=workflow.offer_request_id)
        if request.status is OfferRequestStatus.PENDING:
            raise _busy()  # another search of this session is still running
    request = search.create_offer_request(deps, user=user, criteria=criteria, scenarios=scenarios)
    started = workflow.searched(
        offer_request_id=request.id, fingerprint=fingerprint, now=deps.clock.now()
    )
    return _save(deps, started), request


def remember_results(deps: Dependencies, workflow: Workflow, results: dict[str, str]) -> Workflow:
    """The result ids the client was shown for the latest search (result id → offer id)."""
    if results == workflow.results and workflow.state is not WorkflowState.SEARCHING:
        return workflow
    return _save(deps, workflow.with_results(results))


def result_offer(deps: Dependencies, *, user: User, workflow: Workflow, result_id: str) -> Offer:
    """The offer behind a result of the latest search, as stored (no airline call)."""
    offer_id = workflow.offer_for(result_id)
    with deps.uow(read_only=True) as uow:
        return search.load_offer(uow, deps, user, offer_id)


def session_offers(deps: Dependencies, *, user: User, offer_ids: list[str]) -> list[Offer]:
    """Several offers of the caller's searches, as stored, in the order asked."""
    with deps.uow(read_only=True) as uow:
        return [search.load_offer(uow, deps, user, offer_id) for offer_id in offer_ids]


# --- book, pay ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BookRequest:
    result_id: str
    passengers: list[Passenger]
    services: list[tuple[str, int]]
    contact: dict[str, Any]


def book(
    deps: Dependencies,
    *,
    user: User,
    workflow: Workflow,
    request: BookRequest,
    scenarios: frozenset[str],
) -> tuple[Workflow, Order | None]:
    """Hold the fare (an order), or for a fare paid at once check and keep the data:
    it is booked at ticketing. A session books once."""
    offer_id = workflow.check_bookable(request.result_id)
    with deps.uow(read_only=True) as uow:
        offer = search.load_offer(uow, deps, user, offer_id)
    kept = WorkflowBooking(
        result_id=request.result_id,
        offer_id=offer.id,
        passengers=tuple(request.passengers),
        services=tuple(request.services),
        contact=request.contact,
        pays_at_once=offer.requires_instant_payment,
    )
    if offer.requires_instant_payment:
        match_passengers(offer, request.passengers, today=deps.clock.now().date())
        search.price_offer(deps, user=user, offer_id=offer.id, services=request.services)
        return _save(deps, workflow.booked(kept, order_id=None, booking_reference=None)), None
    try:
        order = orders.create_order(
            deps,
            user=user,
            command=CreateOrder(
                type=OrderType.HOLD,
                offer_id=offer.id,
                passengers=list(request.passengers),
                services=list(request.services),
                scenarios=scenarios,
                metadata={"channel": "allmyles"},
            ),
        )
    except UpstreamTimeout:  # the airline may have booked: the flow stops here
        _save(deps, workflow.unanswered(kept))
        raise
    booked = workflow.booked(kept, order_id=order.id, booking_reference=order.booking_reference)
    return _save(deps, booked), order


def take_payment(deps: Dependencies, *, workflow: Workflow, token: str) -> Workflow:
    """The payment data for a fare paid at once, used at ticketing."""
    return _save(deps, workflow.paid(token))


# --- ticket -------------------------------------------------------------------------
def ticket(
    deps: Dependencies,
    *,
    user: User,
    workflow: Workflow,
    result_id: str,
    scenarios: frozenset[str],
) -> tuple[Workflow, Order]:
    """Ticket the session's booking: pay a hold (the agency's balance) or book and
    charge a fare paid at once, then issue. Asked again, it answers the same order."""
    workflow.offer_for(result_id)
    booking = workflow.require_answered_booking()
    if booking.result_id != result_id:
        raise WorkflowRuleBroken("book request should have been received", code="book_missing")
    if workflow.state is WorkflowState.TICKETED and workflow.order_id is not None:
        return workflow, _issue(deps, user, workflow.order_id)
    if booking.pays_at_once:
        token = workflow.require_payment()
        services = list(booking.services)
        priced = search.price_offer(deps, user=user, offer_id=booking.offer_id, services=services)
        method = PaymentMethod(PaymentType.CARD, token)
        due = priced.total + priced.offer.card_surcharge(deps.gateway.card_type(method))
        order = orders.create_order(
            deps,
            user=user,
            command=CreateOrder(
                type=OrderType.INSTANT,
                offer_id=booking.offer_id,
                passengers=list(booking.passengers),
                payment=PaymentRequest(due, method),
                services=services,
                scenarios=scenarios,
                metadata={"channel": "allmyles"},
                idempotency_key=_attempt_key(workflow, token),
            ),
        )
    else:
        assert workflow.order_id is not None
        order = orders.get_order(deps, user=user, order_id=workflow.order_id)
        if order.status is OrderStatus.HOLD:
            payments.pay_order(
                deps,
                user=user,
                order_id=order.id,
                amount=order.total,
                method=PaymentMethod(PaymentType.BALANCE),
            )
    workflow = _save(
        deps, workflow.ticketed(order_id=order.id, booking_reference=order.booking_reference)
    )
    return workflow, _issue(deps, user, order.id)


def _attempt_key(workflow: Workflow, token: str) -> str:
    """The idempotency key of the order a ticketing call books for a fare paid at once:
    one per session, search and payment (a new payment after a decline books anew)."""
    return f"allmyles:{workflow.key}:{workflow.generation}:{token}"


def _failed_attempt(deps: Dependencies, user: User, workflow: Workflow) -> Order | None:
    """The order the last ticketing call tried to book for a fare paid at once, when it
    failed (nothing charged); the offer is this search's, so its orders are this
    session's."""
    booking = workflow.booking
    if booking is None or not booking.pays_at_once or workflow.payment_token is None:
        return None
    with deps.uow(read_only=True) as uow:
        latest = uow.orders.latest_for_offer(user.id, booking.offer_id)
    return latest if latest is not None and latest.status is OrderStatus.FAILED else None


def _issue(deps: Dependencies, user: User, order_id: str) -> Order:
    """Run the order's ticketing now (if no worker has), then the order as it stands."""
    run_job_now(deps, JobKind.TICKETING, f"{JobKind.TICKETING.value}:{order_id}")
    return orders.get_order(deps, user=user, order_id=order_id)


def ticketing_problem(deps: Dependencies, *, order_id: str) -> str | None:
    """The code of what last went wrong while ticketing the order (its order events),
    if anything other than a plain timeout did."""
    with deps.uow(read_only=True) as uow:
        events = uow.orders.events(order_id)
    codes = [str(e.data.get("code")) for e in events if e.type in TICKETING_PROBLEMS]
    return codes[-1] if codes else None


def ticket_status(
    deps: Dependencies, *, user: User, workflow: Workflow, result_id: str
) -> tuple[TicketingStatus, Order | None]:
    """Where ticketing stands: inactive until the ticketing call, then the order's."""
    workflow.offer_for(result_id)
    if workflow.order_id is None:
        attempt = _failed_attempt(deps, user, workflow)
        if attempt is not None:  # a fare paid at once that could not be booked
            return TicketingStatus.FAILED, attempt
        return TicketingStatus.INACTIVE, None
    order = orders.get_order(deps, user=user, order_id=workflow.order_id)
    if workflow.state is not WorkflowState.TICKETED:
        return TicketingStatus.INACTIVE, order
    return order.ticketing_status, order


# --- bookings by PNR ----------------------------------------------------------------
def find_booking(deps: Dependencies, *, user: User, booking_reference: str) -> Order:
    """The order with this booking reference that the access policy lets the caller
    reach (ADR 0021): 403 if it is another user's (made through a session), 404 if
    there is none."""
    with deps.uow(read_only=True) as uow:
        sessions = uow.workflows.by_booking_reference(booking_reference)
        reachable = [
            session.order_id
            for session in sessions
            if session.order_id is not None and may_access_owner(uow, user, session.owner_id)
        ]
    if reachable:
        return orders.get_order(deps, user=user, order_id=reachable[0])
    found = orders.list_orders(
        deps,
        user=user,
        page=PageRequest(limit=1),
        filters=OrderFilter(booking_reference=booking_reference),
    )
    if found.items:
        return found.items[0]
    if sessions:
        raise NotAllowed("PNR belongs to another auth token", code="pnr_of_another_user")
    raise NotFound("PNR not found", code="pnr_not_found")


def cancel_booking(deps: Dependencies, *, user: User, booking_reference: str) -> Order:
    """Cancel a hold before it is ticketed (a fare paid at once is ticketed at once)."""
    order = find_booking(deps, user=user, booking_reference=booking_reference)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        raise Conflict("Booking already cancelled.", code="already_cancelled")
    if order.status is not OrderStatus.HOLD:
        raise Conflict(
            "Booked flights can only be cancelled before ticket is created.",
            code="ticket_already_created",
        )
    quote = cancellation.quote_cancellation(
        deps, user=user, order_id=order.id, reason="requested_by_customer"
    )
    cancelled, _ = cancellation.confirm_cancellation(
        deps, user=user, order_id=order.id, quote_id=quote.id
    )
    return cancelled

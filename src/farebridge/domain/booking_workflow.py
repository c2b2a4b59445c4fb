"""Booking workflows: one client session of calls that search, pick a result, book,
pay and ticket, each call applying to the session's latest search (the way Allmyles
runs its API; see docs/adr/0014-allmyles-dialect.md).

A workflow belongs to one user and is named by a key the client chooses (a hash
of its session cookie). Its rules:

- one call at a time: a call takes the workflow's lock (compare-and-set) and gives
  it back when it ends; a call that finds it taken is refused (``workflow_busy``);
- it expires ``lifetime`` after the last call arrived (``workflow_expired``);
- every search starts a new *generation*; a result picked from an older one is
  refused (``not_latest_search``);
- it is booked once (``already_booked``); payment and ticketing need the booking
  (``book_missing``), ticketing needs the booking's answer (``book_response_missing``:
  the book call timed out), ticketing a fare that must be paid at once needs the
  payment (``payment_missing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from farebridge.domain.errors import NotFound, WorkflowNotSearched, WorkflowRuleBroken
from farebridge.domain.order import Passenger


class WorkflowState(StrEnum):
    NEW = "new"
    SEARCHING = "searching"
    SEARCHED = "searched"
    BOOKED = "booked"  # a hold made, or (pay-at-once fares) the booking data kept
    PAID = "paid"  # payment data given (pay-at-once fares)
    TICKETED = "ticketed"


@dataclass(frozen=True, slots=True)
class WorkflowBooking:
    """What the client asked to book. For a fare paid at once nothing is booked
    until ticketing, so this is all there is until then."""

    result_id: str
    offer_id: str
    passengers: tuple[Passenger, ...]
    services: tuple[tuple[str, int], ...]  # (service id, quantity): bags
    contact: dict[str, Any]  # the contact details as given, echoed back to the client
    pays_at_once: bool
    # False: the book request reached the airline but its answer never came (a timeout)
    answered: bool = True


@dataclass(frozen=True, slots=True)
class Workflow:
    owner_id: str
    key: str
    state: WorkflowState
    created_at: datetime
    last_request_at: datetime
    generation: int = 0
    offer_request_id: str | None = None
    search_fingerprint: str | None = None
    results: dict[str, str] = field(default_factory=dict)  # result id → offer id
    booking: WorkflowBooking | None = None
    order_id: str | None = None
    booking_reference: str | None = None
    payment_token: str | None = None
    lock_token: str | None = None
    locked_until: datetime | None = None

    @classmethod
    def start(cls, owner_id: str, key: str, *, now: datetime) -> Workflow:
        return cls(owner_id, key, WorkflowState.NEW, created_at=now, last_request_at=now)

    def is_expired(self, *, now: datetime, lifetime: timedelta) -> bool:
        return self.state is not WorkflowState.NEW and now >= self.last_request_at + lifetime

    def result_id(self, group: int, combination: int) -> str:
        """``{group}_{combination}_{generation}``: names its search, so an old one is told."""
        return f"{group}_{combination}_{self.generation}"

    def offer_for(self, result_id: str) -> str:
        """The offer behind a result of the latest search."""
        if self.offer_request_id is None:
            raise WorkflowNotSearched("search first")
        generation = result_id.rsplit("_", 1)[-1]
        if generation.isdigit() and int(generation) != self.generation:
            raise WorkflowRuleBroken(
                "request is not for the latest search", code="not_latest_search"
            )
        if not self.results and self.state is WorkflowState.SEARCHING:
            raise WorkflowRuleBroken("a request is already being processed", code="workflow_busy")
        offer_id = self.results.get(result_id)
        if offer_id is None:
            raise NotFound(f"No result {result_id} in the latest search.", code="result_not_found")
        return offer_id

    def searched(self, *, offer_request_id: str, fingerprint: str, now: datetime) -> Workflow:
        """A new search: a new generation; whatever was picked or booked is forgotten."""
        return replace(
            self,
            state=WorkflowState.SEARCHING,
            generation=self.generation + 1,
            offer_request_id=offer_request_id,
            search_fingerprint=fingerprint,
            results={},
            booking=None,
            order_id=None,
            booking_reference=None,
            payment_token=None,
            last_request_at=now,
        )

    def with_results(self, results: dict[str, str]) -> Workflow:
        state = WorkflowState.SEARCHED if self.state is WorkflowState.SEARCHING else self.state
        return replace(self, results=results, state=state)

    def check_bookable(self, result_id: str) -> str:
        offer_id = self.offer_for(result_id)
        if self.booking is not None:
            raise WorkflowRuleBroken("Already booked.", code="already_booked")
        return offer_id

    def booked(
        self, booking: WorkflowBooking, *, order_id: str | None, booking_reference: str | None
    ) -> Workflow:
        return replace(
            self,
            state=WorkflowState.BOOKED,
            booking=booking,
            order_id=order_id,
            booking_reference=booking_reference,
        )

    def require_booking(self) -> WorkflowBooking:
        if self.booking is None:
            raise WorkflowRuleBroken("book request should have been received", code="book_missing")
        return self.booking

    def unanswered(self, booking: WorkflowBooking) -> Workflow:
        """The book request was sent but never answered: booked for the session's rules
        (no second book), never ticketed (``book_response_missing``)."""
        kept = replace(booking, answered=False)
        return self.booked(kept, order_id=None, booking_reference=None)

    def require_answered_booking(self) -> WorkflowBooking:
        booking = self.require_booking()
        if not booking.answered:
            raise WorkflowRuleBroken(
                "book response should have been received", code="book_response_missing"
            )
        return booking

    def paid(self, token: str) -> Workflow:
        booking = self.require_booking()
        if self.state is WorkflowState.TICKETED:
            raise WorkflowRuleBroken("already booked", code="already_ticketed")
        if not booking.pays_at_once:
            raise WorkflowRuleBroken(
                "payment data is only taken for LCC flights", code="payment_not_needed"
            )
        return replace(self, state=WorkflowState.PAID, payment_token=token)

    def require_payment(self) -> str:
        booking = self.require_booking()
        if booking.pays_at_once and self.payment_token is None:
            raise WorkflowRuleBroken("no payment data given", code="payment_missing")
        return self.payment_token or ""

    def ticketed(self, *, order_id: str, booking_reference: str) -> Workflow:
        return replace(
            self,
            state=WorkflowState.TICKETED,
            order_id=order_id,
            booking_reference=booking_reference,
        )

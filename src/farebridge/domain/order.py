"""The order aggregate and its state machine (PRODUCT.md, "The order life cycle").

    pending ──booked──▶ hold ──pay──▶ paid ──▶ ticketing ──▶ ticketed
    pending ──booked and charged──▶ instant ──▶ ticketing
    pending ──▶ failed   (the airline or the card said no, or a crash was undone)
    hold | instant | paid ──▶ cancelled        hold ──▶ expired
    ticketed ──▶ cancelled (the fare's refund rules)

``pending`` is the order row committed before the airline is asked to book, so
that a crash always leaves something the reconciler completes or undoes. A
``pending`` or ``failed`` order was never confirmed to its client and is not
listed. ``ticketing`` cannot be cancelled: the airline may be issuing tickets
right now and an unknown outcome must never be refunded blindly (seeds 001/003).

Orders are immutable values. Each method below checks the transition against
``TRANSITIONS`` and returns the ``OrderEvent`` describing it; the store applies
the event as a compare-and-set from ``event.from_status`` (refusing any pair
the table does not allow) and writes the ``order_events`` row in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from farebridge.domain.card_surcharges import CardSurcharge, CardType, surcharge_for
from farebridge.domain.errors import InvalidTransition, OrderAlreadyCancelled, OrderAlreadyPaid
from farebridge.domain.itinerary import Carrier, Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import Conditions
from farebridge.domain.schedule_changes import ScheduleChange
from farebridge.domain.search import PassengerType
from farebridge.domain.seat_assignment import SeatPreference


class OrderType(StrEnum):
    HOLD = "hold"
    INSTANT = "instant"


class OrderStatus(StrEnum):
    PENDING = "pending"
    FAILED = "failed"
    HOLD = "hold"
    INSTANT = "instant"
    PAID = "paid"
    TICKETING = "ticketing"
    TICKETED = "ticketed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.HOLD, OrderStatus.INSTANT, OrderStatus.FAILED}),
    OrderStatus.FAILED: frozenset(),
    OrderStatus.HOLD: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.EXPIRED}),
    OrderStatus.INSTANT: frozenset({OrderStatus.TICKETING, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.TICKETING, OrderStatus.CANCELLED}),
    # ticketing → cancelled only when ticketing failed before anything was issued
    # (Order.give_up_ticketing); a customer cannot cancel while ticketing runs
    OrderStatus.TICKETING: frozenset({OrderStatus.TICKETED, OrderStatus.CANCELLED}),
    OrderStatus.TICKETED: frozenset({OrderStatus.CANCELLED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}

# Orders a client was never told about: not listed, never serviced.
UNCONFIRMED_STATUSES = frozenset({OrderStatus.PENDING, OrderStatus.FAILED})

PAID_STATUSES = frozenset(
    {OrderStatus.INSTANT, OrderStatus.PAID, OrderStatus.TICKETING, OrderStatus.TICKETED}
)


class TicketingStatus(StrEnum):
    INACTIVE = "inactive"
    PENDING = "pending"
    SUCCESSFUL = "successful"
    FAILED = "failed"
    UNKNOWN = "unknown"


def is_allowed(current: OrderStatus, requested: OrderStatus) -> bool:
    return requested in TRANSITIONS[current]


def check_transition(order_id: str, current: OrderStatus, requested: OrderStatus) -> None:
    """Raise the most specific error when ``current → requested`` is not allowed."""
    if is_allowed(current, requested):
        return
    if current is OrderStatus.CANCELLED:
        raise OrderAlreadyCancelled(f"Order {order_id} is already cancelled.")
    if requested is OrderStatus.PAID and current in PAID_STATUSES:
        raise OrderAlreadyPaid(f"Order {order_id} is already paid.")
    raise InvalidTransition(order_id, current.value, requested.value)


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    type: str  # "passport"
    unique_identifier: str
    issuing_country_code: str
    expires_on: date

    @property
    def masked_identifier(self) -> str:
        """Passport numbers are never shown in full: ``*****1234``."""
        visible = self.unique_identifier[-3:]
        return "*" * max(len(self.unique_identifier) - 3, 3) + visible


@dataclass(frozen=True, slots=True)
class Passenger:
    id: str
    type: PassengerType
    title: str
    given_name: str
    family_name: str
    born_on: date
    gender: str
    email: str | None = None
    phone_number: str | None = None
    identity_documents: tuple[IdentityDocument, ...] = ()
    # Seated automatically by it when the order is made (ADR 0025); None: no wish.
    seat_preference: SeatPreference | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A travel document issued by the airline, e.g. an electronic ticket."""

    type: str
    unique_identifier: str
    passenger_id: str
    issued_at: datetime


EXCESS_BAGGAGE = "excess_baggage"


@dataclass(frozen=True, slots=True)
class OrderService:
    """A paid extra booked with the order, e.g. seat 12A for one passenger on one segment."""

    id: str
    type: str  # "seat" | "baggage" | "excess_baggage" (kg over the allowance, ADR 0026)
    segment_id: str | None  # seats: the segment
    passenger_id: str
    total: Money  # unit price times quantity
    designator: str | None = None  # seats: "12A"
    slice_id: str | None = None  # bags: the slice
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class OrderFailure:
    """Why an order failed: the error its request answered, replayed for a retry
    with the same idempotency key."""

    error: str  # the error's class name, e.g. "OfferNoLongerAvailable"
    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """A transition (``from_status`` → ``to_status``) or a note about the order."""

    order_id: str
    type: str  # past tense: order.created, order.paid, order.ticketed…
    from_status: OrderStatus | None
    to_status: OrderStatus
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    owner_id: str
    offer_id: str
    type: OrderType
    status: OrderStatus
    booking_reference: str  # "" while pending: the airline has not answered yet
    owner: Carrier
    slices: tuple[Slice, ...]
    passengers: tuple[Passenger, ...]
    base: Money
    tax: Money
    conditions: Conditions
    fare_brand_name: str
    created_at: datetime
    payment_required_by: datetime | None
    ticketing_status: TicketingStatus = TicketingStatus.INACTIVE
    paid_at: datetime | None = None
    synced_at: datetime | None = None
    cancelled_at: datetime | None = None
    documents: tuple[Document, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    services: tuple[OrderService, ...] = ()
    provider: str = "sandbox"  # the upstream that holds the booking; everything later goes there
    scenarios: frozenset[str] = frozenset()  # test faults asked for when it was made
    failure: OrderFailure | None = None
    # The offer's card fees, kept to price a later card payment of a hold.
    card_surcharges: tuple[CardSurcharge, ...] = ()
    # The card fee charged with the payment of the fare; None until paid, or paid without one.
    surcharge: Money | None = None
    # The airline's changes still waiting for the customer's answer (ADR 0020); read
    # from their own table, never stored with the order.
    schedule_changes: tuple[ScheduleChange, ...] = ()
    # The coupon redeemed with the order (ADR 0024) and what it took off the fare, in the
    # order's currency; None: no coupon.
    coupon_code: str | None = None
    discount: Money | None = None

    @property
    def services_total(self) -> Money:
        return services_total(self.services, self.base.currency)

    @property
    def gross_total(self) -> Money:
        """Fare and extras, before the coupon's discount."""
        return self.base + self.tax + self.services_total

    @property
    def discount_total(self) -> Money:
        """The coupon's discount (zero without one), never more than the fare: a change
        to a cheaper fare keeps the discount but never makes the fare negative."""
        fare = self.base + self.tax
        if self.discount is None:
            return Money.zero(fare.currency)
        return self.discount if self.discount <= fare else fare.max_zero()

    @property
    def total(self) -> Money:
        """What the order costs its customer before any card fee: fare and extras less
        the coupon's discount (ADR 0024)."""
        return self.gross_total - self.discount_total

    def amount_due(self, card_type: CardType | None) -> Money:
        """What paying the order takes: its total plus the fee of the card (none for a
        balance payment, ``card_type`` None)."""
        return self.total + surcharge_for(self.card_surcharges, card_type, self.total.currency)

    @property
    def charged_total(self) -> Money:
        """What the customer paid for the order: its total and the card fee charged."""
        return self.total + self.surcharge if self.surcharge is not None else self.total

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES

    def awaiting_payment(self) -> bool:
        return self.status is OrderStatus.HOLD

    def is_past_payment_deadline(self, now: datetime) -> bool:
        return (
            self.status is OrderStatus.HOLD
            and self.payment_required_by is not None
            and now >= self.payment_required_by
        )

    # --- transitions: each returns the event for the store to apply ---------------
    def _event(
        self, to: OrderStatus, type: str, now: datetime, data: dict[str, Any] | None = None
    ) -> OrderEvent:
        check_transition(self.id, self.status, to)
        return OrderEvent(self.id, type, self.status, to, now, data or {})

    def confirm(self, *, now: datetime) -> OrderEvent:
        """pending → hold | instant: the airline booked it (and, if instant, it was paid)."""
        to = OrderStatus.HOLD if self.type is OrderType.HOLD else OrderStatus.INSTANT
        return self._event(to, "order.created", now, {"type": self.type.value})

    def fail(self, *, now: datetime, code: str, message: str = "") -> OrderEvent:
        """pending → failed: nothing stays booked or charged."""
        return self._event(
            OrderStatus.FAILED, "order.failed", now, {"code": code, "message": message}
        )

    def pay(self, *, now: datetime, payment_id: str) -> OrderEvent:
        return self._event(OrderStatus.PAID, "order.paid", now, {"payment_id": payment_id})

    def start_ticketing(self, *, now: datetime) -> OrderEvent:
        return self._event(OrderStatus.TICKETING, "order.ticketing_started", now)

    def ticket(self, *, now: datetime, numbers: list[str]) -> OrderEvent:
        return self._event(OrderStatus.TICKETED, "order.ticketed", now, {"tickets": numbers})

    def give_up_ticketing(self, *, now: datetime, code: str, message: str) -> OrderEvent:
        """ticketing → cancelled: ticketing failed before anything was issued, so the
        booking is released and everything paid is refunded."""
        if self.status is not OrderStatus.TICKETING:
            raise InvalidTransition(self.id, self.status.value, OrderStatus.CANCELLED.value)
        data = {"code": code, "message": message}
        return self._event(OrderStatus.CANCELLED, "order.ticketing_failed", now, data)

    def cancel(
        self, *, now: datetime, cancellation_id: str, refund: Money, via: str | None = None
    ) -> OrderEvent:
        """``via``: how a traveller without the account asked (``manage_token``)."""
        data = {"cancellation_id": cancellation_id, "refund": str(refund)}
        if via is not None:
            data["via"] = via
        return self._event(OrderStatus.CANCELLED, "order.cancelled", now, data)

    def expire(self, *, now: datetime) -> OrderEvent:
        return self._event(OrderStatus.EXPIRED, "order.expired", now)

    def note(self, type: str, *, now: datetime, data: dict[str, Any]) -> OrderEvent:
        """An event that changes no status, e.g. an airline schedule change."""
        return OrderEvent(self.id, type, self.status, self.status, now, data)


def services_total(services: tuple[OrderService, ...], currency: str) -> Money:
    result = Money.zero(currency)
    for service in services:
        result = result + service.total
    return result

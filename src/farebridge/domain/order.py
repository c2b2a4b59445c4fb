"""The order aggregate and its state machine (PRODUCT.md, "The order life cycle").

    hold ──pay──▶ paid ──▶ ticketing ──▶ ticketed
    instant ───────────▶ ticketing
    hold | instant | paid ──▶ cancelled        hold ──▶ expired
    ticketed ──▶ cancelled (the fare's refund rules)

``ticketing`` cannot be cancelled: the airline may be issuing tickets right now
and an unknown outcome must never be refunded blindly (seeds 001/003).
The store applies every transition as a compare-and-set and writes an
``order_events`` row in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from farebridge.domain.errors import InvalidTransition, OrderAlreadyCancelled, OrderAlreadyPaid
from farebridge.domain.itinerary import Carrier, Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import Conditions
from farebridge.domain.search import PassengerType


class OrderType(StrEnum):
    HOLD = "hold"
    INSTANT = "instant"


class OrderStatus(StrEnum):
    HOLD = "hold"
    INSTANT = "instant"
    PAID = "paid"
    TICKETING = "ticketing"
    TICKETED = "ticketed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.HOLD: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.EXPIRED}),
    OrderStatus.INSTANT: frozenset({OrderStatus.TICKETING, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.TICKETING, OrderStatus.CANCELLED}),
    OrderStatus.TICKETING: frozenset({OrderStatus.TICKETED, OrderStatus.PAID}),
    OrderStatus.TICKETED: frozenset({OrderStatus.CANCELLED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}

PAID_STATUSES = frozenset(
    {OrderStatus.INSTANT, OrderStatus.PAID, OrderStatus.TICKETING, OrderStatus.TICKETED}
)


class TicketingStatus(StrEnum):
    INACTIVE = "inactive"
    PENDING = "pending"
    SUCCESSFUL = "successful"
    FAILED = "failed"
    UNKNOWN = "unknown"


def check_transition(order_id: str, current: OrderStatus, requested: OrderStatus) -> None:
    """Raise the most specific error when ``current → requested`` is not allowed."""
    if requested in TRANSITIONS[current]:
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


@dataclass(frozen=True, slots=True)
class Document:
    """A travel document issued by the airline, e.g. an electronic ticket."""

    type: str
    unique_identifier: str
    passenger_id: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class OrderService:
    """A paid extra booked with the order, e.g. seat 12A for one passenger on one segment."""

    id: str
    type: str  # "seat" | "baggage"
    segment_id: str | None  # seats: the segment
    passenger_id: str
    total: Money  # unit price times quantity
    designator: str | None = None  # seats: "12A"
    slice_id: str | None = None  # bags: the slice
    quantity: int = 1


@dataclass(slots=True)
class Order:
    id: str
    owner_id: str
    offer_id: str
    type: OrderType
    status: OrderStatus
    booking_reference: str
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

    @property
    def services_total(self) -> Money:
        return services_total(self.services, self.base.currency)

    @property
    def total(self) -> Money:
        return self.base + self.tax + self.services_total

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


@dataclass(frozen=True, slots=True)
class OrderEvent:
    order_id: str
    type: str  # past tense: order.created, order.paid, order.ticketed…
    from_status: OrderStatus | None
    to_status: OrderStatus
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def services_total(services: tuple[OrderService, ...], currency: str) -> Money:
    result = Money.zero(currency)
    for service in services:
        result = result + service.total
    return result

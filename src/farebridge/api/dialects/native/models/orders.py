"""Orders, their passengers and services, prices, payments, cancellations and events."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from farebridge.api.dialects.native.models.common import (
    Amount,
    Carrier,
    Currency,
    Instant,
    PageMeta,
    WireModel,
)
from farebridge.api.dialects.native.models.offers import (
    CardSurcharge,
    Conditions,
    ConvertedAmount,
    Slice,
)
from farebridge.api.dialects.native.models.schedule_changes import ScheduleChange
from farebridge.domain.order import OrderStatus, OrderType, TicketingStatus
from farebridge.domain.payment import PaymentStatus, PaymentType
from farebridge.domain.search import PassengerType
from farebridge.domain.seat_assignment import SeatPreference


class IdentityDocument(WireModel):
    type: str
    unique_identifier: str
    issuing_country_code: str
    expires_on: date


class Passenger(WireModel):
    id: str
    type: PassengerType
    title: str
    given_name: str
    family_name: str
    born_on: date
    gender: str
    email: str | None
    phone_number: str | None
    identity_documents: list[IdentityDocument]
    seat_preference: SeatPreference | None = Field(
        default=None, description="Seated automatically by it when the order was made"
    )


class OrderService(WireModel):
    """A seat (``segment_id``, ``designator``) or bags (``slice_id``, ``quantity``)."""

    id: str
    type: str
    segment_id: str | None
    passenger_id: str
    designator: str | None
    slice_id: str | None
    quantity: int
    total_amount: Amount
    total_currency: Currency


class OrderPaymentStatus(WireModel):
    awaiting_payment: bool
    payment_required_by: Instant | None
    price_guarantee_expires_at: Instant | None
    paid_at: Instant | None


class Document(WireModel):
    type: str
    unique_identifier: str
    passenger_id: str
    issued_at: Instant


DISCOUNT = "What the coupon took off the fare (already out of total_amount); null: no coupon"


class Order(WireModel):
    id: str
    live_mode: bool
    type: OrderType
    status: OrderStatus
    booking_reference: str
    offer_id: str
    owner: Carrier
    total_amount: Amount = Field(
        description="Fare, taxes and extras less any coupon discount: what paying the order "
        "takes before a card surcharge"
    )
    total_currency: Currency
    base_amount: Amount
    base_currency: Currency
    tax_amount: Amount
    tax_currency: Currency
    services_amount: Amount
    services_currency: Currency
    services: list[OrderService]
    card_surcharges: list[CardSurcharge] = Field(
        description="What paying a hold by each card type adds to total_amount"
    )
    surcharge_amount: Amount | None = Field(
        description="The card surcharge charged with the payment (on top of total_amount); "
        "null: none charged (unpaid, or paid without one)"
    )
    surcharge_currency: Currency | None
    coupon_code: str | None = Field(description="The coupon redeemed with the order")
    discount_amount: Amount | None = Field(description=DISCOUNT)
    discount_currency: Currency | None
    fare_brand_name: str
    payment_status: OrderPaymentStatus
    ticketing_status: TicketingStatus
    documents: list[Document]
    passengers: list[Passenger]
    slices: list[Slice]
    conditions: Conditions
    metadata: dict[str, str]
    created_at: Instant
    synced_at: Instant | None
    cancelled_at: Instant | None
    airline_initiated_changes: list[ScheduleChange] = Field(
        description="The airline's changes waiting for an answer (pending schedule changes)"
    )
    available_actions: list[Literal["cancel", "change", "documents"]] = Field(
        description="What the traveller may ask for, as the order's state and fare allow: "
        "cancel (quote, then confirm), change (a voluntary change of flights) and documents "
        "(its PDFs: the e-ticket once ticketed, the cancellation receipt once cancelled; "
        "GET …/documents lists them a moment later, once rendered). A flight that has left "
        "or a closed cancellation window is refused when asked"
    )


class Price(WireModel):
    """What an offer costs with these extras; nothing is reserved."""

    offer_id: str
    base_amount: Amount
    base_currency: Currency
    tax_amount: Amount
    tax_currency: Currency
    services_amount: Amount
    services_currency: Currency
    total_amount: Amount = Field(
        description="The amount due: fare, taxes and extras less any coupon discount"
    )
    total_currency: Currency
    services: list[OrderService]
    card_surcharges: list[CardSurcharge] = Field(
        description="Paying by that card type adds this to total_amount"
    )
    total_in_preferred_currencies: list[ConvertedAmount]
    coupon_code: str | None = Field(description="The coupon applied (upper-case)")
    discount_amount: Amount | None = Field(description=DISCOUNT)
    discount_currency: Currency | None


class Payment(WireModel):
    id: str
    order_id: str
    type: PaymentType
    status: PaymentStatus
    amount: Amount
    currency: Currency
    created_at: Instant
    live_mode: bool


class Cancellation(WireModel):
    """A refund quote; confirm it with its ``id`` before ``expires_at``."""

    id: str
    order_id: str
    refund_amount: Amount
    refund_currency: Currency
    penalty_amount: Amount
    penalty_currency: Currency
    refund_to: str
    reason: str
    created_at: Instant
    expires_at: Instant
    confirmed_at: Instant | None
    live_mode: bool


class OrderEvent(WireModel):
    type: str
    from_status: OrderStatus | None
    to_status: OrderStatus
    data: dict[str, Any]
    occurred_at: Instant


class CancelledOrder(WireModel):
    order: Order
    cancellation: Cancellation


class OrderResponse(WireModel):
    data: Order


class OrderListResponse(WireModel):
    data: list[Order]
    meta: PageMeta


class OrderEventListResponse(WireModel):
    data: list[OrderEvent]


class PriceResponse(WireModel):
    data: Price


class PaymentResponse(WireModel):
    data: Payment


class CancellationResponse(WireModel):
    data: Cancellation


class CancelledOrderResponse(WireModel):
    data: CancelledOrder

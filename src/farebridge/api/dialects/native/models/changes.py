"""Order change requests, change offers and order changes (ADR 0012)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from farebridge.api.dialects.native.models.common import (
    Amount,
    Currency,
    Instant,
    PageMeta,
    WireModel,
)
from farebridge.api.dialects.native.models.offers import Slice
from farebridge.domain.changes import OrderChangeStatus
from farebridge.domain.itinerary import CabinClass


class RemovedSliceRef(WireModel):
    slice_id: str


class AddedSliceSpec(WireModel):
    origin: str
    destination: str
    departure_date: date
    cabin_class: CabinClass


class RequestedSlices(WireModel):
    remove: list[RemovedSliceRef]
    add: list[AddedSliceSpec]


class OrderChangeRequest(WireModel):
    """A change asked for; its offers are at ``GET /order_change_offers``."""

    id: str
    order_id: str
    slices: RequestedSlices
    order_change_offers: list[str]
    schedule_change_id: str | None = Field(
        description="Set: an involuntary change for this airline change, free of charge"
    )
    created_at: Instant
    updated_at: Instant
    live_mode: bool


class ChangedSlices(WireModel):
    remove: list[Slice]
    add: list[Slice]


class OrderChangeOffer(WireModel):
    """A priced change: ``change_total_amount`` is due (negative: refunded)."""

    id: str
    order_change_request_id: str
    order_id: str
    slices: ChangedSlices
    penalty_total_amount: Amount
    penalty_total_currency: Currency
    change_total_amount: Amount
    change_total_currency: Currency
    new_total_amount: Amount
    new_total_currency: Currency
    refund_to: str | None
    created_at: Instant
    updated_at: Instant
    expires_at: Instant
    live_mode: bool


class OrderChange(WireModel):
    """A selected change offer; confirm it with its ``id`` before ``expires_at``."""

    id: str
    order_id: str
    order_change_offer_id: str
    status: OrderChangeStatus
    slices: ChangedSlices
    penalty_total_amount: Amount
    penalty_total_currency: Currency
    change_total_amount: Amount
    change_total_currency: Currency
    new_total_amount: Amount
    new_total_currency: Currency
    refund_to: str | None
    created_at: Instant
    expires_at: Instant
    confirmed_at: Instant | None
    schedule_change_id: str | None
    live_mode: bool


class OrderChangeRequestResponse(WireModel):
    data: OrderChangeRequest


class OrderChangeOfferResponse(WireModel):
    data: OrderChangeOffer


class OrderChangeOfferListResponse(WireModel):
    data: list[OrderChangeOffer]
    meta: PageMeta


class OrderChangeResponse(WireModel):
    data: OrderChange

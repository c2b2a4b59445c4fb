"""Admin routes (users and roles, flight manifest, audit log) and the booking look-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from farebridge.api.dialects.native.models.common import Amount, Currency, Instant, WireModel
from farebridge.api.dialects.native.models.orders import Order, Passenger
from farebridge.domain.account import Role
from farebridge.domain.order import OrderStatus


class Agency(WireModel):
    id: str
    name: str


class AdminUser(WireModel):
    id: str
    email: str
    full_name: str
    role: Role
    agency: Agency | None
    created_at: Instant


class AgencyCustomer(WireModel):
    """A customer account an agent may book and service for (``customer_id`` on orders)."""

    id: str
    email: str
    full_name: str
    agency: Agency | None


class AgencyCustomerListResponse(WireModel):
    data: list[AgencyCustomer]


class AdminUserResponse(WireModel):
    data: AdminUser


class AdminUserListResponse(WireModel):
    data: list[AdminUser]


class ManifestPassenger(WireModel):
    passenger: Passenger = Field(description="Identity documents masked")
    seat: str | None = Field(description="The seat chosen on this flight, e.g. 12A")


class ManifestBooking(WireModel):
    order_id: str
    booking_reference: str
    status: OrderStatus
    segment_id: str
    passengers: list[ManifestPassenger]


class Manifest(WireModel):
    flight: str = Field(examples=["BA117"])
    departure_date: date
    bookings: list[ManifestBooking]


class ManifestResponse(WireModel):
    data: Manifest


class AuditEntry(WireModel):
    id: int
    occurred_at: Instant
    actor_id: str | None = Field(description="The acting user; null: the command line")
    action: str = Field(examples=["order.created", "user.role_set"])
    order_id: str | None
    subject_user_id: str | None
    data: dict[str, Any]


class AuditMeta(WireModel):
    before_id: int | None = Field(description="Pass as ?before_id= for older entries")


class AuditLogResponse(WireModel):
    data: list[AuditEntry]
    meta: AuditMeta


class FoundBooking(WireModel):
    order: Order
    manage_token: str = Field(
        description="Send as Manage-Token to GET /api/bookings/manage to read this order again"
    )
    manage_token_expires_at: Instant


class FoundBookingResponse(WireModel):
    data: FoundBooking


class Coupon(WireModel):
    """A discount code (ADR 0024): a fixed amount or a percentage off the fare."""

    id: str
    code: str
    amount: Amount | None = Field(description="A fixed discount; null: a percentage")
    currency: Currency | None
    percent: int | None = Field(description="A percentage of the fare; null: an amount")
    minimum_spend_amount: Amount | None
    minimum_spend_currency: Currency | None
    valid_from: Instant | None
    valid_until: Instant | None
    max_uses: int | None = Field(description="Redemptions in total; null: unlimited")
    uses: int
    created_at: Instant


class CouponResponse(WireModel):
    data: Coupon


class CouponListResponse(WireModel):
    data: list[Coupon]

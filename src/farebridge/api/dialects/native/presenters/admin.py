"""Admin routes and the booking look-up."""

from __future__ import annotations

from farebridge.api.dialects.native.models import admin as wire
from farebridge.api.dialects.native.presenters.common import amount, instant, optional_instant
from farebridge.api.dialects.native.presenters.orders import present_order, present_passenger
from farebridge.domain.account import Agency, User
from farebridge.domain.audit import AuditEntry
from farebridge.domain.coupons import Coupon
from farebridge.domain.manifest import FlightKey, ManifestEntry
from farebridge.services.lookup import FoundBooking


def present_admin_user(user: User, agency: Agency | None) -> wire.AdminUser:
    return wire.AdminUser.model_construct(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        agency=wire.Agency.model_construct(id=agency.id, name=agency.name) if agency else None,
        created_at=instant(user.created_at),
    )


def present_agency_customer(user: User, agency: Agency | None) -> wire.AgencyCustomer:
    return wire.AgencyCustomer.model_construct(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        agency=wire.Agency.model_construct(id=agency.id, name=agency.name) if agency else None,
    )


def present_manifest(flight: FlightKey, entries: list[ManifestEntry]) -> wire.Manifest:
    return wire.Manifest.model_construct(
        flight=f"{flight.carrier}{flight.number}",
        departure_date=flight.departure_on,
        bookings=[
            wire.ManifestBooking.model_construct(
                order_id=entry.order_id,
                booking_reference=entry.booking_reference,
                status=entry.status,
                segment_id=entry.segment_id,
                passengers=[
                    wire.ManifestPassenger.model_construct(
                        passenger=present_passenger(p.passenger), seat=p.seat
                    )
                    for p in entry.passengers
                ],
            )
            for entry in entries
        ],
    )


def present_audit_entry(entry: AuditEntry) -> wire.AuditEntry:
    return wire.AuditEntry.model_construct(
        id=entry.id or 0,
        occurred_at=instant(entry.occurred_at),
        actor_id=entry.actor_id,
        action=entry.action.value,
        order_id=entry.order_id,
        subject_user_id=entry.subject_user_id,
        data=entry.data,
    )


def present_found_booking(found: FoundBooking) -> wire.FoundBooking:
    return wire.FoundBooking.model_construct(
        order=present_order(found.order),
        manage_token=found.manage_token,
        manage_token_expires_at=instant(found.expires_at),
    )


def present_coupon(coupon: Coupon) -> wire.Coupon:
    fixed, spend = coupon.amount, coupon.minimum_spend
    return wire.Coupon.model_construct(
        id=coupon.id,
        code=coupon.code,
        amount=amount(fixed) if fixed is not None else None,
        currency=fixed.currency if fixed is not None else None,
        percent=coupon.percent,
        minimum_spend_amount=amount(spend) if spend is not None else None,
        minimum_spend_currency=spend.currency if spend is not None else None,
        valid_from=optional_instant(coupon.valid_from),
        valid_until=optional_instant(coupon.valid_until),
        max_uses=coupon.max_uses,
        uses=coupon.uses,
        created_at=instant(coupon.created_at),
    )

"""Admin routes: users and their roles, the flight manifest, the audit log (ADR 0021),
coupons (ADR 0024).

Everyone else gets 403 ``forbidden`` naming the admin role.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.admin import (
    AdminUserListResponse,
    AdminUserResponse,
    AuditLogResponse,
    AuditMeta,
    CouponListResponse,
    CouponResponse,
    ManifestResponse,
)
from farebridge.api.dialects.native.presenters.admin import (
    present_admin_user,
    present_audit_entry,
    present_coupon,
    present_manifest,
)
from farebridge.api.dialects.native.schemas import AdminCouponBody, AdminUserUpdateBody
from farebridge.api.routing import APIRouter
from farebridge.domain.account import Role
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import Money
from farebridge.services import admin, coupons
from farebridge.services.admin import RoleChange

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users", responses=responses(401, 403))
def list_users(services: ServicesDep, user: CurrentUser) -> AdminUserListResponse:
    """Every user with their role and agency, oldest first."""
    found = admin.list_users(services, actor=user)
    return AdminUserListResponse.model_construct(
        data=[present_admin_user(u, agency) for u, agency in found]
    )


@router.patch("/users/{user_id}", responses=responses(401, 403, 404))
def update_user(
    user_id: str, body: AdminUserUpdateBody, services: ServicesDep, user: CurrentUser
) -> AdminUserResponse:
    """Give a user a role and/or an agency (by name, made on first use; null: none)."""
    change = RoleChange(
        role=Role(body.role) if body.role else None,
        agency_name=body.agency,
        clear_agency="agency" in body.model_fields_set and body.agency is None,
    )
    updated, agency = admin.set_role(services, actor=user, user_id=user_id, change=change)
    return AdminUserResponse.model_construct(data=present_admin_user(updated, agency))


@router.get("/manifest", responses=responses(401, 403))
def flight_manifest(
    services: ServicesDep,
    user: CurrentUser,
    flight: Annotated[str, Query(min_length=3, max_length=8, examples=["BA117"])],
    date: Annotated[date, Query(description="Local departure date at the origin")],
) -> ManifestResponse:
    """Every booking on a flight and date: order, reference, passengers, seats, status."""
    key, entries = admin.flight_manifest(services, actor=user, flight=flight, departure_on=date)
    return ManifestResponse.model_construct(data=present_manifest(key, entries))


@router.get("/audit", responses=responses(401, 403))
def audit_log(
    services: ServicesDep,
    user: CurrentUser,
    order_id: Annotated[str | None, Query(max_length=40)] = None,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditLogResponse:
    """Who did what to which order or account, newest first."""
    entries = admin.audit_log(
        services, actor=user, before_id=before_id, order_id=order_id, limit=limit
    )
    more = len(entries) == limit and entries
    return AuditLogResponse.model_construct(
        data=[present_audit_entry(e) for e in entries],
        meta=AuditMeta.model_construct(before_id=entries[-1].id if more else None),
    )


@router.get("/coupons", responses=responses(401, 403))
def list_coupons(services: ServicesDep, user: CurrentUser) -> CouponListResponse:
    """Every coupon with its uses, oldest first."""
    found = coupons.list_coupons(services, actor=user)
    return CouponListResponse.model_construct(data=[present_coupon(c) for c in found])


@router.post("/coupons", status_code=201, responses=responses(401, 403, 409))
def add_coupon(body: AdminCouponBody, services: ServicesDep, user: CurrentUser) -> CouponResponse:
    """Add a coupon: a fixed amount or a percentage off the fare, optionally limited."""
    new = coupons.NewCoupon(
        code=body.code,
        amount=_money(body.amount, body.currency, "amount"),
        percent=body.percent,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        max_uses=body.max_uses,
        minimum_spend=_money(
            body.minimum_spend_amount, body.minimum_spend_currency, "minimum_spend_amount"
        ),
    )
    coupon = coupons.add_coupon(services, actor=user, new=new)
    return CouponResponse.model_construct(data=present_coupon(coupon))


def _money(amount: str | None, currency: str | None, field: str) -> Money | None:
    if amount is None or currency is None:
        return None
    try:
        return Money.of(amount, currency)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=field, code="invalid_amount") from exc

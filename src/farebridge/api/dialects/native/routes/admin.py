"""Admin routes: users and their roles, the flight manifest, the audit log (ADR 0021).

Everyone else gets 403 ``forbidden`` naming the admin role.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.admin import (
    AdminUserListResponse,
    AdminUserResponse,
    AuditLogResponse,
    AuditMeta,
    ManifestResponse,
)
from farebridge.api.dialects.native.presenters.admin import (
    present_admin_user,
    present_audit_entry,
    present_manifest,
)
from farebridge.api.dialects.native.schemas import AdminUserUpdateBody
from farebridge.domain.account import Role
from farebridge.services import admin
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

"""Airline-initiated changes of an order: list them, accept one (ADR 0020)."""

from __future__ import annotations

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.schedule_changes import (
    ScheduleChangeListResponse,
    ScheduleChangeResponse,
)
from farebridge.api.dialects.native.presenters.schedule_changes import present_schedule_change
from farebridge.api.routing import APIRouter
from farebridge.services import schedule_changes

router = APIRouter(tags=["airline changes"])


@router.get("/orders/{order_id}/schedule_changes", responses=responses(401, 404))
def list_schedule_changes(
    order_id: str, services: ServicesDep, user: CurrentUser
) -> ScheduleChangeListResponse:
    """The airline's changes of an order (retimed or cancelled flights), oldest first."""
    changes = schedule_changes.list_schedule_changes(services, user=user, order_id=order_id)
    return ScheduleChangeListResponse.model_construct(
        data=[present_schedule_change(change) for change in changes]
    )


@router.post(
    "/orders/{order_id}/schedule_changes/{change_id}/actions/accept",
    responses=responses(401, 404, 409, 422),
)
def accept_schedule_change(
    order_id: str, change_id: str, services: ServicesDep, user: CurrentUser
) -> ScheduleChangeResponse:
    """Keep the new times; 409 once the change was answered (accepted, rebooked, cancelled)."""
    change = schedule_changes.accept_schedule_change(
        services, user=user, order_id=order_id, change_id=change_id
    )
    return ScheduleChangeResponse.model_construct(data=present_schedule_change(change))

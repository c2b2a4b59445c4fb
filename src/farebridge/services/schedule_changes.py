"""Airline-initiated changes (ADR 0020): recorded when an order is synced, answered by
the customer.

``record_airline_changes`` asks the order's provider what the airline changed and,
for each change not seen before, in one transaction: retimes the order's segments (or
marks a cancelled flight), records the ``schedule_changes`` row with the segments
before and after and whether a connection broke, and writes the
``order.schedule_changed`` event that webhooks and notifications are sent from. The
order's trip is replaced with a compare-and-set on its version, and the row is unique
per airline change, so two syncs at once record a change once.

The customer then **accepts** it (this module), **rebooks** for free
(``services/changes.py`` with ``schedule_change_id``) or **cancels** with a full refund
(``services/cancellation.py``, reason ``schedule_change``). Each resolution moves the
change from ``pending`` with a compare-and-set: one wins, the others get 409.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from farebridge.domain.account import User
from farebridge.domain.documents import DocumentKind
from farebridge.domain.errors import InvalidState, NotFound, ScheduleChangeResolved
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order, OrderStatus
from farebridge.domain.schedule_changes import (
    PROVIDER_KINDS,
    AirlineChange,
    ScheduleChange,
    ScheduleChangeKind,
    ScheduleChangeStatus,
    apply_airline_change,
)
from farebridge.providers.base import BookingChange
from farebridge.services.documents import enqueue_render
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.reads import owned_order

EVENT_TYPE = "order.schedule_changed"
ENDED = (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
RETRIES = 3


def record_airline_changes(deps: Dependencies, order: Order) -> int:
    """Record the airline's changes to ``order`` that are new; how many were."""
    provider = deps.providers.for_order(order)
    changes = provider.booking_changes(order.booking_reference, now=deps.clock.now())
    recorded = 0
    for change in changes:
        for _ in range(RETRIES):
            outcome = _record_one(deps, order.id, change)
            if outcome is not None:
                recorded += outcome
                break
    with deps.uow() as uow:
        uow.orders.mark_synced(order.id, synced_at=deps.clock.now())
        uow.commit()
    return recorded


def _record_one(deps: Dependencies, order_id: str, change: BookingChange) -> int | None:
    """1 recorded, 0 already known (or the order ended), None: the order moved meanwhile
    (retry)."""
    now = deps.clock.now()
    with deps.uow() as uow:
        order = uow.orders.get(order_id)
        if order is None or order.status in ENDED:
            return 0
        if change.id in {e.data.get("change_id") for e in uow.orders.events(order.id)}:
            return 0
        data: dict[str, Any] = {
            "change_id": change.id,
            "flight": change.flight,
            "departure_on": change.departure_on.isoformat(),
            "minutes": change.minutes,
            "message": change.message,
        }
        kind = PROVIDER_KINDS.get(change.kind)
        applied = None
        if kind is not None:
            airline = AirlineChange(
                provider_change_id=change.id,
                kind=kind,
                flight=change.flight,
                departure_on=change.departure_on,
                minutes=change.minutes,
                message=change.message,
                leg_index=change.leg_index,
            )
            applied = apply_airline_change(
                order.slices, airline, order_id=order.id, change_id=new_id("sch"), now=now
            )
        if applied is not None:
            slices, recorded = applied
            if not uow.schedule_changes.add(recorded):
                return 0
            retimed = replace(order, slices=slices)
            if not uow.orders.replace_trip(retimed, expected_version=order.version):
                return None
            data.update(_event_data(recorded))
            if order.status is OrderStatus.TICKETED:
                # The e-ticket shows the new times (its next version, ADR 0017).
                enqueue_render(uow, deps, order.id, DocumentKind.E_TICKET, cause=recorded.id)
        uow.orders.add_event(order.note(EVENT_TYPE, now=now, data=data))
        uow.commit()
    return 1


def _event_data(change: ScheduleChange) -> dict[str, Any]:
    return {
        "schedule_change_id": change.id,
        "kind": change.kind.value,
        "slice_ids": list(change.slice_ids),
        "connection_broken": change.connection_broken,
        "segments": [
            {
                "segment_id": before.id,
                "departing_at_before": before.departing_at.isoformat(),
                "arriving_at_before": before.arriving_at.isoformat(),
                "departing_at_after": after.departing_at.isoformat(),
                "arriving_at_after": after.arriving_at.isoformat(),
                "cancelled": after.cancelled,
            }
            for before, after in zip(change.before, change.after, strict=True)
            if before != after
        ],
    }


def list_schedule_changes(deps: Dependencies, *, user: User, order_id: str) -> list[ScheduleChange]:
    """Every airline change of one of the caller's orders, oldest first."""
    with deps.uow(read_only=True) as uow:
        order = owned_order(uow, user, order_id)
        return uow.schedule_changes.list_for_order(order.id)


def owned_schedule_change(
    uow: UnitOfWork, user: User, order_id: str, change_id: str
) -> tuple[Order, ScheduleChange]:
    order = owned_order(uow, user, order_id)
    change = uow.schedule_changes.get(change_id)
    if change is None or change.order_id != order.id:
        raise NotFound(
            f"No schedule change {change_id} on order {order_id}.",
            code="schedule_change_not_found",
        )
    return order, change


def already_resolved(change: ScheduleChange) -> ScheduleChangeResolved:
    return ScheduleChangeResolved(
        f"Schedule change {change.id} is already {change.status.value}; nothing was done."
    )


def accept_schedule_change(
    deps: Dependencies, *, user: User, order_id: str, change_id: str
) -> ScheduleChange:
    """Keep the new times: ``pending → accepted`` (a compare-and-set)."""
    now = deps.clock.now()
    with deps.uow() as uow:
        order, change = owned_schedule_change(uow, user, order_id, change_id)
        if change.kind is ScheduleChangeKind.FLIGHT_CANCELLED and change.is_pending:
            raise InvalidState(
                f"The airline cancelled a flight of order {order.id}; it cannot be accepted. "
                "Rebook on another flight or cancel the order with a full refund.",
                code="schedule_change_not_acceptable",
            )
        if not uow.schedule_changes.resolve(change.id, ScheduleChangeStatus.ACCEPTED, now=now):
            current = uow.schedule_changes.get(change.id) or change
            raise already_resolved(current)
        uow.orders.add_event(
            order.note(
                "order.schedule_change_accepted",
                now=now,
                data={"schedule_change_id": change.id},
            )
        )
        uow.commit()
    return replace(change, status=ScheduleChangeStatus.ACCEPTED, resolved_at=now)


def pending_change(uow: UnitOfWork, order: Order, change_id: str) -> ScheduleChange:
    """The order's pending schedule change ``change_id``: 404 when not the order's,
    409 when already resolved."""
    change = uow.schedule_changes.get(change_id)
    if change is None or change.order_id != order.id:
        raise NotFound(
            f"No schedule change {change_id} on order {order.id}.",
            code="schedule_change_not_found",
            field="schedule_change_id",
        )
    if not change.is_pending:
        raise already_resolved(change)
    return change

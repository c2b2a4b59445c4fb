"""Airline-initiated changes of an order."""

from __future__ import annotations

from farebridge.api.dialects.native.models import schedule_changes as wire
from farebridge.api.dialects.native.presenters.common import instant, local, optional_instant
from farebridge.domain.itinerary import Segment
from farebridge.domain.schedule_changes import ScheduleChange, ScheduleChangeKind, designator


def present_changed_segment(segment: Segment) -> wire.ChangedSegment:
    return wire.ChangedSegment.model_construct(
        segment_id=segment.id,
        flight=designator(segment),
        origin=segment.origin.iata_code,
        destination=segment.destination.iata_code,
        departing_at=local(segment.departing_at),
        arriving_at=local(segment.arriving_at),
        cancelled=segment.cancelled,
    )


def available_actions(change: ScheduleChange) -> list[str]:
    if not change.is_pending:
        return []
    if change.kind is ScheduleChangeKind.FLIGHT_CANCELLED:
        return ["change", "cancel"]
    return ["accept", "change", "cancel"]


def present_schedule_change(change: ScheduleChange) -> wire.ScheduleChange:
    return wire.ScheduleChange.model_construct(
        id=change.id,
        order_id=change.order_id,
        kind=change.kind,
        status=change.status,
        slice_ids=list(change.slice_ids),
        before=[present_changed_segment(s) for s in change.before],
        after=[present_changed_segment(s) for s in change.after],
        connection_broken=change.connection_broken,
        message=change.message,
        available_actions=available_actions(change),
        detected_at=instant(change.detected_at),
        resolved_at=optional_instant(change.resolved_at),
    )

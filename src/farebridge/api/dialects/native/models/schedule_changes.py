"""Airline-initiated changes of an order (ADR 0020)."""

from __future__ import annotations

from pydantic import Field

from farebridge.api.dialects.native.models.common import Instant, LocalTime, WireModel
from farebridge.domain.schedule_changes import ScheduleChangeKind, ScheduleChangeStatus


class ChangedSegment(WireModel):
    """A flight of a slice the airline changed, before or after the change."""

    segment_id: str
    flight: str = Field(description="Marketing designator, e.g. BA112")
    origin: str
    destination: str
    departing_at: LocalTime
    arriving_at: LocalTime
    cancelled: bool


class ScheduleChange(WireModel):
    """A flight the airline retimed or cancelled. While ``pending``: accept it, change
    to another flight for free (``POST /order_change_requests`` with
    ``schedule_change_id``), or cancel with a full refund (cancel with reason
    ``schedule_change``)."""

    id: str
    order_id: str
    kind: ScheduleChangeKind
    status: ScheduleChangeStatus
    slice_ids: list[str]
    before: list[ChangedSegment]
    after: list[ChangedSegment]
    connection_broken: bool = Field(
        description="A connection now has less than the minimum connecting time"
    )
    message: str
    available_actions: list[str] = Field(description="accept, change, cancel (while pending)")
    detected_at: Instant
    resolved_at: Instant | None


class ScheduleChangeResponse(WireModel):
    data: ScheduleChange


class ScheduleChangeListResponse(WireModel):
    data: list[ScheduleChange]

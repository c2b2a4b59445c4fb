"""Airline-initiated changes of a booked trip (ADR 0020): a flight retimed or cancelled.

    pending ──accept──▶ accepted     (the customer keeps the new times)
    pending ──rebook──▶ rebooked     (another flight, free: an involuntary change)
    pending ──cancel──▶ cancelled    (the order cancelled with a full refund)

The store moves the status with a compare-and-set from ``pending``: of two resolutions
at once one wins, the other is refused (``ScheduleChangeResolved``, 409).

``apply_airline_change`` is pure: given the order's slices and what the airline reports
(a flight, its departure date, how far it moved, or that it was cancelled), it returns
the slices as the airline now flies them and the change to record, with the affected
slices' segments before and after and whether a connection no longer meets the
minimum connecting time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from farebridge.domain.connections import minimum_connecting_time
from farebridge.domain.itinerary import Segment, Slice


class ScheduleChangeKind(StrEnum):
    RETIMED = "retimed"
    FLIGHT_CANCELLED = "flight_cancelled"


class ScheduleChangeStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REBOOKED = "rebooked"
    CANCELLED = "cancelled"


SCHEDULE_CHANGE_TRANSITIONS: dict[ScheduleChangeStatus, frozenset[ScheduleChangeStatus]] = {
    ScheduleChangeStatus.PENDING: frozenset(
        {
            ScheduleChangeStatus.ACCEPTED,
            ScheduleChangeStatus.REBOOKED,
            ScheduleChangeStatus.CANCELLED,
        }
    ),
    ScheduleChangeStatus.ACCEPTED: frozenset(),
    ScheduleChangeStatus.REBOOKED: frozenset(),
    ScheduleChangeStatus.CANCELLED: frozenset(),
}

# What a provider's ``BookingChange.kind`` means here.
PROVIDER_KINDS = {
    "schedule_change": ScheduleChangeKind.RETIMED,
    "flight_cancelled": ScheduleChangeKind.FLIGHT_CANCELLED,
}


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    id: str  # sch_…
    order_id: str
    provider_change_id: str  # the airline's stable id: recorded once
    kind: ScheduleChangeKind
    detected_at: datetime
    slice_ids: tuple[str, ...]  # the order's slices it touches
    before: tuple[Segment, ...]  # those slices' segments as booked
    after: tuple[Segment, ...]  # …as the airline now flies them
    connection_broken: bool  # a connection now has less than the minimum connecting time
    message: str
    status: ScheduleChangeStatus = ScheduleChangeStatus.PENDING
    resolved_at: datetime | None = None

    @property
    def is_pending(self) -> bool:
        return self.status is ScheduleChangeStatus.PENDING


@dataclass(frozen=True, slots=True)
class AirlineChange:
    """What the airline reports, provider-neutral."""

    provider_change_id: str
    kind: ScheduleChangeKind
    flight: str  # designator, e.g. "BA112"
    departure_on: date  # the flight's local departure date as booked
    minutes: int  # how far the departure (and arrival) moved; 0 when cancelled
    message: str
    leg_index: int | None = None  # the flight's position in the booking, when known


def designator(segment: Segment) -> str:
    return f"{segment.marketing_carrier.iata_code}{segment.marketing_carrier_flight_number}"


def _find(slices: Sequence[Slice], change: AirlineChange) -> tuple[int, int] | None:
    """(slice index, segment index) of the changed flight: by designator and date, else
    by its position among the booking's flights."""
    positions = [(i, j) for i, item in enumerate(slices) for j, _ in enumerate(item.segments)]
    for i, j in positions:
        segment = slices[i].segments[j]
        if designator(segment) == change.flight and (
            segment.departing_at.date() == change.departure_on
        ):
            return i, j
    if change.leg_index is not None and 0 <= change.leg_index < len(positions):
        i, j = positions[change.leg_index]
        if slices[i].segments[j].departing_at.date() == change.departure_on:
            return i, j
    return None


def misconnects(
    segments: Sequence[Segment],
    mct: Callable[[Segment, Segment], timedelta] = minimum_connecting_time,
) -> bool:
    """Whether any connection between flown (not cancelled) flights of one slice has
    less than the minimum connecting time."""
    return any(
        later.departing_at - earlier.arriving_at < mct(earlier, later)
        for earlier, later in itertools.pairwise(segments)
        if not earlier.cancelled and not later.cancelled
    )


def changed_segment(segment: Segment, change: AirlineChange) -> Segment:
    if change.kind is ScheduleChangeKind.FLIGHT_CANCELLED:
        return replace(segment, cancelled=True)
    moved = timedelta(minutes=change.minutes)
    return replace(
        segment, departing_at=segment.departing_at + moved, arriving_at=segment.arriving_at + moved
    )


def apply_airline_change(
    slices: Sequence[Slice],
    change: AirlineChange,
    *,
    order_id: str,
    change_id: str,
    now: datetime,
    mct: Callable[[Segment, Segment], timedelta] = minimum_connecting_time,
) -> tuple[tuple[Slice, ...], ScheduleChange] | None:
    """The slices after the change, and the change to record; None when the changed
    flight is not (or no longer) one of the order's."""
    found = _find(slices, change)
    if found is None:
        return None
    i, j = found
    touched = slices[i]
    segments = list(touched.segments)
    segments[j] = changed_segment(segments[j], change)
    after = replace(touched, segments=tuple(segments))
    new_slices = tuple(after if k == i else item for k, item in enumerate(slices))
    recorded = ScheduleChange(
        id=change_id,
        order_id=order_id,
        provider_change_id=change.provider_change_id,
        kind=change.kind,
        detected_at=now,
        slice_ids=(touched.id,),
        before=touched.segments,
        after=after.segments,
        connection_broken=misconnects(after.segments, mct),
        message=change.message,
    )
    return new_slices, recorded


def affected_flights(change: ScheduleChange) -> frozenset[tuple[str, date]]:
    """The cancelled flights of a change (designator, local date): never offered to
    rebook onto."""
    return frozenset(
        (designator(segment), segment.departing_at.date())
        for segment in change.after
        if segment.cancelled
    )

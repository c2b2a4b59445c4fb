"""What a traveller should know about an itinerary before choosing it: a connection from
another airport, a layover through the night, a return from another airport than the
arrival, airlines mixed in one trip, a flight operated by another airline. The API puts
them on each offer; a site shows them, it does not work them out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise

from farebridge.domain.itinerary import Segment, Slice

# A layover is overnight when the traveller waits through these local hours.
NIGHT_STARTS = time(1, 0)
NIGHT_ENDS = time(5, 0)


class NoticeCode(StrEnum):
    AIRPORT_CHANGE = "airport_change"
    OVERNIGHT_LAYOVER = "overnight_layover"
    RETURN_AIRPORT_DIFFERS = "return_airport_differs"
    MIXED_AIRLINES = "mixed_airlines"
    OPERATED_BY_OTHER_AIRLINE = "operated_by_other_airline"


@dataclass(frozen=True, slots=True)
class Notice:
    code: NoticeCode
    message: str
    slice_index: int | None = None  # the slice it is about; None: the whole trip


def itinerary_notices(slices: Sequence[Slice]) -> tuple[Notice, ...]:
    """Every notice of these slices, slice by slice, then those of the whole trip."""
    notices: list[Notice] = []
    for index, item in enumerate(slices):
        notices += _connections(index, item.segments)
        notices += _operators(index, item.segments)
    notices += _returns(slices)
    airlines = {
        s.marketing_carrier.iata_code: s.marketing_carrier.name for i in slices for s in i.segments
    }
    if len(airlines) > 1:
        names = " and ".join(sorted(airlines.values()))
        notices.append(Notice(NoticeCode.MIXED_AIRLINES, f"Flights sold by {names}"))
    return tuple(notices)


def overnight(arriving_at: datetime, departing_at: datetime) -> bool:
    """Whether a wait from ``arriving_at`` to ``departing_at`` (local times at one
    airport) covers the night hours, 01:00 to 05:00, of some day."""
    day = arriving_at.date()
    while day <= departing_at.date():
        night = datetime.combine(day, NIGHT_STARTS, arriving_at.tzinfo)
        morning = datetime.combine(day, NIGHT_ENDS, arriving_at.tzinfo)
        if arriving_at <= night and morning <= departing_at:
            return True
        day += timedelta(days=1)
    return False


def _connections(index: int, segments: Sequence[Segment]) -> list[Notice]:
    notices = []
    for arriving, departing in pairwise(segments):
        here, there = arriving.destination, departing.origin
        if here.iata_code != there.iata_code:
            notices.append(
                Notice(
                    NoticeCode.AIRPORT_CHANGE,
                    f"Change of airport: arrive at {here.iata_code}, leave from {there.iata_code}",
                    index,
                )
            )
        if overnight(arriving.arriving_at, departing.departing_at):
            notices.append(
                Notice(
                    NoticeCode.OVERNIGHT_LAYOVER,
                    f"Overnight layover in {here.city_name or here.iata_code}",
                    index,
                )
            )
    return notices


def _operators(index: int, segments: Sequence[Segment]) -> list[Notice]:
    notices = []
    for segment in segments:
        seller, operator = segment.marketing_carrier, segment.operating_carrier
        if operator.iata_code != seller.iata_code:
            flight = f"{seller.iata_code} {segment.marketing_carrier_flight_number}"
            notices.append(
                Notice(
                    NoticeCode.OPERATED_BY_OTHER_AIRLINE,
                    f"{flight} is operated by {operator.name}",
                    index,
                )
            )
    return notices


def _returns(slices: Sequence[Slice]) -> list[Notice]:
    """A round trip (two slices, back where it started) that leaves from or lands at
    another airport than the outbound's."""
    if len(slices) != 2:
        return []
    out, back = slices
    notices = []
    if back.origin.iata_code != out.destination.iata_code:
        notices.append(
            Notice(
                NoticeCode.RETURN_AIRPORT_DIFFERS,
                f"The return leaves from {back.origin.iata_code}; the outbound lands at "
                f"{out.destination.iata_code}",
                1,
            )
        )
    if back.destination.iata_code != out.origin.iata_code:
        notices.append(
            Notice(
                NoticeCode.RETURN_AIRPORT_DIFFERS,
                f"The return lands at {back.destination.iata_code}; the outbound leaves from "
                f"{out.origin.iata_code}",
                1,
            )
        )
    return notices

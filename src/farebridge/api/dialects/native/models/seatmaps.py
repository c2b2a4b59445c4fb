"""Seat maps (cabins → rows → sections → elements) and priced offers."""

from __future__ import annotations

from typing import Literal

from pydantic import SerializeAsAny

from farebridge.api.dialects.native.models.common import Amount, Currency, WireModel


class SeatService(WireModel):
    """Choosing this seat for this passenger; order it with ``services: [{"id"}]``."""

    id: str
    passenger_id: str
    total_amount: Amount
    total_currency: Currency


class Seat(WireModel):
    type: Literal["seat"]
    designator: str | None
    name: str | None
    disclosures: list[str]
    available_services: list[SeatService]


class Facility(WireModel):
    """Anything but a seat: exit_row, lavatory, galley, closet, bassinet, empty, stairs."""

    type: str


class Section(WireModel):
    elements: list[SerializeAsAny[Seat | Facility]]  # one pass, not two (ADR 0041)


class Row(WireModel):
    sections: list[Section]


class Wings(WireModel):
    first_row_index: int
    last_row_index: int


class Cabin(WireModel):
    cabin_class: str
    deck: int
    aisles: int
    wings: Wings | None
    rows: list[Row]


class SeatMap(WireModel):
    id: str
    segment_id: str
    slice_id: str
    cabins: list[Cabin]


class SeatMapListResponse(WireModel):
    data: list[SeatMap]

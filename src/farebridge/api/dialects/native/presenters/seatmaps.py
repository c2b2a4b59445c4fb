"""Seat maps."""

from __future__ import annotations

from farebridge.api.dialects.native.models import seatmaps as wire
from farebridge.api.dialects.native.presenters.common import amount
from farebridge.domain.seatmap import SeatCabin, SeatElement, SeatMap


def present_element(element: SeatElement) -> wire.Seat | wire.Facility:
    if element.type != "seat":
        return wire.Facility.model_construct(type=element.type)
    return wire.Seat.model_construct(
        type="seat",
        designator=element.designator,
        name=element.name,
        disclosures=list(element.disclosures),
        available_services=[
            wire.SeatService.model_construct(
                id=s.id,
                passenger_id=s.passenger_id,
                total_amount=amount(s.total),
                total_currency=s.total.currency,
            )
            for s in element.available_services
        ],
    )


def present_cabin(cabin: SeatCabin) -> wire.Cabin:
    first, last = cabin.wings_first_row, cabin.wings_last_row
    return wire.Cabin.model_construct(
        cabin_class=cabin.cabin_class,
        deck=cabin.deck,
        aisles=cabin.aisles,
        wings=(
            wire.Wings.model_construct(first_row_index=first, last_row_index=last)
            if first is not None and last is not None
            else None
        ),
        rows=[
            wire.Row.model_construct(
                sections=[
                    wire.Section.model_construct(elements=[present_element(e) for e in section])
                    for section in row.sections
                ]
            )
            for row in cabin.rows
        ],
    )


def present_seat_map(seat_map: SeatMap) -> wire.SeatMap:
    return wire.SeatMap.model_construct(
        id=seat_map.id,
        segment_id=seat_map.segment_id,
        slice_id=seat_map.slice_id,
        cabins=[present_cabin(c) for c in seat_map.cabins],
    )

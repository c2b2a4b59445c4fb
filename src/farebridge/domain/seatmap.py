"""Seat maps in Duffel's shape: cabins → rows → sections → elements."""

from __future__ import annotations

from dataclasses import dataclass

from farebridge.domain.money import Money


@dataclass(frozen=True, slots=True)
class SeatService:
    """Choosing this seat for this passenger costs ``total`` (zero when free)."""

    id: str
    passenger_id: str
    total: Money


@dataclass(frozen=True, slots=True)
class SeatElement:
    type: str  # seat | exit_row | lavatory | galley | closet | bassinet | empty | stairs
    designator: str | None = None
    name: str | None = None
    disclosures: tuple[str, ...] = ()
    available_services: tuple[SeatService, ...] = ()  # empty: the seat is taken


@dataclass(frozen=True, slots=True)
class SeatRow:
    sections: tuple[tuple[SeatElement, ...], ...]


@dataclass(frozen=True, slots=True)
class SeatCabin:
    cabin_class: str
    deck: int
    aisles: int
    rows: tuple[SeatRow, ...]
    wings_first_row: int | None = None
    wings_last_row: int | None = None


@dataclass(frozen=True, slots=True)
class SeatMap:
    id: str
    segment_id: str
    slice_id: str
    cabins: tuple[SeatCabin, ...]

"""Seat maps in Duffel's shape: cabins → rows → sections → elements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from farebridge.domain.money import Money
from farebridge.domain.search import OfferPassenger, PassengerType


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


def exit_row_passenger_ids(passengers: Sequence[OfferPassenger]) -> frozenset[str]:
    """Who may sit in an exit row: adults without an infant on their lap.

    Children and infants never may, as airlines require, nor may an adult who
    carries an infant. Infants travel on the laps of the first adults, one each,
    in the order the passengers were given."""
    adults = [p.id for p in passengers if p.type is PassengerType.ADULT]
    infants = sum(1 for p in passengers if p.type is PassengerType.INFANT_WITHOUT_SEAT)
    return frozenset(adults[infants:])

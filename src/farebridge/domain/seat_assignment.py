"""Automatic seat assignment by each passenger's preference (ADR 0025). Pure.

For one segment's seat map, ``assign_seats`` gives each passenger who asked for
a seat one **free** seat (a zero-price service for that passenger): never a paid
one, so an assignment never changes what an order costs; a passenger left without
a free seat stays unseated and the airline seats them at check-in. Rules, most
important first:

1. no seat twice, and a seat chosen explicitly (``already_chosen``) is kept and
   taken by nobody else; an exit-row seat only for a passenger who may sit there;
2. as many passengers as possible are seated, and as many preferences
   (window / aisle / middle) honoured as the free seats allow — whenever a
   passenger's preference is not met, no free seat of that position is left for
   them;
3. the group sits together: in one row, else in two adjacent rows, when one
   such row (pair) does as well as the whole cabin on rule 2; nearest the seats
   chosen explicitly, then with the fewest gaps, then frontmost.

Window, aisle and middle come from a row's sections (one per block of seats
between aisles): the first seat of the first section and the last of the last
are windows, the other seats at a section's ends are aisles, the rest middles.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from farebridge.domain.search import OfferPassenger
from farebridge.domain.seatmap import SeatMap, SeatRow, SeatService, exit_row_passenger_ids

_ROW_WEIGHT = 100  # a row apart counts as much as 100 seats across


class SeatPreference(StrEnum):
    WINDOW = "window"
    AISLE = "aisle"
    MIDDLE = "middle"


@dataclass(frozen=True, slots=True)
class SeatRequest:
    """A passenger who needs a seat (not an infant on a lap), with their wish."""

    passenger_id: str
    preference: SeatPreference | None = None
    may_sit_in_exit_row: bool = False


@dataclass(frozen=True, slots=True)
class AssignedSeat:
    passenger_id: str
    segment_id: str
    designator: str
    position: SeatPreference
    service: SeatService  # the seat map's service for this passenger (zero price)


def seat_requests(
    passengers: Sequence[OfferPassenger], preferences: Mapping[str, SeatPreference | None]
) -> tuple[SeatRequest, ...]:
    """The offer's passengers who occupy a seat, in order, with their preferences
    (passenger id → preference; absent: none) and whether an exit row admits them."""
    exit_row = exit_row_passenger_ids(passengers)
    return tuple(
        SeatRequest(p.id, preferences.get(p.id), p.id in exit_row)
        for p in passengers
        if p.type.occupies_seat
    )


def assign_trip_seats(
    seat_maps: Sequence[SeatMap],
    passengers: Sequence[SeatRequest],
    chosen_service_ids: frozenset[str],
    *,
    spread: random.Random | None = None,
) -> tuple[AssignedSeat, ...]:
    """``assign_seats`` on every segment's seat map; a passenger keeps the seat of
    ``chosen_service_ids`` (seat services chosen explicitly) on its segment."""
    assigned: list[AssignedSeat] = []
    for seat_map in seat_maps:
        chosen = {
            service.passenger_id: element.designator
            for cabin in seat_map.cabins
            for row in cabin.rows
            for section in row.sections
            for element in section
            for service in element.available_services
            if service.id in chosen_service_ids and element.designator
        }
        assigned.extend(assign_seats(seat_map, passengers, chosen, spread=spread))
    return tuple(assigned)


@dataclass(frozen=True, slots=True)
class _Seat:
    designator: str
    row: tuple[int, int]  # (cabin index, ordinal among the cabin's rows with seats)
    column: int  # seats across, an aisle counting as one
    position: SeatPreference
    exit_row: bool
    services: Mapping[str, SeatService]  # passenger id → service

    def is_free_for(self, request: SeatRequest) -> bool:
        service = self.services.get(request.passenger_id)
        return (
            service is not None
            and service.total.amount == 0
            and (request.may_sit_in_exit_row or not self.exit_row)
        )

    def distance(self, other: _Seat) -> int:
        if self.row[0] != other.row[0]:
            return 10 * _ROW_WEIGHT * _ROW_WEIGHT
        return _ROW_WEIGHT * abs(self.row[1] - other.row[1]) + abs(self.column - other.column)


def seat_positions(row: SeatRow) -> dict[str, SeatPreference]:
    """Window, aisle or middle for each seat designator of ``row``."""
    sections = [
        [e.designator for e in section if e.type == "seat" and e.designator]
        for section in row.sections
    ]
    last = len(sections) - 1
    positions: dict[str, SeatPreference] = {}
    for index, seats in enumerate(sections):
        for place, designator in enumerate(seats):
            first_in_section, last_in_section = place == 0, place == len(seats) - 1
            if (index == 0 and first_in_section) or (index == last and last_in_section):
                positions[designator] = SeatPreference.WINDOW
            elif first_in_section or last_in_section:
                positions[designator] = SeatPreference.AISLE
            else:
                positions[designator] = SeatPreference.MIDDLE
    return positions


def _seats(seat_map: SeatMap) -> list[_Seat]:
    found: list[_Seat] = []
    for cabin_index, cabin in enumerate(seat_map.cabins):
        ordinal = 0
        for row in cabin.rows:
            positions = seat_positions(row)
            if not positions:
                continue
            exit_row = any(e.type == "exit_row" for s in row.sections for e in s)
            column = 0
            for section in row.sections:
                for element in section:
                    if element.type != "seat" or not element.designator:
                        continue
                    services = {s.passenger_id: s for s in element.available_services}
                    found.append(
                        _Seat(
                            element.designator,
                            (cabin_index, ordinal),
                            column,
                            positions[element.designator],
                            exit_row,
                            services,
                        )
                    )
                    column += 1
                column += 1  # the aisle
            ordinal += 1
    return found


def assign_seats(
    seat_map: SeatMap,
    passengers: Sequence[SeatRequest],
    already_chosen: Mapping[str, str],
    *,
    spread: random.Random | None = None,
) -> tuple[AssignedSeat, ...]:
    """One free seat of ``seat_map`` for each of ``passengers`` not in
    ``already_chosen`` (passenger id → designator chosen explicitly on this segment),
    by the rules of the module docstring; passengers without a free seat are left out.

    ``spread``: draw the group's row among all that seat it in as few rows, instead of
    taking the best and frontmost, so that orders retrying after losing a seat to each
    other part ways."""
    seats = _seats(seat_map)
    chosen = set(already_chosen.values())
    anchors = [s for s in seats if s.designator in chosen]
    free = [s for s in seats if s.designator not in chosen]
    wanting = [p for p in passengers if p.passenger_id not in already_chosen]
    if not wanting:
        return ()
    best = _fill(free, wanting, anchors)
    target = _score(best, wanting)
    blocks = [b for b in _blocks(free) if len(b) >= len(wanting)]
    ranked: list[tuple[tuple[int, int, int], int, dict[str, _Seat]]] = []
    for order, block in enumerate(blocks):
        placed = _fill(block, wanting, anchors)
        if _score(placed, wanting) == target:
            ranked.append((_closeness(placed, anchors), order, placed))
    if ranked:
        top = min(rank for rank, _, _ in ranked)
        if spread is None:
            best = next(placed for rank, _, placed in ranked if rank == top)
        else:  # any block of as few rows will do: drawing among many parts racers faster
            best = spread.choice([placed for rank, _, placed in ranked if rank[0] == top[0]])
    return tuple(
        AssignedSeat(
            p.passenger_id,
            seat_map.segment_id,
            best[p.passenger_id].designator,
            best[p.passenger_id].position,
            best[p.passenger_id].services[p.passenger_id],
        )
        for p in wanting
        if p.passenger_id in best
    )


def _blocks(seats: list[_Seat]) -> list[list[_Seat]]:
    """Each row's seats, then each two adjacent rows' seats, front to back."""
    rows: dict[tuple[int, int], list[_Seat]] = {}
    for seat in seats:
        rows.setdefault(seat.row, []).append(seat)
    singles = list(rows.values())
    pairs = [rows[key] + rows[(key[0], key[1] + 1)] for key in rows if (key[0], key[1] + 1) in rows]
    return singles + pairs


def _fill(
    seats: list[_Seat], wanting: Sequence[SeatRequest], anchors: list[_Seat]
) -> dict[str, _Seat]:
    """Greedy, which is optimal here: preferences first (those barred from exit rows
    before the others, as they have fewer seats to choose from), then everyone else,
    each on the eligible seat nearest the group's seats placed so far."""
    placed: dict[str, _Seat] = {}
    used: set[str] = set()
    order = sorted(wanting, key=lambda p: p.may_sit_in_exit_row)
    for request in order:
        if request.preference is not None:
            _place(request, seats, used, placed, anchors, request.preference)
    for request in order:
        if request.passenger_id not in placed:
            _place(request, seats, used, placed, anchors, None)
    return placed


def _place(
    request: SeatRequest,
    seats: list[_Seat],
    used: set[str],
    placed: dict[str, _Seat],
    anchors: list[_Seat],
    position: SeatPreference | None,
) -> None:
    group = [*anchors, *placed.values()]
    candidates = (
        s
        for s in seats
        if s.designator not in used
        and (position is None or s.position is position)
        and s.is_free_for(request)
    )
    pick = min(
        candidates,
        key=lambda s: min((s.distance(other) for other in group), default=0),
        default=None,
    )
    if pick is not None:
        placed[request.passenger_id] = pick
        used.add(pick.designator)


def _score(placed: dict[str, _Seat], wanting: Sequence[SeatRequest]) -> tuple[int, int]:
    """How many are seated, and how many of them where they wished. The greedy ``_fill``
    of the whole cabin reaches the most of both; a block that matches it honours every
    preference that can be honoured (each position's count is at its maximum)."""
    honoured = sum(
        1
        for p in wanting
        if p.passenger_id in placed and placed[p.passenger_id].position is p.preference
    )
    return len(placed), honoured


def _closeness(placed: dict[str, _Seat], anchors: list[_Seat]) -> tuple[int, int, int]:
    """(rows used, distance from the seats chosen explicitly, gaps between the group)."""
    rows = {seat.row for seat in placed.values()}
    to_anchor = min(
        (a.distance(s) for a in anchors for s in placed.values()),
        default=0,
    )
    gaps = 0
    for row in rows:
        columns = sorted(s.column for s in placed.values() if s.row == row)
        gaps += columns[-1] - columns[0] + 1 - len(columns)
    return len(rows), to_anchor, gaps

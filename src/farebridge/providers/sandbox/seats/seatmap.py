"""Seat maps built from the aircraft's cabin layout, in Duffel's shape.

Rows are split into sections by the aisles; a cabin starts with a row of
lavatories and a galley, exit rows carry ``exit_row`` elements at both ends,
and economy ends with a galley. An exit-row seat is offered only to the
passengers who may sit there (``exit_row_passenger_ids``: adults without an
infant on their lap). Which seats are taken follows the leg's
availability: exactly ``capacity - available`` seats, chosen from a hash of
the leg and the seed. Window, aisle and extra-legroom seats in economy and
premium economy cost money per passenger (filed by the airline in its currency,
shown in the offer's); every other seat is free.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.money import Money
from farebridge.domain.search import OfferPassenger
from farebridge.domain.seatmap import (
    SeatCabin,
    SeatElement,
    SeatMap,
    SeatRow,
    SeatService,
    exit_row_passenger_ids,
)
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.providers.sandbox.fares.pricing import to_currency, unit_hash
from farebridge.providers.sandbox.fares.selling import SellingRate
from farebridge.providers.sandbox.world.aircraft import AircraftType, CabinLayout

# Seat prices in USD per passenger by cabin and position; absent positions are free.
SEAT_PRICES_USD: dict[CabinClass, dict[str, Decimal]] = {
    CabinClass.ECONOMY: {
        "window": Decimal("18"),
        "aisle": Decimal("15"),
        "extra_legroom": Decimal("45"),
    },
    CabinClass.PREMIUM_ECONOMY: {
        "window": Decimal("25"),
        "aisle": Decimal("25"),
        "extra_legroom": Decimal("40"),
    },
}
EXIT_ROW_DISCLOSURE = "Exit row: passengers must be 16 or older and able to assist in an emergency."


@dataclass(frozen=True, slots=True)
class SeatMapRequest:
    """Everything needed to draw one segment's seat map."""

    segment_id: str
    slice_id: str
    key: LegKey
    aircraft: AircraftType
    available: int
    selling: SellingRate  # the offer's: seat prices are shown in its currency
    passengers: Sequence[OfferPassenger]
    chosen: frozenset[str] = frozenset()  # seats held by bookings


def seat_service_id(segment_id: str, designator: str, passenger_id: str) -> str:
    """A stable id for "this seat, this passenger, this segment" (decoded at order time)."""
    raw = f"{segment_id}|{designator}|{passenger_id}".encode()
    return "ase_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_seat_service_id(service_id: str) -> tuple[str, str, str] | None:
    """``(segment_id, designator, passenger_id)``, or None when it is not a seat id."""
    if not service_id.startswith("ase_"):
        return None
    body = service_id[4:]
    try:
        parts = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        return None
    if len(parts) != 3:
        return None
    return parts[0], parts[1], parts[2]


def seat_price(layout: CabinLayout, designator: str, currency: str) -> Money:
    """What choosing this seat costs one passenger (zero for ordinary seats), as the
    airline files it in ``currency``."""
    row = int(designator[:-1])
    position = _position(layout, designator, row)
    price_usd = SEAT_PRICES_USD.get(layout.cabin, {}).get(position, Decimal(0))
    return to_currency(price_usd, currency, whole=True)


def is_exit_row_seat(layout: CabinLayout, designator: str) -> bool:
    return int(designator[:-1]) in layout.exit_rows


def _position(layout: CabinLayout, designator: str, row: int) -> str:
    extra_legroom = row in layout.exit_rows or (
        row == layout.first_row and layout.cabin in SEAT_PRICES_USD
    )
    return "extra_legroom" if extra_legroom else seat_position(layout, designator[-1])


def seat_position(layout: CabinLayout, letter: str) -> str:
    """``window``, ``aisle`` or ``middle`` for a seat letter of ``layout``."""
    groups = layout.seats.split(" ")
    if letter in (groups[0][0], groups[-1][-1]):
        return "window"
    if any(letter in (group[0], group[-1]) for group in groups):
        return "aisle"
    return "middle"


def seat_designators(layout: CabinLayout) -> list[str]:
    letters = layout.seats.replace(" ", "")
    return [f"{row}{letter}" for row in layout.row_numbers for letter in letters]


def occupied_seats(
    layout: CabinLayout,
    key: LegKey,
    available: int,
    *,
    seed: int,
    chosen: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """Exactly ``capacity - available`` designators: the seats chosen by bookings,
    then simulated travellers in a fixed per-flight order, so occupancy only grows
    as availability falls."""
    seats = seat_designators(layout)
    taken = min(len(seats), max(0, len(seats) - available))
    rng = random.Random(unit_hash(seed, f"seats|{key.flight}|{key.departure_on}|{key.cabin}"))
    rng.shuffle(seats)
    held = frozenset(chosen) & frozenset(seats)
    simulated = [seat for seat in seats if seat not in held][: max(0, taken - len(held))]
    return held | frozenset(simulated)


def build_seat_map(request: SeatMapRequest, *, seed: int) -> SeatMap | None:
    """The seat map of one segment in its cabin, or None when the aircraft lacks it."""
    layout = request.aircraft.layout(CabinClass(request.key.cabin))
    if layout is None:
        return None
    occupied = occupied_seats(
        layout, request.key, request.available, seed=seed, chosen=request.chosen
    )
    seated = frozenset(p.id for p in request.passengers if p.type.occupies_seat)
    allowed = _Allowed(seated, exit_row_passenger_ids(request.passengers))
    rows = [_front_row(layout)]
    rows.extend(_seat_row(layout, row, occupied, request, allowed) for row in layout.row_numbers)
    if layout.cabin is CabinClass.ECONOMY:
        rows.append(_rear_row(layout))
    wings = request.aircraft.wings
    over_wing = wings is not None and wings[0] in layout.row_numbers
    cabin = SeatCabin(
        cabin_class=layout.cabin.value,
        deck=layout.deck,
        aisles=layout.aisles,
        rows=tuple(rows),
        wings_first_row=wings[0] if wings and over_wing else None,
        wings_last_row=wings[1] if wings and over_wing else None,
    )
    return SeatMap(new_id("sea"), request.segment_id, request.slice_id, (cabin,))


def _front_row(layout: CabinLayout) -> SeatRow:
    """The bulkhead ahead of a cabin: stairs on an upper deck, a closet ahead of
    premium cabins, bassinet positions on a wide-body's economy bulkhead."""
    groups = layout.seats.split(" ")
    if layout.cabin in (CabinClass.BUSINESS, CabinClass.FIRST):
        middle = "closet"
    else:
        middle = "bassinet" if layout.aisles >= 2 else "galley"
    sections = [(SeatElement(type=middle),) for _ in groups]
    sections[0] = (SeatElement(type="stairs" if layout.deck == 1 else "lavatory"),)
    if len(groups) > 1:
        sections[-1] = (SeatElement(type="galley"),)
    return SeatRow(sections=tuple(sections))


def _rear_row(layout: CabinLayout) -> SeatRow:
    groups = layout.seats.split(" ")
    sections = [(SeatElement(type="empty"),) for _ in groups]
    sections[0] = (SeatElement(type="lavatory"),)
    if len(groups) > 1:
        sections[-1] = (SeatElement(type="galley"),)
    return SeatRow(sections=tuple(sections))


@dataclass(frozen=True, slots=True)
class _Allowed:
    """The passengers a seat may be offered to: any seated one, or only those an
    exit row admits."""

    anywhere: frozenset[str]
    exit_row: frozenset[str]


def _seat_row(
    layout: CabinLayout,
    row: int,
    occupied: frozenset[str],
    request: SeatMapRequest,
    allowed: _Allowed,
) -> SeatRow:
    exit_row = row in layout.exit_rows
    passengers = allowed.exit_row if exit_row else allowed.anywhere
    sections: list[tuple[SeatElement, ...]] = []
    groups = layout.seats.split(" ")
    for index, group in enumerate(groups):
        elements = [
            _seat(layout, f"{row}{letter}", occupied, request, passengers) for letter in group
        ]
        if exit_row and index == 0:
            elements.insert(0, SeatElement(type="exit_row"))
        if exit_row and index == len(groups) - 1:
            elements.append(SeatElement(type="exit_row"))
        sections.append(tuple(elements))
    return SeatRow(sections=tuple(sections))


def _seat(
    layout: CabinLayout,
    designator: str,
    occupied: frozenset[str],
    request: SeatMapRequest,
    passengers: frozenset[str],
) -> SeatElement:
    row = int(designator[:-1])
    position = _position(layout, designator, row)
    disclosures = (EXIT_ROW_DISCLOSURE,) if row in layout.exit_rows else ()
    name = "Extra legroom seat" if position == "extra_legroom" else f"{position.title()} seat"
    if designator in occupied:
        return SeatElement("seat", designator, name, disclosures)
    selling = request.selling
    price = selling.sell(seat_price(layout, designator, selling.airline_currency))
    services = tuple(
        SeatService(
            seat_service_id(request.segment_id, designator, passenger.id), passenger.id, price
        )
        for passenger in request.passengers
        if passenger.id in passengers
    )
    return SeatElement("seat", designator, name, disclosures, services)

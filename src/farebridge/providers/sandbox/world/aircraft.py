"""Aircraft types with real cabin layouts (seat letters, aisles, rows, exits, wings).

Regional types (turboprops and regional jets, at most ``REGIONAL_SEATS`` seats)
fly the full-service airlines' regional arms; speeds give block times.
"""

from __future__ import annotations

from dataclasses import dataclass

from farebridge.domain.itinerary import Aircraft, CabinClass


@dataclass(frozen=True, slots=True)
class CabinLayout:
    """One cabin: seat letters with aisles as spaces ("ABC DEF"), and its rows."""

    cabin: CabinClass
    seats: str
    first_row: int
    rows: int
    exit_rows: tuple[int, ...] = ()
    deck: int = 0

    @property
    def row_numbers(self) -> range:
        return range(self.first_row, self.first_row + self.rows)

    @property
    def seats_per_row(self) -> int:
        return len(self.seats.replace(" ", ""))

    @property
    def capacity(self) -> int:
        return self.rows * self.seats_per_row

    @property
    def aisles(self) -> int:
        return self.seats.count(" ")


@dataclass(frozen=True, slots=True)
class AircraftType:
    key: str  # unique configuration key ("738Y": a 737-800 in all-economy layout)
    iata_code: str
    name: str
    range_km: int
    cabins: tuple[CabinLayout, ...]
    wings: tuple[int, int] | None = None  # first and last row over the wing
    cruise_kmh: int = 860
    taxi_and_climb_minutes: int = 40

    @property
    def seats(self) -> int:
        return sum(layout.capacity for layout in self.cabins)

    @property
    def is_regional(self) -> bool:
        return self.seats <= REGIONAL_SEATS

    @property
    def is_turboprop(self) -> bool:
        return self.cruise_kmh < TURBOPROP_MAX_KMH

    @property
    def aircraft(self) -> Aircraft:
        return Aircraft(self.iata_code, self.name)

    @property
    def is_widebody(self) -> bool:
        return any(layout.aisles > 1 for layout in self.cabins)

    def layout(self, cabin: CabinClass) -> CabinLayout | None:
        return next((layout for layout in self.cabins if layout.cabin is cabin), None)

    def capacity(self, cabin: CabinClass) -> int:
        layout = self.layout(cabin)
        return layout.capacity if layout else 0


REGIONAL_SEATS = 110
TURBOPROP_MAX_KMH = 700
_REGIONAL_JET = {"cruise_kmh": 830, "taxi_and_climb_minutes": 35}

_Y, _W, _J, _F = (
    CabinClass.ECONOMY,
    CabinClass.PREMIUM_ECONOMY,
    CabinClass.BUSINESS,
    CabinClass.FIRST,
)

AIRCRAFT_TYPES: dict[str, AircraftType] = {
    aircraft.key: aircraft
    for aircraft in (
        AircraftType(
            "AT7",
            "AT7",
            "ATR 72-600",
            1_500,
            (CabinLayout(_Y, "AC DF", 1, 18, (1,)),),
            wings=(4, 8),
            cruise_kmh=510,
            taxi_and_climb_minutes=25,
        ),
        AircraftType(
            "DH4",
            "DH4",
            "De Havilland Canada Dash 8-400",
            2_000,
            (CabinLayout(_Y, "AC DF", 1, 19, (1, 19)),),
            wings=(5, 9),
            cruise_kmh=600,
            taxi_and_climb_minutes=25,
        ),
        AircraftType(
            "CR9",
            "CR9",
            "Bombardier CRJ900",
            2_900,
            (
                CabinLayout(_J, "A CD", 1, 4),
                CabinLayout(_Y, "AB CD", 8, 17, (13, 14)),
            ),
            wings=(11, 16),
            **_REGIONAL_JET,
        ),
        AircraftType(
            "E75",
            "E75",
            "Embraer 175",
            3_700,
            (
                CabinLayout(_J, "A CD", 1, 4),
                CabinLayout(_Y, "AB CD", 7, 16, (12,)),
            ),
            wings=(10, 15),
            **_REGIONAL_JET,
        ),
        AircraftType(
            "E90",
            "E90",
            "Embraer 190",
            4_000,
            (
                CabinLayout(_J, "A DF", 1, 3),
                CabinLayout(_Y, "AC DF", 4, 23, (11,)),
            ),
            wings=(9, 14),
            **_REGIONAL_JET,
        ),
        AircraftType(
            "320",
            "320",
            "Airbus A320",
            5_700,
            (
                CabinLayout(_J, "AC DF", 1, 4),
                CabinLayout(_Y, "ABC DEF", 5, 25, (10, 11)),
            ),
            wings=(9, 16),
        ),
        AircraftType(
            "320Y",
            "320",
            "Airbus A320",
            5_700,
            (CabinLayout(_Y, "ABC DEF", 1, 31, (12, 13)),),
            wings=(10, 17),
        ),
        AircraftType(
            "321",
            "321",
            "Airbus A321",
            5_900,
            (
                CabinLayout(_J, "AC DF", 1, 5),
                CabinLayout(_Y, "ABC DEF", 6, 30, (11, 25)),
            ),
            wings=(12, 21),
        ),
        AircraftType(
            "321Y",
            "321",
            "Airbus A321",
            5_900,
            (CabinLayout(_Y, "ABC DEF", 1, 39, (10, 26)),),
            wings=(12, 22),
        ),
        AircraftType(
            "738",
            "738",
            "Boeing 737-800",
            5_400,
            (
                CabinLayout(_J, "AC DF", 1, 4),
                CabinLayout(_Y, "ABC DEF", 5, 27, (15, 16)),
            ),
            wings=(12, 19),
        ),
        AircraftType(
            "738Y",
            "738",
            "Boeing 737-800",
            5_400,
            (CabinLayout(_Y, "ABC DEF", 1, 32, (16, 17)),),
            wings=(12, 20),
        ),
        AircraftType(
            "333",
            "333",
            "Airbus A330-300",
            11_700,
            (
                CabinLayout(_J, "A EF K", 1, 9),
                CabinLayout(_Y, "AC DEFG HK", 30, 28, (30, 45)),
            ),
            wings=(33, 43),
        ),
        AircraftType(
            "789",
            "789",
            "Boeing 787-9",
            14_600,
            (
                CabinLayout(_J, "A EF K", 1, 12),
                CabinLayout(_W, "AC DEF HK", 20, 4),
                CabinLayout(_Y, "ABC DEF HJK", 30, 25, (30, 40)),
            ),
            wings=(33, 42),
        ),
        AircraftType(
            "359",
            "359",
            "Airbus A350-900",
            15_600,
            (
                CabinLayout(_J, "A DG K", 1, 10),
                CabinLayout(_W, "AC DEF HK", 20, 3),
                CabinLayout(_Y, "ABC DEF HJK", 30, 30, (30, 44)),
            ),
            wings=(34, 44),
        ),
        AircraftType(
            "77W",
            "77W",
            "Boeing 777-300ER",
            13_700,
            (
                CabinLayout(_F, "A E K", 1, 2),
                CabinLayout(_J, "A DG K", 5, 12),
                CabinLayout(_W, "AC DEFG HK", 20, 3),
                CabinLayout(_Y, "ABC DEFG HJK", 30, 30, (30, 45)),
            ),
            wings=(33, 45),
        ),
        AircraftType(
            "388",
            "388",
            "Airbus A380-800",
            14_800,
            (
                CabinLayout(_F, "A E K", 1, 4, deck=1),
                CabinLayout(_J, "A EF K", 6, 18, deck=1),
                CabinLayout(_Y, "ABC DEFG HJK", 30, 40, (30, 43, 55)),
            ),
            wings=(40, 52),
        ),
    )
}

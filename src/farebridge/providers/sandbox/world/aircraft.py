"""Aircraft types with real cabin layouts (seat letters, aisles, rows, exits, wings).

Every IATA aircraft code listed in the OpenFlights routes maps to one of the
layout families below (``_CODES``); its name comes from ``planes.dat``. A
family is a typical configuration of the type (two cabins on narrow-bodies of
full-service airlines, three or four on long-haul wide-bodies); low-cost and
leisure airlines fly the all-economy variant (``single_class``). Speeds give
block times; regional types (at most ``REGIONAL_SEATS`` seats) fly short routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from farebridge.domain.itinerary import Aircraft, CabinClass
from farebridge.providers.sandbox.world.openflights import aircraft_names


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
    key: str  # unique configuration key ("738": a 737-800 in two classes, "738/Y": all-economy)
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

_Y, _W, _J, _F = (
    CabinClass.ECONOMY,
    CabinClass.PREMIUM_ECONOMY,
    CabinClass.BUSINESS,
    CabinClass.FIRST,
)


@dataclass(frozen=True, slots=True)
class _Family:
    name: str
    range_km: int
    cabins: tuple[CabinLayout, ...]
    single_class: tuple[CabinLayout, ...] | None = None  # low-cost layout, when different
    wings: tuple[int, int] | None = None
    speed: tuple[int, int] = (860, 40)  # cruise km/h, minutes of taxi and climb


def _y(seats: str, rows: int, exits: tuple[int, ...] = (), first: int = 1) -> CabinLayout:
    return CabinLayout(_Y, seats, first, rows, exits)


_PROP = (500, 20)
_TURBOPROP = (520, 25)
_REGIONAL_JET = (800, 35)

FAMILIES: dict[str, _Family] = {
    "BN2": _Family("Britten-Norman Islander", 1_000, (_y("A C", 4),), wings=(1, 2), speed=_PROP),
    "DHT": _Family(
        "De Havilland Canada DHC-6 Twin Otter", 1_400, (_y("A CD", 6, (1,)),), speed=_PROP
    ),
    "SF3": _Family("Saab 340", 1_700, (_y("A CD", 11, (1,)),), wings=(3, 6), speed=_TURBOPROP),
    "DH8": _Family(
        "De Havilland Canada Dash 8-300", 1_700, (_y("AC DF", 12, (1,)),), speed=_TURBOPROP
    ),
    "AT5": _Family("ATR 42-500", 1_500, (_y("AC DF", 12, (1,)),), wings=(4, 7), speed=_TURBOPROP),
    "AT7": _Family("ATR 72-600", 1_500, (_y("AC DF", 18, (1,)),), wings=(4, 8), speed=_TURBOPROP),
    "DH4": _Family(
        "De Havilland Canada Dash 8-400",
        2_000,
        (_y("AC DF", 19, (1, 19)),),
        wings=(5, 9),
        speed=(600, 25),
    ),
    "ER4": _Family(
        "Embraer ERJ-145", 2_800, (_y("A BC", 17, (9,)),), wings=(8, 12), speed=_REGIONAL_JET
    ),
    "CR7": _Family(
        "Bombardier CRJ700",
        2_800,
        (CabinLayout(_J, "A CD", 1, 2), _y("AB CD", 16, (12,), first=5)),
        wings=(9, 13),
        speed=_REGIONAL_JET,
    ),
    "CR9": _Family(
        "Bombardier CRJ900",
        2_900,
        (CabinLayout(_J, "A CD", 1, 4), _y("AB CD", 17, (13, 14), first=8)),
        wings=(11, 16),
        speed=_REGIONAL_JET,
    ),
    "E75": _Family(
        "Embraer 175",
        3_700,
        (CabinLayout(_J, "A CD", 1, 4), _y("AB CD", 16, (12,), first=7)),
        wings=(10, 15),
        speed=_REGIONAL_JET,
    ),
    "E90": _Family(
        "Embraer 190",
        4_000,
        (CabinLayout(_J, "A DF", 1, 3), _y("AC DF", 23, (11,), first=4)),
        single_class=(_y("AC DF", 26, (12,)),),
        wings=(9, 14),
        speed=_REGIONAL_JET,
    ),
    "100": _Family(
        "Fokker 100",
        3_000,
        (CabinLayout(_J, "AC DF", 1, 3), _y("AC DEF", 18, (10,), first=4)),
        single_class=(_y("AC DEF", 21, (11,)),),
        wings=(8, 13),
        speed=_REGIONAL_JET,
    ),
    "717": _Family(
        "Boeing 717",
        3_800,
        (CabinLayout(_J, "AC DF", 1, 3), _y("AC DEF", 21, (11,), first=4)),
        single_class=(_y("AC DEF", 23, (12,)),),
        wings=(9, 14),
    ),
    "M88": _Family(
        "McDonnell Douglas MD-88",
        4_000,
        (CabinLayout(_J, "AC DF", 1, 4), _y("AC DEF", 26, (18, 19), first=5)),
        single_class=(_y("AC DEF", 31, (19, 20)),),
        wings=(13, 20),
    ),
    "319": _Family(
        "Airbus A319",
        5_600,
        (CabinLayout(_J, "AC DF", 1, 3), _y("ABC DEF", 21, (10,), first=4)),
        single_class=(_y("ABC DEF", 26, (10, 11)),),
        wings=(8, 14),
    ),
    "320": _Family(
        "Airbus A320",
        5_700,
        (CabinLayout(_J, "AC DF", 1, 4), _y("ABC DEF", 25, (10, 11), first=5)),
        single_class=(_y("ABC DEF", 31, (12, 13)),),
        wings=(9, 16),
    ),
    "321": _Family(
        "Airbus A321",
        5_900,
        (CabinLayout(_J, "AC DF", 1, 5), _y("ABC DEF", 30, (11, 25), first=6)),
        single_class=(_y("ABC DEF", 39, (10, 26)),),
        wings=(12, 21),
    ),
    "73G": _Family(
        "Boeing 737-700",
        5_500,
        (CabinLayout(_J, "AC DF", 1, 3), _y("ABC DEF", 21, (14, 15), first=4)),
        single_class=(_y("ABC DEF", 24, (14, 15)),),
        wings=(10, 16),
    ),
    "738": _Family(
        "Boeing 737-800",
        5_400,
        (CabinLayout(_J, "AC DF", 1, 4), _y("ABC DEF", 27, (15, 16), first=5)),
        single_class=(_y("ABC DEF", 32, (16, 17)),),
        wings=(12, 19),
    ),
    "739": _Family(
        "Boeing 737-900",
        5_000,
        (CabinLayout(_J, "AC DF", 1, 5), _y("ABC DEF", 29, (16, 17), first=6)),
        single_class=(_y("ABC DEF", 35, (16, 17)),),
        wings=(13, 20),
    ),
    "752": _Family(
        "Boeing 757-200",
        6_400,
        (CabinLayout(_J, "AC DF", 1, 4), _y("ABC DEF", 29, (12, 25), first=8)),
        single_class=(_y("ABC DEF", 37, (12, 26)),),
        wings=(12, 20),
    ),
    "763": _Family(
        "Boeing 767-300ER",
        10_000,
        (CabinLayout(_J, "A DF K", 1, 7), _y("AB DEF JK", 25, (22, 23), first=20)),
        single_class=(_y("AB DEF JK", 36, (14, 15)),),
        wings=(22, 30),
    ),
    "333": _Family(
        "Airbus A330-300",
        11_700,
        (CabinLayout(_J, "A EF K", 1, 9), _y("AC DEFG HK", 28, (30, 45), first=30)),
        single_class=(_y("AC DEFG HK", 40, (15, 16)),),
        wings=(33, 43),
    ),
    "343": _Family(
        "Airbus A340-300",
        13_000,
        (
            CabinLayout(_J, "A EF K", 1, 8),
            CabinLayout(_W, "AC DEF HK", 20, 3),
            _y("AC DEFG HK", 26, (30, 44), first=30),
        ),
        wings=(33, 43),
    ),
    "772": _Family(
        "Boeing 777-200ER",
        13_000,
        (
            CabinLayout(_J, "A DG K", 1, 10),
            CabinLayout(_W, "AC DEF HK", 20, 3),
            _y("ABC DEF HJK", 28, (30, 45), first=30),
        ),
        single_class=(_y("ABC DEF HJK", 40, (16, 31)),),
        wings=(33, 44),
    ),
    "77W": _Family(
        "Boeing 777-300ER",
        13_700,
        (
            CabinLayout(CabinClass.FIRST, "A E K", 1, 2),
            CabinLayout(_J, "A DG K", 5, 12),
            CabinLayout(_W, "AC DEFG HK", 20, 3),
            _y("ABC DEFG HJK", 30, (30, 45), first=30),
        ),
        wings=(33, 45),
    ),
    "788": _Family(
        "Boeing 787-8",
        13_600,
        (
            CabinLayout(_J, "A EF K", 1, 8),
            CabinLayout(_W, "AC DEF HK", 20, 3),
            _y("ABC DEF HJK", 21, (30, 38), first=30),
        ),
        single_class=(_y("ABC DEF HJK", 32, (13, 26)),),
        wings=(32, 40),
    ),
    "789": _Family(
        "Boeing 787-9",
        14_600,
        (
            CabinLayout(_J, "A EF K", 1, 12),
            CabinLayout(_W, "AC DEF HK", 20, 4),
            _y("ABC DEF HJK", 25, (30, 40), first=30),
        ),
        wings=(33, 42),
    ),
    "359": _Family(
        "Airbus A350-900",
        15_600,
        (
            CabinLayout(_J, "A DG K", 1, 10),
            CabinLayout(_W, "AC DEF HK", 20, 3),
            _y("ABC DEF HJK", 30, (30, 44), first=30),
        ),
        wings=(34, 44),
    ),
    "744": _Family(
        "Boeing 747-400",
        13_400,
        (
            CabinLayout(CabinClass.FIRST, "A K", 1, 4),
            CabinLayout(_J, "A DG K", 10, 12, deck=1),
            CabinLayout(_W, "ABC DEFG HJK", 24, 4),
            _y("ABC DEFG HJK", 34, (30, 45, 58), first=30),
        ),
        wings=(35, 48),
    ),
    "388": _Family(
        "Airbus A380-800",
        14_800,
        (
            CabinLayout(CabinClass.FIRST, "A E K", 1, 4, deck=1),
            CabinLayout(_J, "A EF K", 6, 18, deck=1),
            _y("ABC DEFG HJK", 40, (30, 43, 55), first=30),
        ),
        wings=(40, 52),
    ),
}

# OpenFlights aircraft codes -> layout family.
_CODES: dict[str, tuple[str, ...]] = {
    "BN2": (
        *[
            "BNI",
            "BNT",
            "CNA",
            "CNC",
            "CNT",
            "CN1",
            "CN2",
            "CNJ",
            "PL2",
            "PA1",
            "PA2",
            "PAG",
            "NDE",
            "M1F",
            "S76",
            "BH2",
        ],
    ),
    "DHT": (
        *[
            "DHT",
            "DHP",
            "DHL",
            "BEH",
            "BE1",
            "BE9",
            "BEC",
            "BET",
            "J31",
            "J32",
            "L4T",
            "SWM",
            "SFB",
            "D28",
            "D1C",
            "YN2",
            "YN7",
            "EMB",
        ],
    ),
    "SF3": (*["SF3", "J41", "EM2", "D38", "FRJ", "YK4"],),
    "DH8": (*["DH8", "DH1", "DH2", "DH3", "DH7"],),
    "AT5": (*["AT4", "AT5"],),
    "AT7": (*["AT7", "ATR", "F50", "AN4", "A40", "I14", "SH6", "ATP", "S20", "MA6"],),
    "DH4": ("DH4",),
    "ER4": (*["ER4", "ERJ", "ERD", "ER3", "CR2", "CRJ"],),
    "CR7": (*["CR7", "CRA"],),
    "CR9": (*["CR9", "CRK"],),
    "E75": (*["E70", "E75", "EMJ"],),
    "E90": (*["E90", "E95"],),
    "100": (
        *[
            "100",
            "F70",
            "F28",
            "AR1",
            "AR8",
            "ARJ",
            "146",
            "141",
            "142",
            "143",
            "SU9",
            "A81",
            "A58",
            "YK2",
            "TU3",
        ],
    ),
    "717": ("717",),
    "M88": (*["M80", "M82", "M83", "M87", "M88", "M90", "DC9", "D93", "TU5"],),
    "319": (*["318", "319"],),
    "320": (*["320", "32A", "32S", "32B", "32C"],),
    "321": ("321",),
    "73G": (*["73G", "73W", "736", "735", "733", "73C", "734", "732", "73M", "73N", "73Q", "73R"],),
    "738": (*["738", "73H", "737"],),
    "739": (*["739", "73J"],),
    "752": (*["757", "752", "75W", "75T", "753", "T20"],),
    "763": (*["762", "763", "764", "767", "76W", "76F", "310", "313", "AB4", "AB6"],),
    "333": (*["330", "332", "333", "33X", "M11", "IL9"],),
    "343": (*["340", "342", "343", "345", "346"],),
    "772": (*["777", "772", "77L", "77X"],),
    "77W": (*["773", "77W"],),
    "788": (*["787", "788"],),
    "789": ("789",),
    "359": (*["350", "351", "359", "35K"],),
    "744": (*["744", "747", "74E", "74H", "74L", "74M", "74N", "74Y"],),
    "388": (*["380", "388"],),
}
FAMILY_OF: dict[str, str] = {code: family for family, codes in _CODES.items() for code in codes}


def _build(code: str, family: _Family, *, single_class: bool) -> AircraftType:
    cabins = family.cabins
    if single_class:
        cabins = family.single_class or tuple(
            layout for layout in family.cabins if layout.cabin is _Y
        )
    name = aircraft_names().get(code, family.name)
    return AircraftType(
        key=f"{code}/Y" if single_class else code,
        iata_code=code,
        name=name,
        range_km=family.range_km,
        cabins=cabins,
        wings=family.wings,
        cruise_kmh=family.speed[0],
        taxi_and_climb_minutes=family.speed[1],
    )


@cache
def _catalogue() -> dict[str, AircraftType]:
    types: dict[str, AircraftType] = {}
    for code, family_key in FAMILY_OF.items():
        family = FAMILIES[family_key]
        for single_class in (False, True):
            built = _build(code, family, single_class=single_class)
            types[built.key] = built
    return types


def aircraft_type(code: str, *, single_class: bool = False) -> AircraftType | None:
    """The type for an OpenFlights aircraft code (None when unknown)."""
    return _catalogue().get(f"{code}/Y" if single_class else code)


def aircraft_types() -> dict[str, AircraftType]:
    """Every configuration, by key."""
    return dict(_catalogue())

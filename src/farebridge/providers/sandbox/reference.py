"""Facts the sandbox GDS is built from, written down by hand.

Real airlines (IATA code, country, currency, 3-digit ticket prefix, alliance,
hubs or bases, and airports they serve), real aircraft types with cabin
layouts, and fixed exchange rates. Low-cost carriers do not issue IATA
tickets; their prefixes here are sandbox-assigned. The timetable built from
these facts (``network.py``) is simulated, not real.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from farebridge.domain.itinerary import Aircraft, CabinClass, Carrier


class Alliance(StrEnum):
    ONEWORLD = "oneworld"
    STAR_ALLIANCE = "star_alliance"
    SKYTEAM = "skyteam"


class BusinessModel(StrEnum):
    FULL_SERVICE = "full_service"
    LOW_COST = "low_cost"


@dataclass(frozen=True, slots=True)
class Airline:
    iata_code: str
    name: str
    country_code: str
    currency: str
    ticket_prefix: str  # the 3-digit airline accounting code
    alliance: Alliance | None
    business_model: BusinessModel
    hubs: tuple[str, ...]  # hubs (full-service) or bases (low-cost); the first is the main one
    destinations: tuple[str, ...]  # airports served from the hubs / bases
    fleet: tuple[str, ...]  # keys of ``AIRCRAFT_TYPES``

    @property
    def is_low_cost(self) -> bool:
        return self.business_model is BusinessModel.LOW_COST

    @property
    def carrier(self) -> Carrier:
        alliance = self.alliance.value if self.alliance else None
        return Carrier(self.iata_code, self.name, self.ticket_prefix, alliance)


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _full_service(
    code: str, name: str, country: str, currency: str, prefix: str, alliance: Alliance | None
) -> tuple[str, str, str, str, str, Alliance | None, BusinessModel]:
    return code, name, country, currency, prefix, alliance, BusinessModel.FULL_SERVICE


def _low_cost(
    code: str, name: str, country: str, currency: str, prefix: str
) -> tuple[str, str, str, str, str, Alliance | None, BusinessModel]:
    return code, name, country, currency, prefix, None, BusinessModel.LOW_COST


_OW, _STAR, _SKY = Alliance.ONEWORLD, Alliance.STAR_ALLIANCE, Alliance.SKYTEAM

AIRLINES: tuple[Airline, ...] = (
    Airline(
        *_full_service("BA", "British Airways", "GB", "GBP", "125", _OW),
        hubs=_codes("LHR LGW"),
        destinations=_codes(
            "JFK BOS IAD ORD DFW MIA LAX SFO SEA YYZ DXB DOH SIN HND HKG BOM DEL JNB CPT "
            "CDG AMS FRA MUC MAD BCN FCO MXP ATH LIS GVA ZRH CPH ARN OSL DUB EDI GLA MAN NCE"
        ),
        fleet=_codes("320 321 E90 789 77W 388"),
    ),
    Airline(
        *_full_service("AA", "American Airlines", "US", "USD", "001", _OW),
        hubs=_codes("DFW CLT ORD MIA JFK PHL LAX"),
        destinations=_codes(
            "LHR MAD BCN CDG FCO DUB HND NRT BOS LGA DCA ATL DEN SFO SEA LAS PHX MCO TPA AUS "
            "IAH MSY SAN BNA CUN MEX SJU GRU EZE BOG LIM SCL YYZ"
        ),
        fleet=_codes("738 321 E90 789 77W"),
    ),
    Airline(
        *_full_service("IB", "Iberia", "ES", "EUR", "075", _OW),
        hubs=_codes("MAD"),
        destinations=_codes(
            "LHR CDG FCO MXP FRA MUC AMS BRU LIS OPO BCN AGP SVQ PMI VLC BIO LPA TFN "
            "JFK ORD MIA BOS LAX MEX BOG LIM EZE GRU SCL HAV SJO DOH"
        ),
        fleet=_codes("320 321 359"),
    ),
    Airline(
        *_full_service("QF", "Qantas", "AU", "AUD", "081", _OW),
        hubs=_codes("SYD MEL PER"),
        destinations=_codes(
            "BNE ADL CBR OOL CNS HBA DRW AKL CHC ZQN NAN SIN HKG HND NRT LAX DFW SFO HNL "
            "LHR JNB SCL DPS CGK MNL YVR"
        ),
        fleet=_codes("738 789 388"),
    ),
    Airline(
        *_full_service("JL", "Japan Airlines", "JP", "JPY", "131", _OW),
        hubs=_codes("HND NRT"),
        destinations=_codes(
            "CTS FUK OKA ITM KIX NGO HIJ KOJ SDJ ICN PVG PEK HKG TPE BKK SIN MNL SGN DEL "
            "SYD MEL LHR CDG FRA HEL JFK ORD DFW LAX SFO SEA BOS HNL YVR DOH"
        ),
        fleet=_codes("738 E90 789 359 77W"),
    ),
    Airline(
        *_full_service("LH", "Lufthansa", "DE", "EUR", "220", _STAR),
        hubs=_codes("FRA MUC"),
        destinations=_codes(
            "LHR CDG AMS BRU ZRH GVA VIE CPH ARN HEL WAW PRG BUD MAD BCN LIS FCO MXP ATH "
            "DXB BER HAM STR JFK EWR ORD IAD BOS SFO LAX YYZ SIN BKK PVG HND ICN DEL GRU "
            "MEX JNB"
        ),
        fleet=_codes("320 321 E90 359 789 388"),
    ),
    Airline(
        *_full_service("UA", "United Airlines", "US", "USD", "016", _STAR),
        hubs=_codes("ORD EWR IAH SFO DEN IAD LAX"),
        destinations=_codes(
            "LHR FRA MUC CDG AMS ZRH BRU FCO DUB TLV NRT HND ICN SIN SYD MEL HKG PVG GRU MEX "
            "CUN LIM BOG YYZ YVR BOS LGA ATL SEA LAS PHX MCO MIA MSY AUS SAN PDX HNL DCA CLE"
        ),
        fleet=_codes("738 321 E90 789 77W"),
    ),
    Airline(
        *_full_service("SQ", "Singapore Airlines", "SG", "SGD", "618", _STAR),
        hubs=_codes("SIN"),
        destinations=_codes(
            "LHR FRA MUC CDG AMS ZRH BCN MXP FCO CPH IST JFK EWR LAX SFO SEA YVR SYD MEL "
            "BNE PER AKL HND NRT KIX ICN HKG PEK PVG TPE BKK CGK DPS KUL MNL SGN DEL BOM "
            "DXB JNB"
        ),
        fleet=_codes("738 789 359 77W 388"),
    ),
    Airline(
        *_full_service("AF", "Air France", "FR", "EUR", "057", _SKY),
        hubs=_codes("CDG"),
        destinations=_codes(
            "LHR AMS FRA MUC BCN MAD LIS FCO MXP VCE NCE TLS MRS LYS GVA ATH CPH ARN JFK "
            "EWR BOS IAD ATL ORD LAX SFO MIA YUL YYZ MEX GRU DXB SIN HND ICN PEK PVG DEL "
            "BOM JNB"
        ),
        fleet=_codes("320 321 E90 359 77W"),
    ),
    Airline(
        *_full_service("KL", "KLM Royal Dutch Airlines", "NL", "EUR", "074", _SKY),
        hubs=_codes("AMS"),
        destinations=_codes(
            "LHR CDG FRA MUC BCN MAD LIS FCO MXP CPH ARN OSL HEL DUB MAN EDI ZRH GVA VIE "
            "PRG WAW BUD ATH JFK ATL DTW ORD LAX SFO SEA YYZ YVR MEX GRU SIN NRT ICN PVG "
            "DEL JNB"
        ),
        fleet=_codes("738 E90 789 77W"),
    ),
    Airline(
        *_full_service("DL", "Delta Air Lines", "US", "USD", "006", _SKY),
        hubs=_codes("ATL JFK DTW MSP SEA LAX SLC BOS"),
        destinations=_codes(
            "LHR CDG AMS MAD FCO DUB HND ICN MEX CUN GRU LOS LGA ORD DFW MIA MCO DEN LAS PHX "
            "SFO SAN MSY AUS IAH DCA RDU TPA BNA"
        ),
        fleet=_codes("738 321 E90 359 77W"),
    ),
    Airline(
        *_full_service("EK", "Emirates", "AE", "AED", "176", None),
        hubs=_codes("DXB"),
        destinations=_codes(
            "LHR LGW MAN CDG FRA MUC AMS MXP FCO MAD BCN ZRH IST ATH JFK EWR BOS IAD ORD "
            "DFW LAX SFO SEA YYZ GRU JNB CPT NBO BOM DEL BLR SIN BKK HKG NRT HND ICN SYD "
            "MEL AKL"
        ),
        fleet=_codes("77W 388"),
    ),
    Airline(
        *_low_cost("FR", "Ryanair", "IE", "EUR", "953"),
        hubs=_codes("STN DUB BGY CRL MAN"),
        destinations=_codes(
            "AGP ALC PMI FAO BCN VLC SVQ TFS ACE LPA FUE CIA PSA BLQ NAP TSF BRI CTA KRK WMI "
            "GDN BUD VIE OPO LIS MLA ATH CHQ RHO EDI GLA BER HHN NRN MRS BVA TLS"
        ),
        fleet=_codes("738Y"),
    ),
    Airline(
        *_low_cost("U2", "easyJet", "GB", "GBP", "888"),
        hubs=_codes("LGW LTN BRS MAN GVA"),
        destinations=_codes(
            "AMS CDG NCE BCN AGP ALC PMI FAO LIS OPO FCO MXP VCE NAP ATH HER RHO PRG BER CPH "
            "EDI GLA BFS INV JER MLA TFS ACE SPU DBV KRK BUD LYS BOD TLS BSL"
        ),
        fleet=_codes("320Y 321Y"),
    ),
)

AIRLINES_BY_CODE: dict[str, Airline] = {airline.iata_code: airline for airline in AIRLINES}


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
            "E90",
            "E90",
            "Embraer 190",
            4_000,
            (
                CabinLayout(_J, "A DF", 1, 3),
                CabinLayout(_Y, "AC DF", 4, 23, (11,)),
            ),
            wings=(9, 14),
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

# Fixed sandbox exchange rates: units of each currency for one US dollar. They
# never move, so a sandbox price is reproducible; they are not market rates.
USD_RATES: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "AUD": Decimal("1.52"),
    "JPY": Decimal("150"),
    "SGD": Decimal("1.34"),
    "AED": Decimal("3.6725"),
}


def airline(code: str) -> Airline:
    """The airline with IATA code ``code``; ``KeyError`` when the sandbox has none."""
    return AIRLINES_BY_CODE[code.upper()]


def compatible(first: Airline, second: Airline) -> bool:
    """Whether a connection between the two is sold: online, or within one alliance.

    Low-cost carriers have no interline agreements, only online connections."""
    if first.iata_code == second.iata_code:
        return True
    if first.is_low_cost or second.is_low_cost:
        return False
    return first.alliance is not None and first.alliance == second.alliance

"""Facts the sandbox GDS is built from, written down by hand.

Real airlines (IATA code, country, currency, 3-digit ticket prefix, alliance,
hubs or bases, and airports they serve); aircraft types are in ``aircraft.py``.
Low-cost carriers do not issue IATA tickets; their prefixes here are
sandbox-assigned. The timetable built from
these facts (``network.py``) is simulated, not real.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from farebridge.domain.itinerary import Carrier
from farebridge.domain.money import REFERENCE_USD_RATES


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


# Units of each airline currency per US dollar: the inverse of the engine's
# fixed reference rates (domain/money.py), so there is one table of rates.
USD_RATES: dict[str, Decimal] = {
    code: Decimal(1) / REFERENCE_USD_RATES[code]
    for code in ("USD", "EUR", "GBP", "AUD", "JPY", "SGD", "AED")
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

"""The shape of an airline in the sandbox's reference data, and helpers to write it down.

The airlines themselves are in ``airlines_*.py`` (one module per region) and
are gathered, with the rules between them, in ``reference.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
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


Identity = tuple[str, str, str, str, str, Alliance | None, BusinessModel]

FALLBACK_CURRENCY = "USD"


def priced_in(currency: str) -> str:
    """The airline's own currency when the engine has a reference rate for it, else USD
    (a currency without a rate in ``domain/money.py`` cannot be compared or sorted)."""
    return currency if currency in REFERENCE_USD_RATES else FALLBACK_CURRENCY


def codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def full_service(
    code: str, name: str, country: str, currency: str, prefix: str, alliance: Alliance | None
) -> Identity:
    return code, name, country, priced_in(currency), prefix, alliance, BusinessModel.FULL_SERVICE


def low_cost(code: str, name: str, country: str, currency: str, prefix: str) -> Identity:
    return code, name, country, priced_in(currency), prefix, None, BusinessModel.LOW_COST


ONEWORLD, STAR, SKYTEAM = Alliance.ONEWORLD, Alliance.STAR_ALLIANCE, Alliance.SKYTEAM

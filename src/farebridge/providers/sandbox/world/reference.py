"""Facts the sandbox GDS is built from, written down by hand, and the rules between them.

Real airlines (IATA code, country, currency, 3-digit ticket prefix, alliance,
hubs or bases, and airports they serve), one module per region
(``airlines_*.py``); aircraft types are in ``aircraft.py``. Low-cost carriers
do not issue IATA tickets; those without a known accounting code have a
sandbox-assigned prefix. The timetable built from these facts
(``network.py``) is simulated, not real.
"""

from __future__ import annotations

from decimal import Decimal

from farebridge.domain.money import REFERENCE_USD_RATES
from farebridge.providers.sandbox.world.airlines_americas import AMERICAS
from farebridge.providers.sandbox.world.airlines_asia_pacific import ASIA_PACIFIC
from farebridge.providers.sandbox.world.airlines_europe import EUROPE
from farebridge.providers.sandbox.world.airlines_middle_east_africa import MIDDLE_EAST_AFRICA
from farebridge.providers.sandbox.world.carriers import Airline, Alliance, BusinessModel

__all__ = [
    "AIRLINES",
    "AIRLINES_BY_CODE",
    "USD_RATES",
    "Airline",
    "Alliance",
    "BusinessModel",
    "airline",
    "compatible",
    "interline_family",
]

AIRLINES: tuple[Airline, ...] = AMERICAS + EUROPE + MIDDLE_EAST_AFRICA + ASIA_PACIFIC

AIRLINES_BY_CODE: dict[str, Airline] = {airline.iata_code: airline for airline in AIRLINES}
if len(AIRLINES_BY_CODE) != len(AIRLINES):
    raise ValueError("airline codes must be unique")


# Units of each currency per US dollar: the inverse of the engine's fixed
# reference rates (domain/money.py), so there is one table of rates.
USD_RATES: dict[str, Decimal] = {
    code: Decimal(1) / rate for code, rate in REFERENCE_USD_RATES.items()
}


def airline(code: str) -> Airline:
    """The airline with IATA code ``code``; ``KeyError`` when the sandbox has none."""
    return AIRLINES_BY_CODE[code.upper()]


def interline_family(carrier: Airline) -> str:
    """Airlines that sell connections to each other share a family: an alliance of
    full-service airlines, or an airline on its own. ``compatible`` is family equality."""
    if carrier.is_low_cost or carrier.alliance is None:
        return carrier.iata_code
    return carrier.alliance.value


def compatible(first: Airline, second: Airline) -> bool:
    """Whether a connection between the two is sold: online, or within one alliance.

    Low-cost carriers have no interline agreements, only online connections."""
    if first.iata_code == second.iata_code:
        return True
    if first.is_low_cost or second.is_low_cost:
        return False
    return first.alliance is not None and first.alliance == second.alliance

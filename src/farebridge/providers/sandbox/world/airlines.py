"""The sandbox's airlines: written-down facts for the 352 biggest, derived ones for the rest.

``data/airlines.csv`` holds, for every airline code with at least 25 rows in the
OpenFlights routes (and the regional operators and successors they name): its
status in 2025 (active, merged into a successor, ceased), name, country,
selling currency, 3-digit ticket prefix (where known), alliance, business model
(full service, low cost, leisure, regional), the mainline a regional operator
flies for (``sells_as``), the regional operator a mainline's small routes are
flown by, and its hubs or bases. Facts as of 2025, written down by hand; the
notes column says where they are uncertain.

Airlines with fewer rows take their name from OpenFlights, their country from
the airports they fly from, their currency from the other airlines of that
country, no alliance, and the regional model (small airlines selling their own
tickets, which interline with the alliances: ``sold_in``). An airline without a known
ticket prefix gets a sandbox one (unique, counting down from 999 past the known
ones, fixed by the codes; it may be a real airline's code that we do not know).

``resolve`` maps a 2014 code to the airline that flies its routes today: a
merged carrier's routes go to its successor (US Airways to American, Flybe to
Loganair…), a ceased carrier's routes drop out.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from farebridge.domain.itinerary import Carrier
from farebridge.domain.money import REFERENCE_USD_RATES
from farebridge.domain.places import PlaceDirectory
from farebridge.providers.sandbox.world.openflights import airline_names, route_rows

FALLBACK_CURRENCY = "USD"
_SANDBOX_PREFIXES = range(999, 0, -1)  # from 999 down, skipping the real ones we know


class Alliance(StrEnum):
    ONEWORLD = "oneworld"
    STAR_ALLIANCE = "star_alliance"
    SKYTEAM = "skyteam"


class BusinessModel(StrEnum):
    FULL_SERVICE = "full_service"
    LOW_COST = "low_cost"
    LEISURE = "leisure"  # holiday airlines: sold like low-cost fares
    REGIONAL = "regional"


class Status(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"
    CEASED = "ceased"


@dataclass(frozen=True, slots=True)
class Airline:
    iata_code: str
    name: str
    country_code: str
    currency: str  # the currency it files its fares in
    ticket_prefix: str  # the 3-digit airline accounting code
    alliance: Alliance | None
    business_model: BusinessModel
    hubs: tuple[str, ...] = ()  # hubs (full service) or bases (low cost), main first
    sells_as: str | None = None  # a regional operator flying under this mainline's code
    regional_operator: str | None = None  # who flies this mainline's small routes

    @property
    def is_low_cost(self) -> bool:
        """Sold as low-cost fares: no interlining, pay at once (leisure airlines too)."""
        return self.business_model in (BusinessModel.LOW_COST, BusinessModel.LEISURE)

    @property
    def carrier(self) -> Carrier:
        alliance = self.alliance.value if self.alliance else None
        return Carrier(self.iata_code, self.name, self.ticket_prefix, alliance)


@dataclass(frozen=True, slots=True)
class _Fact:
    airline: Airline
    status: Status
    successor: str | None


def priced_in(currency: str) -> str:
    """The airline's own currency when the engine has a rate for it, else USD."""
    return currency if currency in REFERENCE_USD_RATES else FALLBACK_CURRENCY


def _fact(row: Mapping[str, str]) -> _Fact:
    airline = Airline(
        iata_code=row["code"],
        name=row["name"],
        country_code=row["country"],
        currency=priced_in(row["currency"]),
        ticket_prefix=row["ticket_prefix"],
        alliance=Alliance(row["alliance"]) if row["alliance"] else None,
        business_model=BusinessModel(row["model"]),
        hubs=tuple(row["hubs"].split()),
        sells_as=row["sells_as"] or None,
        regional_operator=row["regional_operator"] or None,
    )
    return _Fact(airline, Status(row["status"]), row["successor"] or None)


@cache
def _facts() -> dict[str, _Fact]:
    path = resources.files("farebridge.providers.sandbox.world").joinpath("data", "airlines.csv")
    with path.open(encoding="utf-8") as stream:
        facts = [_fact(row) for row in csv.DictReader(stream)]
    return {fact.airline.iata_code: fact for fact in facts}


class AirlineDirectory:
    """Every airline the sandbox knows, by code, and what a 2014 code has become."""

    def __init__(self, facts: Mapping[str, _Fact], derived: Iterable[Airline]) -> None:
        self._facts = dict(facts)
        airlines = [fact.airline for fact in facts.values()] + list(derived)
        self._airlines = _with_prefixes(airlines)

    def get(self, code: str) -> Airline | None:
        return self._airlines.get(code.upper())

    def __getitem__(self, code: str) -> Airline:
        return self._airlines[code.upper()]

    def __iter__(self) -> Iterator[Airline]:
        return iter(self._airlines.values())

    def __len__(self) -> int:
        return len(self._airlines)

    def resolve(self, code: str) -> Airline | None:
        """The airline flying ``code``'s 2014 routes today; None when they dropped out."""
        for _ in range(5):  # successor chains are short
            fact = self._facts.get(code)
            if fact is None:
                return self._airlines.get(code)
            if fact.successor is not None:
                code = fact.successor
                continue
            return None if fact.status is Status.CEASED else self._airlines[code]
        return None

    def status(self, code: str) -> tuple[Status, str | None] | None:
        """The written-down status and successor of a code (None for derived airlines)."""
        fact = self._facts.get(code)
        return (fact.status, fact.successor) if fact else None

    def seller(self, operator: Airline) -> Airline:
        """Who sells ``operator``'s flights: its mainline for a regional operator."""
        if operator.sells_as is not None:
            return self._airlines.get(operator.sells_as, operator)
        return operator


def _with_prefixes(airlines: Iterable[Airline]) -> dict[str, Airline]:
    """Every airline by code; those without a known prefix get an unused one."""
    ordered = sorted(airlines, key=lambda a: a.iata_code)
    used = {a.ticket_prefix for a in ordered if a.ticket_prefix}
    free = (f"{n:03d}" for n in _SANDBOX_PREFIXES if f"{n:03d}" not in used)
    result: dict[str, Airline] = {}
    for airline in ordered:
        if not airline.ticket_prefix:
            airline = _replace_prefix(airline, next(free))
        result[airline.iata_code] = airline
    return result


def _replace_prefix(airline: Airline, prefix: str) -> Airline:
    return Airline(
        airline.iata_code,
        airline.name,
        airline.country_code,
        airline.currency,
        prefix,
        airline.alliance,
        airline.business_model,
        airline.hubs,
        airline.sells_as,
        airline.regional_operator,
    )


def _derived(places: PlaceDirectory, facts: Mapping[str, _Fact]) -> list[Airline]:
    """Airlines of the routes that the facts table does not name."""
    countries: dict[str, Counter[str]] = {}
    for row in route_rows():
        if row.airline in facts or row.codeshare:
            continue
        airport = places.airport(row.origin)
        if airport is not None:
            countries.setdefault(row.airline, Counter())[airport.country_code] += 1
    currency_of = _country_currencies(facts)
    names = airline_names()
    derived = []
    for code, counted in sorted(countries.items()):
        known = names.get(code)
        country = counted.most_common(1)[0][0]
        derived.append(
            Airline(
                iata_code=code,
                name=known.name if known else code,
                country_code=country,
                currency=priced_in(currency_of.get(country, FALLBACK_CURRENCY)),
                ticket_prefix="",
                alliance=None,
                business_model=BusinessModel.REGIONAL,
            )
        )
    return derived


def _country_currencies(facts: Mapping[str, _Fact]) -> dict[str, str]:
    """The currency most airlines of each country sell in."""
    counted: dict[str, Counter[str]] = {}
    for fact in facts.values():
        airline = fact.airline
        counted.setdefault(airline.country_code, Counter())[airline.currency] += 1
    return {country: c.most_common(1)[0][0] for country, c in counted.items()}


@cache
def airline_directory(places: PlaceDirectory) -> AirlineDirectory:
    """The directory for the airports of ``places`` (one per process)."""
    facts = _facts()
    return AirlineDirectory(facts, _derived(places, facts))


def interline_family(carrier: Airline) -> str:
    """Airlines that sell connections to each other share a family: an alliance of
    full-service airlines, or an airline on its own. ``compatible`` is family equality."""
    if carrier.is_low_cost or carrier.alliance is None:
        return carrier.iata_code
    return carrier.alliance.value


ALLIANCE_FAMILIES = tuple(alliance.value for alliance in Alliance)


def sold_in(carrier: Airline) -> tuple[str, ...]:
    """The families that sell ``carrier``'s flights: its own; and every alliance for a
    regional airline selling its own tickets, which interlines with them all (Loganair
    to Barra connects with British Airways in Glasgow and KLM in Amsterdam)."""
    own = interline_family(carrier)
    if carrier.business_model is BusinessModel.REGIONAL and carrier.sells_as is None:
        return (own, *ALLIANCE_FAMILIES)
    return (own,)


def common_families(carriers: Iterable[Airline]) -> frozenset[str]:
    """The families that can sell one ticket over all of ``carriers``' flights."""
    families: frozenset[str] | None = None
    for carrier in carriers:
        here = frozenset(sold_in(carrier))
        families = here if families is None else families & here
    return families or frozenset()


def compatible(first: Airline, second: Airline) -> bool:
    """Whether a connection between the two is sold: online, within one alliance, or
    a regional airline with an alliance member. Low-cost carriers have no interline
    agreements, only online connections."""
    return bool(common_families((first, second)))

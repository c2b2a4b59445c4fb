"""The route network: who flies between which airports, sold by whom, on what aircraft.

Built from the OpenFlights routes (June 2014, ``openflights.py``):

1. every nonstop row between two airports ``airportsdata`` knows (a closed
   airport becomes its successor: Tegel and Schönefeld are BER…), its airline
   resolved to the one flying it today (``airlines.resolve``: merged carriers go
   to their successor, ceased ones drop out);
2. an operated row (no codeshare flag) is an airline route, flown both ways;
   rows of one airline between the same two airports are one route, with the
   union of their listed aircraft;
3. a regional operator that flies for a mainline (SkyWest for United…) is the
   *operator*; the mainline is its *seller*, whose flight number it carries;
4. a codeshare row puts its airline on the routes of that airport pair flown
   for a seller of its own interline family (an alliance partner: American on
   British Airways' London-Dallas), as an extra marketing carrier with its own
   flight number; a codeshare with no operated route at all becomes a route of
   the codeshare airline, flown by its regional operator when it has one and
   the route is short (United Express to Aspen), else by itself; so does a
   codeshare row of an airline at home at one end (a hub, or ``HOME_ROUTES``
   routes there) that no airline of its family flies (Aerolíneas Argentinas lists
   its own Buenos Aires-São Paulo flights so, Delta its LaGuardia-Boston shuttle);
5. an alliance airline's operated row on a pair where it is not at home (no hub,
   fewer than ``HOME_ROUTES`` routes at either end) and a partner flies with the
   same aircraft is read as a codeshare on the partner's flights (Finnair
   London-New York).

Nothing here is random: the same data gives the same routes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from farebridge.domain.places import Airport, PlaceDirectory, great_circle_km
from farebridge.providers.sandbox.world.aircraft import FAMILY_OF
from farebridge.providers.sandbox.world.airlines import (
    Airline,
    AirlineDirectory,
    airline_directory,
    interline_family,
)
from farebridge.providers.sandbox.world.openflights import RouteRow, route_rows

# Airports that closed since 2014, and the airport that took their flights.
AIRPORT_SUCCESSORS: dict[str, str] = {
    "SXF": "BER",  # Berlin Schönefeld -> Berlin Brandenburg (2020)
    "TXL": "BER",  # Berlin Tegel -> Berlin Brandenburg (2020)
    "TSE": "NQZ",  # Astana, renamed
    "KIV": "RMO",  # Chișinău, new code (2023)
    "REP": "SAI",  # Siem Reap -> Siem Reap Angkor (2023)
    "PNH": "KTI",  # Phnom Penh -> Techo (2025)
    "MJV": "RMU",  # Murcia San Javier -> Región de Murcia (2019)
    "DAX": "DZH",  # Dazhou Heshi -> Dazhou Jinya (2022)
}
REGIONAL_OPERATOR_MAX_KM = 1_500  # a mainline's orphan codeshare this short is flown regionally
HOME_ROUTES = 10  # an airline with this many routes at an airport is at home there


@dataclass(frozen=True, slots=True)
class AirlineRoute:
    """One airline's nonstop between two airports, flown in both directions."""

    operator: Airline
    seller: Airline  # sells it under its own flight number: the operator, or its mainline
    first: Airport  # the two ends, by code
    second: Airport
    distance_km: float
    equipment: tuple[str, ...]  # OpenFlights aircraft codes listed for it (known types only)
    codeshares: tuple[Airline, ...] = ()  # partners selling it under their own numbers

    @property
    def key(self) -> tuple[str, str, str]:
        return self.operator.iata_code, self.first.iata_code, self.second.iata_code


@dataclass(slots=True)
class _Draft:
    operator: Airline
    seller: Airline
    first: Airport
    second: Airport
    equipment: set[str] = field(default_factory=set)
    codeshares: dict[str, Airline] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Market:
    """What the data says about an airport pair beyond its routes (popularity signals)."""

    codeshare_airlines: int  # distinct airlines with a codeshare row on the pair
    listed_aircraft: int  # distinct aircraft codes listed by its operators


@dataclass(frozen=True, slots=True)
class RouteNetwork:
    routes: tuple[AirlineRoute, ...]
    markets: dict[tuple[str, str], Market]
    directory: AirlineDirectory


class _Builder:
    def __init__(self, places: PlaceDirectory, directory: AirlineDirectory) -> None:
        self.places = places
        self.directory = directory
        self.drafts: dict[tuple[str, str, str], _Draft] = {}
        self.codeshares: dict[tuple[str, str], dict[str, RouteRow]] = {}
        self._ends: dict[tuple[str, str], tuple[Airport, Airport] | None] = {}
        self._airlines: dict[str, Airline | None] = {}
        self._airports = places.airports()

    def ends(self, row: RouteRow) -> tuple[Airport, Airport] | None:
        key = (row.origin, row.destination)
        if key in self._ends:
            return self._ends[key]
        codes = sorted(AIRPORT_SUCCESSORS.get(c, c) for c in key)
        first, second = (self._airports.get(code) for code in codes)
        ends = None if codes[0] == codes[1] or not first or not second else (first, second)
        self._ends[key] = ends
        return ends

    def airline(self, code: str) -> Airline | None:
        if code not in self._airlines:
            self._airlines[code] = self.directory.resolve(code)
        return self._airlines[code]

    def add(self, row: RouteRow) -> None:
        ends = self.ends(row)
        operator = self.airline(row.airline)
        if ends is None or operator is None:
            return
        pair = (ends[0].iata_code, ends[1].iata_code)
        if row.codeshare:
            self.codeshares.setdefault(pair, {}).setdefault(operator.iata_code, row)
            return
        key = (operator.iata_code, *pair)
        draft = self.drafts.get(key)
        if draft is None:
            seller = self.directory.seller(operator)
            draft = self.drafts[key] = _Draft(operator, seller, *ends)
        draft.equipment.update(code for code in row.equipment if code in FAMILY_OF)

    def reclassify_partner_rows(self) -> None:
        """An 'operated' row of an alliance airline that is not at home at either end, on
        a pair an alliance partner flies with the same aircraft, is the partner's flight
        sold as a codeshare (Finnair 'flying' London-New York on British Airways' 777s).
        Real fifth-freedom flights stay: Singapore Airlines' own A380 New York-Frankfurt,
        Kuwait Airways' London-New York."""
        presence: dict[tuple[str, str], int] = {}
        for draft in self.drafts.values():
            for end in (draft.first.iata_code, draft.second.iata_code):
                key = (draft.seller.iata_code, end)
                presence[key] = presence.get(key, 0) + 1
        for pair, drafts in self.by_pair().items():
            for draft in drafts:
                seller = draft.seller
                busy = max(presence[(seller.iata_code, end)] for end in pair)
                home = bool(set(pair) & set(seller.hubs))
                if seller.alliance is None or home or busy >= HOME_ROUTES:
                    continue
                family = interline_family(seller)
                partners = [
                    other
                    for other in drafts
                    if other is not draft and interline_family(other.seller) == family
                ]
                partners_types = {FAMILY_OF[c] for other in partners for c in other.equipment}
                if partners and {FAMILY_OF[c] for c in draft.equipment} <= partners_types:
                    del self.drafts[(draft.operator.iata_code, *pair)]
                    for partner in partners:
                        partner.codeshares[seller.iata_code] = seller

    def by_pair(self) -> dict[tuple[str, str], list[_Draft]]:
        grouped: dict[tuple[str, str], list[_Draft]] = {}
        for draft in list(self.drafts.values()):
            grouped.setdefault((draft.first.iata_code, draft.second.iata_code), []).append(draft)
        return grouped

    def place_codeshares(self) -> None:
        presence: dict[tuple[str, str], int] = {}
        for draft in self.drafts.values():
            for end in (draft.first.iata_code, draft.second.iata_code):
                key = (draft.seller.iata_code, end)
                presence[key] = presence.get(key, 0) + 1
        by_pair = self.by_pair()
        for pair, rows in sorted(self.codeshares.items()):
            flown = by_pair.get(pair, [])
            marketers = sorted(
                (self.directory[code] for code in rows), key=lambda m: _home_first(m, pair)
            )
            operated = bool(flown)
            for marketer in marketers:
                self.attach(marketer, flown)
                family = interline_family(marketer)
                # its own flights, listed as a codeshare: no route of its family, and
                # nobody else's (or a hub of its own) at one end
                home = bool(set(pair) & set(marketer.hubs)) or any(
                    presence.get((marketer.iata_code, end), 0) >= HOME_ROUTES for end in pair
                )
                if (not operated or home) and all(
                    interline_family(d.seller) != family for d in flown
                ):
                    flown.append(self.orphan(marketer, rows[marketer.iata_code]))

    def attach(self, marketer: Airline, flown: list[_Draft]) -> None:
        if any(d.seller.iata_code == marketer.iata_code for d in flown):
            return  # it sells its own flights there
        family = interline_family(marketer)
        for draft in flown:
            if interline_family(draft.seller) == family:
                draft.codeshares[marketer.iata_code] = marketer

    def orphan(self, marketer: Airline, row: RouteRow) -> _Draft:
        """A route for a codeshare that no airline of its family flies."""
        ends = self.ends(row)
        assert ends is not None  # checked when the row was kept
        operator = marketer
        regional = marketer.regional_operator and self.directory.get(marketer.regional_operator)
        if regional and great_circle_km(*ends) <= REGIONAL_OPERATOR_MAX_KM:
            operator = regional
        key = (operator.iata_code, ends[0].iata_code, ends[1].iata_code)
        draft = self.drafts.get(key)
        if draft is None:
            draft = self.drafts[key] = _Draft(operator, marketer, *ends)
        draft.equipment.update(code for code in row.equipment if code in FAMILY_OF)
        return draft

    def markets(self) -> dict[tuple[str, str], Market]:
        listed: dict[tuple[str, str], set[str]] = {}
        for draft in self.drafts.values():
            pair = (draft.first.iata_code, draft.second.iata_code)
            listed.setdefault(pair, set()).update(draft.equipment)
        return {
            pair: Market(len(self.codeshares.get(pair, ())), len(aircraft))
            for pair, aircraft in listed.items()
        }

    def routes(self) -> tuple[AirlineRoute, ...]:
        return tuple(
            AirlineRoute(
                operator=draft.operator,
                seller=draft.seller,
                first=draft.first,
                second=draft.second,
                distance_km=great_circle_km(draft.first, draft.second),
                equipment=tuple(sorted(draft.equipment)),
                codeshares=tuple(draft.codeshares[code] for code in sorted(draft.codeshares)),
            )
            for _, draft in sorted(self.drafts.items())
        )


def _home_first(marketer: Airline, pair: tuple[str, str]) -> tuple[bool, str]:
    """The airline with a hub at one end flies an orphan codeshare; its partners sell it."""
    return not (set(pair) & set(marketer.hubs)), marketer.iata_code


def build_routes(places: PlaceDirectory, rows: Iterable[RouteRow] | None = None) -> RouteNetwork:
    """Every airline route of the data (see the module docstring), sorted by operator and ends."""
    builder = _Builder(places, airline_directory(places))
    for row in route_rows() if rows is None else rows:
        builder.add(row)
    builder.reclassify_partner_rows()
    builder.place_codeshares()
    return RouteNetwork(builder.routes(), builder.markets(), builder.directory)


@cache
def route_network(places: PlaceDirectory) -> RouteNetwork:
    """The route network of the vendored data (one per process)."""
    return build_routes(places)

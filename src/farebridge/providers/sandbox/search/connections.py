"""The indexed connection search: the rules of ``itineraries.py``, found fast.

Works on the date-independent index (``index.py``) with integers only,
and materialises just the flights of the itineraries it returns. Pruning is
exact: an itinerary is left out only when a lower bound on its duration is
already worse than the ``limit``-th best found so far, so it could not rank.

1. first flights: every route leaving an origin, its flights on the date (a
   weekday bit) inside the departure window; nonstops are accepted at once.
   Everything that depends only on the route (the detour rule at its arrival
   airport, where one or two more flights can go, the connecting times) is
   worked out once per route: a *branch*;
2. one connection: from a branch's airport, only the routes that reach a
   destination in the same interline family, scanned with ``bisect`` between
   the minimum connecting time and the latest departure that can still rank;
3. two connections: first flights in order of a lower bound (their own
   duration plus the shortest two more flights and connections can take),
   stopping once it passes the bound. Middle airports are only those that both
   leave the branch's airport and reach a destination in the family (``out``
   intersected with ``into``) and pass the detour rule.

Work (index rows looked at) is bounded by ``max_work``; past it the search
stops and says ``truncated``. Results stay diverse: at most
``ConnectionRules.per_connection_cap`` of them connect at the same airports (the
greedy choice in ranking order, so the pruning bound stays exact: an itinerary
worse than the ``limit``-th kept one can never be chosen), and a capped search
says ``truncated`` too.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from dataclasses import dataclass
from datetime import date

from farebridge.domain.places import great_circle_km
from farebridge.providers.sandbox.search.index import SearchIndex
from farebridge.providers.sandbox.search.itineraries import (
    ConnectionRules,
    Itinerary,
    ItineraryResult,
    SliceQuery,
    time_window_minutes,
)
from farebridge.providers.sandbox.world.local_time import EPOCH_ORDINAL, MINUTES_PER_DAY, weekday_of
from farebridge.providers.sandbox.world.schedule import Flight, materialise

_NO_BOUND = 1 << 60
Leg = tuple[int, int]  # (index row, local departure day)
Timed = tuple[int, int, int]  # (index row, departure instant, arrival instant)
Final = tuple[int, int]  # (route number to a destination, connecting minutes before it)
# (duration, departure, designator ranks, family, legs): kept itineraries, best first
Entry = tuple[int, int, tuple[int, ...], int, tuple[Leg, ...]]
# (second route number, connecting minutes before it, shortest connection + last flight
# after it, the last flights)
Via = tuple[int, int, int, list[Final]]


@dataclass(slots=True)
class _Branch:
    """The first flights of one route, and where they can go on."""

    origin: int
    here: int
    flights: list[Timed]
    finals: list[Final]
    vias: list[Via]
    floor: int  # at least this long from landing here to a destination, via two flights


def find_itineraries(
    index: SearchIndex, query: SliceQuery, rules: ConnectionRules, *, limit: int, max_work: int
) -> ItineraryResult:
    """The best ``limit`` itineraries for ``query`` (see the module docstring)."""
    search = _Search(index, query, rules, limit=limit, max_work=max_work)
    search.run()
    return search.result()


class _Search:
    def __init__(
        self,
        index: SearchIndex,
        query: SliceQuery,
        rules: ConnectionRules,
        *,
        limit: int,
        max_work: int,
    ) -> None:
        self.index, self.query, self.rules = index, query, rules
        self.limit, self.max_work = max(limit, 0), max_work
        ids = index.airport_ids
        origins = list(dict.fromkeys(ids[a.iata_code] for a in query.origins if a.iata_code in ids))
        destinations = frozenset(ids[a.iata_code] for a in query.destinations if a.iata_code in ids)
        self.blocked = frozenset(origins)  # no flight lands at an origin, even a destination one
        self.origins = [origin for origin in origins if origin not in destinations]
        self.destinations = destinations - self.blocked
        self.allowed = self._allowed_airlines()
        self.shared = frozenset[int]().union(
            *(index.codeshared.get(code, frozenset()) for code in query.preferred_airlines)
        )  # rows a preferred airline sells as a codeshare: allowed too
        self.day = query.departure_on.toordinal()
        self.departure_window = time_window_minutes(query.departure_time)
        self.arrival_window = time_window_minutes(query.arrival_time)
        self.max_layover = rules.max_layover_minutes
        self.best: list[Entry] = []
        self.via: Counter[tuple[int, ...]] = Counter()  # kept itineraries per connection
        self.per_connection = rules.per_connection_cap(self.limit)
        self.earliest = query.earliest_departure_minute
        # the duration to beat: the longest allowed, then the ``limit``-th best once found
        self.max_elapsed = rules.max_elapsed_minutes(query)
        self.kth = self.max_elapsed if self.max_elapsed is not None else _NO_BOUND
        self.accepted = self.work = 0
        self.exhausted = self.pruned = self.capped = False
        self._remaining: dict[int, float] = {}
        self._mct: dict[tuple[int, bool], int] = {}
        self._finals: dict[int, dict[int, list[int]]] = {}
        self._onward: dict[int, list[tuple[int, int, list[int]]]] = {}

    def _allowed_airlines(self) -> frozenset[int] | None:
        if not self.query.preferred_airlines:
            return None
        codes = self.index.airline_codes
        return frozenset(n for n, code in enumerate(codes) if code in self.query.preferred_airlines)

    # --- rules ----------------------------------------------------------------
    def remaining_km(self, airport: int) -> float:
        """Great-circle distance from ``airport`` to the nearest destination."""
        known = self._remaining.get(airport)
        if known is None:
            here = self.index.airports[airport]
            known = min(great_circle_km(here, there) for there in self.query.destinations)
            self._remaining[airport] = known
        return known

    def connecting_minutes(self, before: int, at: int, after: int) -> int:
        countries = self.index.countries
        domestic = countries[before] == countries[at] == countries[after]
        minutes = self._mct.get((at, domestic))
        if minutes is None:
            code = self.index.airports[at].iata_code
            minutes = self.rules.connecting_minutes(code, domestic=domestic)
            self._mct[(at, domestic)] = minutes
        return minutes

    def latest(self, rule_latest: int, bound_latest: int) -> int:
        if bound_latest < rule_latest:
            self.prune()
            return bound_latest
        return rule_latest

    def prune(self) -> None:
        """Record that something was left out for ranking below the ``limit``-th best
        (not for being longer than the rules allow): the result may be truncated."""
        if len(self.best) >= self.limit:
            self.pruned = True

    def charge(self, rows: int) -> None:
        """Count ``rows`` index rows as work; past ``max_work`` the search stops."""
        self.work += rows
        if self.work > self.max_work:
            self.exhausted = True

    # --- stage 1: first flights -------------------------------------------------
    def run(self) -> None:
        if not self.destinations or self.limit == 0:
            return
        branches: list[_Branch] = []
        for origin in self.origins:
            for family in self.index.families_from[origin]:
                for here, number in self.index.out[self.index.slot(origin, family)].items():
                    if here in self.blocked or self.exhausted:
                        continue
                    branch = self.first_flights(origin, here, number)
                    if branch is not None:
                        branches.append(branch)
        for branch in branches:
            self.connect_once(branch)
        if self.query.max_connections >= 2:
            self.connect_twice(branches)

    def first_flights(self, origin: int, here: int, number: int) -> _Branch | None:
        """Accept the nonstops of route ``number``; else its branch, if it goes on."""
        flights = self.departures_on(origin, number)
        if not flights:
            return None
        if here in self.destinations:
            for row, departure, arrival in flights:
                self.accept(((row, self.day),), departure, arrival, here)
            return None
        if self.query.max_connections < 1:
            return None
        return self.branch(origin, number, flights)

    def departures_on(self, origin: int, number: int) -> list[Timed]:
        index, day = self.index, self.day
        route, clock = index.routes[number], index.clocks[origin]
        low, high = clock.band(day)
        base = (day - EPOCH_ORDINAL) * MINUTES_PER_DAY
        bit, window, allowed = 1 << weekday_of(day), self.departure_window, self.allowed
        shared = self.shared
        earliest = self.earliest
        minute, weekdays, airline, block = index.minute, index.weekdays, index.airline, index.block
        self.charge(route.end - route.start)
        found: list[Timed] = []
        for row in range(route.start, route.end):
            if not weekdays[row] & bit or (
                allowed is not None and airline[row] not in allowed and row not in shared
            ):
                continue
            local = minute[row]
            departure = base + local - low if low == high else clock.departure(day, local)
            if earliest is not None and departure < earliest:
                continue
            if window is not None:
                local = local if low == high else clock.local_minute(departure)
                if not window[0] <= local <= window[1]:
                    continue
            found.append((row, departure, departure + block[row]))
        return found

    def branch(self, origin: int, number: int, flights: list[Timed]) -> _Branch | None:
        """Where the flights of route ``number`` can go on, within the detour rule."""
        route = self.index.routes[number]
        here, budget = route.destination, self.remaining_km(origin) * self.rules.max_detour
        if route.distance_km + self.remaining_km(here) > budget:
            return None
        finals = self.finals_from(origin, here, route.family)
        vias: list[Via] = []
        if self.query.max_connections >= 2:
            vias = self.vias_from(origin, here, route.family, route.distance_km)
        if not finals and not vias:
            return None
        floor = self._via_floor(vias[0]) if vias else _NO_BOUND
        return _Branch(origin, here, flights, finals, vias, floor)

    def _via_floor(self, via: Via) -> int:
        """At least how long from landing before ``via`` to reaching a destination."""
        return via[1] + self.index.routes[via[0]].shortest_block + via[2]

    def finals_into(self, family: int) -> dict[int, list[int]]:
        """Airports with a route to a destination in ``family``: those routes."""
        table = self._finals.get(family)
        if table is None:
            table = self._finals[family] = {}
            for destination in sorted(self.destinations):
                arriving = self.index.into.get(self.index.slot(destination, family), {})
                for airport, number in arriving.items():
                    if airport not in self.blocked:
                        table.setdefault(airport, []).append(number)
        return table

    def finals_from(self, origin: int, here: int, family: int) -> list[Final]:
        routes = self.index.routes
        return [
            (number, self.connecting_minutes(origin, here, routes[number].destination))
            for number in self.finals_into(family).get(here, ())
        ]

    def onward(self, here: int, family: int) -> list[tuple[int, int, list[int]]]:
        """Middle airports from ``here`` to a destination in ``family``: (airport, route
        there, routes on to a destination)."""
        key = self.index.slot(here, family)
        known = self._onward.get(key)
        if known is None:
            finals, leaving = self.finals_into(family), self.index.out.get(key, {})
            if len(leaving) < len(finals):
                shared = [airport for airport in leaving if airport in finals]
            else:
                shared = [airport for airport in finals if airport in leaving]
            known = self._onward[key] = [
                (airport, leaving[airport], finals[airport])
                for airport in sorted(shared)
                if airport not in self.destinations
            ]
        return known

    def vias_from(self, origin: int, here: int, family: int, first_km: float) -> list[Via]:
        """The middle airports within the detour rule, best lower bound first."""
        routes, budget = self.index.routes, self.remaining_km(origin) * self.rules.max_detour
        vias: list[Via] = []
        for middle, number, last in self.onward(here, family):
            if first_km + routes[number].distance_km + self.remaining_km(middle) > budget:
                continue
            finals = [
                (final, self.connecting_minutes(here, middle, routes[final].destination))
                for final in last
            ]
            tail = min(minutes + routes[final].shortest_block for final, minutes in finals)
            vias.append((number, self.connecting_minutes(origin, here, middle), tail, finals))
        vias.sort(key=self._via_floor)
        return vias

    # --- stages 2 and 3: connections ------------------------------------------------
    def connect_once(self, branch: _Branch) -> None:
        for row, departure, arrival in branch.flights:
            legs = ((row, self.day),)
            for number, minutes in branch.finals:
                self.last_flights(legs, departure, (arrival, minutes), branch.here, number)
            if self.exhausted:
                return

    def connect_twice(self, branches: list[_Branch]) -> None:
        ranked = [
            (arrival - departure + branch.floor, row, departure, arrival, branch)
            for branch in branches
            if branch.vias
            for row, departure, arrival in branch.flights
        ]
        ranked.sort(key=lambda item: item[0])
        for bound, row, departure, arrival, branch in ranked:
            if bound > self.kth:
                self.prune()
                return
            self.through_two(branch, (row, departure, arrival))
            if self.exhausted:
                return

    def through_two(self, branch: _Branch, first: Timed) -> None:
        """Every itinerary starting with ``first`` and connecting twice."""
        index = self.index
        row, departure, arrival = first
        for number, minutes, tail, finals in branch.vias:
            second = index.routes[number]
            if arrival - departure + minutes + second.shortest_block + tail > self.kth:
                self.prune()
                return  # vias are sorted by this bound
            latest = self.latest(
                arrival + self.max_layover, departure + self.kth - tail - second.shortest_block
            )
            for second_row, second_day, second_departure in self.scan(
                number, branch.here, arrival + minutes, latest
            ):
                landed = second_departure + index.block[second_row]
                legs = ((row, self.day), (second_row, second_day))
                for final, final_minutes in finals:
                    self.last_flights(
                        legs, departure, (landed, final_minutes), second.destination, final
                    )

    def last_flights(
        self,
        legs: tuple[Leg, ...],
        departure: int,
        landing: tuple[int, int],
        here: int,
        number: int,
    ) -> None:
        """Accept the flights of route ``number`` (from ``here`` to a destination) that
        connect with a landing at ``landing[0]`` (connecting time ``landing[1]``)."""
        route = self.index.routes[number]
        landed, minutes = landing
        latest = self.latest(landed + self.max_layover, departure + self.kth - route.shortest_block)
        for row, day, last_departure in self.scan(number, here, landed + minutes, latest):
            arrival = last_departure + self.index.block[row]
            self.accept((*legs, (row, day)), departure, arrival, route.destination)

    def scan(
        self, number: int, airport: int, earliest: int, latest: int
    ) -> list[tuple[int, int, int]]:
        """Flights of route ``number`` (leaving ``airport``) departing in [earliest, latest]:
        (row, local day, departure instant), on the dates they operate."""
        if earliest > latest or self.exhausted:
            return []
        index, clock, route = self.index, self.index.clocks[airport], self.index.routes[number]
        minute, weekdays, airline, allowed, shared = (
            index.minute,
            index.weekdays,
            index.airline,
            self.allowed,
            self.shared,
        )
        found: list[tuple[int, int, int]] = []
        first_day = (earliest + clock.lowest) // MINUTES_PER_DAY + EPOCH_ORDINAL
        last_day = (latest + clock.highest) // MINUTES_PER_DAY + EPOCH_ORDINAL
        bands = clock.band
        for day in range(first_day, last_day + 1):
            low, high = bands(day)
            base = (day - EPOCH_ORDINAL) * MINUTES_PER_DAY
            start = bisect_left(minute, earliest - base + low, route.start, route.end)
            stop = bisect_right(minute, latest - base + high, start, route.end)
            if stop == start:
                continue
            self.work += stop - start
            if self.work > self.max_work:
                self.exhausted = True
            bit = 1 << (day + 6) % 7  # weekday_of(day)
            for row in range(start, stop):
                if not weekdays[row] & bit or (
                    allowed is not None and airline[row] not in allowed and row not in shared
                ):
                    continue
                local = minute[row]
                departure = base + local - low if low == high else clock.departure(day, local)
                if earliest <= departure <= latest:
                    found.append((row, day, departure))
        return found

    # --- results --------------------------------------------------------------
    def accept(self, legs: tuple[Leg, ...], departure: int, arrival: int, destination: int) -> None:
        """Keep the best ``limit`` itineraries, at most ``per_connection`` of them through
        the same connecting airports (the greedy choice in ranking order, kept exactly:
        an itinerary dropped here could never rank later)."""
        window = self.arrival_window
        if window is not None:
            local = self.index.clocks[destination].local_minute(arrival)
            if not window[0] <= local <= window[1]:
                return
        index = self.index
        if not any(index.native[row] for row, _ in legs):
            return  # a regional airline's own flights: found in its own family already
        if self.max_elapsed is not None and arrival - departure > self.max_elapsed:
            return
        self.accepted += 1
        ranks = tuple(index.rank[row] for row, _ in legs)
        entry = (arrival - departure, departure, ranks, index.row_family[legs[0][0]], legs)
        best = self.best
        via = tuple(self.index.arrives[row] for row, _ in legs[:-1])
        if via and self.via[via] >= self.per_connection:
            self.capped = True
            worst = max(
                (n for n in range(len(best)) if self._via_of(best[n]) == via),
                key=lambda n: best[n],
            )
            if entry >= best[worst]:
                return
            del best[worst]
            self.via[via] -= 1
        elif len(best) >= self.limit:
            if entry >= best[-1]:
                return
            self.via[self._via_of(best.pop())] -= 1
        insort(best, entry)
        self.via[via] += 1
        if len(best) >= self.limit:
            self.kth = best[-1][0]

    def _via_of(self, entry: Entry) -> tuple[int, ...]:
        return tuple(self.index.arrives[row] for row, _ in entry[4][:-1])

    def result(self) -> ItineraryResult:
        patterns, pattern_of = self.index.patterns, self.index.pattern
        names = self.index.family_names
        flights: dict[tuple[int, int], Flight] = {}  # itineraries share flights

        def flight(row: int, day: int) -> Flight:
            key = (pattern_of[row], day)
            made = flights.get(key)
            if made is None:
                made = flights[key] = materialise(patterns[key[0]], date.fromordinal(day))
            return made

        itineraries = tuple(
            Itinerary(tuple(flight(row, day) for row, day in legs), names[family])
            for _, _, _, family, legs in self.best
        )
        truncated = self.exhausted or self.accepted > self.limit or self.pruned or self.capped
        return ItineraryResult(itineraries, truncated, self.work)

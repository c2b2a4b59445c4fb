"""The indexed search finds exactly the best itineraries a plain enumeration finds.

Property tests on small generated networks (real airports and time zones,
dates around daylight-saving changes, random rules, windows and preferred
airlines), and a fixed sample of queries on the dev network.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from farebridge.domain.places import Airport, PlaceDirectory, great_circle_km
from farebridge.domain.search import SliceRequest, TimeWindow
from farebridge.places_data import load_places
from farebridge.providers.sandbox.search.engine import (
    ConnectionRules,
    ItineraryResult,
    SliceQuery,
    search_itineraries,
    slice_query,
)
from farebridge.providers.sandbox.search.exhaustive import exhaustive_itineraries
from farebridge.providers.sandbox.world.aircraft import aircraft_types
from farebridge.providers.sandbox.world.local_time import zone_clock
from farebridge.providers.sandbox.world.network import (
    EVERY_DAY,
    Network,
    SchedulePattern,
    materialise,
)
from tests.unit.sandbox.conftest import airline
from tests.unit.sandbox.itinerary_checks import check_rules

AIRPORTS = ("LHR", "CDG", "FRA", "MAD", "JFK", "BOS", "ORD", "SYD", "AKL", "SCL", "DXB", "NRT")
CARRIERS = ("BA", "AA", "IB", "LH", "UA", "EK", "FR", "LM")  # LM: a regional, interlining
# Days around clock changes: US 14 Mar, EU 28 Mar, AU/NZ/CL 4 Apr, EU 31 Oct, US 7 Nov 2027.
DAYS = [
    date(2026, 12, 15),
    *(date(2027, 3, 13) + timedelta(days=n) for n in range(3)),
    *(date(2027, 3, 27) + timedelta(days=n) for n in range(3)),
    *(date(2027, 4, 3) + timedelta(days=n) for n in range(3)),
    *(date(2027, 10, 30) + timedelta(days=n) for n in range(3)),
    *(date(2027, 11, 6) + timedelta(days=n) for n in range(3)),
]


def _same_best(fast: ItineraryResult, slow: ItineraryResult) -> None:
    assert [i.key for i in fast.itineraries] == [i.key for i in slow.itineraries]
    assert fast.itineraries == slow.itineraries
    assert fast.truncated or not slow.truncated


@st.composite
def _patterns(
    draw: st.DrawFn, airports: list[Airport], numbers: dict[str, int]
) -> list[SchedulePattern]:
    """Random flights between the airports."""
    every_day = st.just(EVERY_DAY)
    patterns = []
    for _ in range(draw(st.integers(5, 80))):
        origin, destination = draw(st.permutations(airports))[:2]
        patterns.append(
            _pattern(
                draw(st.sampled_from(CARRIERS)),
                numbers,
                (origin, destination),
                departure_minute=draw(st.integers(0, 287)) * 5,
                block_minutes=draw(st.integers(6, 200)) * 5,
                weekdays=draw(every_day | st.frozensets(st.integers(0, 6), min_size=1)),
            )
        )
    return patterns


@st.composite
def _planted(
    draw: st.DrawFn,
    airports: list[Airport],
    ends: tuple[Airport, Airport],
    day: date,
    numbers: dict[str, int],
) -> list[SchedulePattern]:
    """Chains of flights from one end to the other, each connecting on ``day`` (give or
    take the rules), so that itineraries with connections are common."""
    middle = [a for a in airports if a not in ends]
    patterns = []
    for _ in range(draw(st.integers(0, 3))):
        stops = draw(st.permutations(middle))[: draw(st.sampled_from((0, 1, 2, 2)))]
        family = draw(st.sampled_from((("BA", "AA", "IB"), ("LH", "UA"), ("FR",), ("LM", "BA"))))
        clock = zone_clock(ends[0].time_zone)
        instant = clock.departure(day.toordinal(), draw(st.integers(0, 287)) * 5)
        for here, there in itertools.pairwise([ends[0], *stops, ends[1]]):
            block = draw(st.integers(6, 200)) * 5
            minute = zone_clock(here.time_zone).local_minute(instant)
            patterns.append(
                _pattern(draw(st.sampled_from(family)), numbers, (here, there), minute, block)
            )
            instant += block + draw(st.integers(4, 60)) * 5
    return patterns


def _pattern(
    code: str,
    numbers: dict[str, int],
    ends: tuple[Airport, Airport],
    departure_minute: int,
    block_minutes: int,
    weekdays: frozenset[int] = EVERY_DAY,
) -> SchedulePattern:
    numbers[code] += 1
    return SchedulePattern(
        airline=airline(code),
        number=numbers[code],
        origin=ends[0],
        destination=ends[1],
        departure_minute=departure_minute,
        block_minutes=block_minutes,
        aircraft=aircraft_types()["320" if numbers[code] % 3 else "AT7"],
        weekdays=weekdays,
        distance_km=great_circle_km(*ends),
    )


@st.composite
def _window(draw: st.DrawFn) -> TimeWindow | None:
    """Mostly none; else a window, now and then one with seconds or upside down."""
    if draw(st.integers(0, 2)):
        return None
    start, end = sorted(draw(st.lists(st.times(), min_size=2, max_size=2)))
    upside_down = draw(st.integers(0, 5)) == 0
    return TimeWindow(end, start) if upside_down else TimeWindow(start, end)


@st.composite
def _rules(draw: st.DrawFn, airports: list[Airport]) -> ConnectionRules:
    minutes = st.sampled_from((20, 45, 90, 150))
    published = draw(st.sampled_from(airports)).iata_code
    return ConnectionRules(
        domestic_mct_minutes=draw(minutes),
        international_mct_minutes=draw(minutes),
        max_layover_minutes=draw(st.sampled_from((120, 360, 900, 1800, 2880))),
        max_detour=draw(st.sampled_from((1.1, 1.9, 4.0, 100.0, 100.0))),
        connection_share=draw(st.sampled_from((0.0, 0.25, 0.25, 0.5))),
        mct_overrides={published: (draw(minutes), draw(minutes))},
    )


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Network, SliceQuery, ConnectionRules, int]:
    places = load_places()
    codes = draw(st.lists(st.sampled_from(AIRPORTS), min_size=4, max_size=6, unique=True))
    airports = [a for a in map(places.airport, codes) if a is not None]
    # mostly one airport each way (a city code now and then), apart (overlapping now and then)
    ends = draw(st.permutations(airports))
    origins = ends[: draw(st.sampled_from((1, 1, 1, 2)))]
    destinations = ends[-draw(st.sampled_from((1, 1, 1, 2))) :]
    if draw(st.integers(0, 9)) == 0:
        destinations = [*destinations, origins[0]]
    day = draw(st.sampled_from(DAYS))
    numbers = dict.fromkeys(CARRIERS, 0)
    patterns = draw(_patterns(airports, numbers))
    patterns += draw(_planted(airports, (origins[0], destinations[0]), day, numbers))
    query = SliceQuery(
        origins=tuple(origins),
        destinations=tuple(destinations),
        departure_on=day,
        max_connections=draw(st.sampled_from((0, 1, 2, 2, 2))),
        departure_time=draw(_window()),
        arrival_time=draw(_window()),
        preferred_airlines=draw(st.just(frozenset()) | st.frozensets(st.sampled_from(CARRIERS))),
        earliest_departure_minute=draw(
            st.none()
            | st.integers(0, 1440).map(
                lambda m: zone_clock(origins[0].time_zone).departure(day.toordinal(), 0) + m
            )
        ),
    )
    network = Network(patterns, seed=0)
    return network, query, draw(_rules(airports)), draw(st.integers(1, 15))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases())
def test_search_finds_what_the_enumerator_finds(
    case: tuple[Network, SliceQuery, ConnectionRules, int],
) -> None:
    network, query, rules, limit = case
    fast = search_itineraries(network, query, rules=rules, limit=limit)
    slow = exhaustive_itineraries(network, query, rules=rules, limit=limit)
    _same_best(fast, slow)
    for itinerary in fast.itineraries:
        check_rules(itinerary, query, rules)


def test_the_world_network_matches_the_enumerator(places: PlaceDirectory, network: Network) -> None:
    rng = random.Random(20_261_215)
    codes = [*sorted(network.airports()), "LON", "NYC", "PAR", "TYO", "MIL"]
    for _ in range(25):
        origin, destination = rng.sample(codes, 2)
        request = SliceRequest(
            origin,
            destination,
            date(2026, 12, 1) + timedelta(days=rng.randrange(300)),
            departure_time=rng.choice((None, TimeWindow(time(6), time(12, 30)))),
            arrival_time=rng.choice((None, None, TimeWindow(time(14), time(23, 59)))),
        )
        preferred = rng.choice(((), (), ("BA", "AA", "IB"), ("LH",)))
        query = slice_query(
            places, request, max_connections=rng.choice((0, 1, 2, 2)), preferred_airlines=preferred
        )
        limit = rng.choice((5, 50))
        _same_best(
            search_itineraries(network, query, limit=limit),
            exhaustive_itineraries(network, query, limit=limit),
        )


def test_local_times_agree_with_materialised_flights(network: Network) -> None:
    """Across clock changes, the search's integer clock matches ``materialise``."""
    for pattern in network.patterns[:: max(1, len(network.patterns) // 400)]:
        clock = zone_clock(pattern.origin.time_zone)
        for day in (date(2027, 3, 14), date(2027, 3, 28), date(2027, 10, 31), date(2027, 4, 4)):
            flight = materialise(pattern, day)
            departure = clock.departure(day.toordinal(), pattern.departure_minute)
            assert departure == flight.departure_minute
            local = flight.departing_at
            assert clock.local_minute(departure) == local.hour * 60 + local.minute

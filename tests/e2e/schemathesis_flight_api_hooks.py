"""schemathesis hooks for the flight_api dialect (named by ``schemathesis_flight_api.toml``).

Rules JSON Schema cannot state, which the dialect rightly enforces with a 400 naming
the field, as seed 002's Django API does (tests/e2e/test_flight_api_*.py check them):

- ``GET /flights``: a place (origin, destination) is a city or an airport the
  reference data knows, like an id that must exist; a price filter needs a seat class,
  a route and a day; a round trip needs a route and a return date, not before the
  departure. A call is brought within them (London to New York, in a month, back a
  week later, in economy);
- ``POST /book/{flight_id}`` (and ``/book_flight/…``): the flights depart from today
  on: a well-formed date becomes one in a month (the return a week later);
- ``POST /register``: the confirmation repeats the password, and a username or an
  email is not already taken (as an id that must not exist yet): each call's are made
  new.

Every call stays otherwise as generated; texts holding card numbers lose their digits
(``schemathesis_rules.without_card_numbers``).
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis

from farebridge.api.dialects.flight_api.schemas import DAY
from tests.e2e.schemathesis_rules import (
    ADULT_AGE,
    CHILD_MIN_AGE,
    PLACES,
    without_card_numbers,
)

FRESH = itertools.count(1)
BOOKINGS = frozenset({"/book/{flight_id}", "/book_flight/{flight_id}"})
WELL_FORMED = re.compile(DAY)
CITIES = {city.lower() for city in (a.city_name for a in PLACES.airports().values())}


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    case.body = without_card_numbers(case.body)
    if case.operation.path == "/flights" and isinstance(case.query, dict):
        _search_within_bounds(case.query)
    if case.operation.path in BOOKINGS and isinstance(case.body, dict):
        departure = datetime.now(UTC).date() + timedelta(days=30)
        for name, day in (
            ("flight_dep_date", departure),
            ("return_flight_dep_date", departure + timedelta(days=7)),
        ):
            if isinstance(case.body.get(name), str) and WELL_FORMED.match(case.body[name]):
                case.body[name] = day.strftime("%d-%m-%Y")
        _infants_with_adults(case.body.get("passengers"))
    if case.operation.path == "/register" and isinstance(case.body, dict):
        body = case.body
        if isinstance(body.get("password"), str) and "confirmation" in body:
            body["confirmation"] = body["password"]
        number = next(FRESH)
        if isinstance(body.get("username"), str) and body["username"].strip():
            body["username"] = f"fuzz{number}"
        if isinstance(body.get("email"), str):
            body["email"] = f"fuzz{number}@test.com"


def _search_within_bounds(query: dict[str, Any]) -> None:
    for name, stand_in in (("origin", "LON"), ("destination", "NYC")):
        place = query.get(name)
        if isinstance(place, str) and place.strip() and not _known(place):
            query[name] = stand_in
    departure = datetime.now(UTC).date() + timedelta(days=30)
    if "price" in query:
        query.setdefault("seat_class", "ECONOMY")
        for name, value in (("origin", "LON"), ("destination", "NYC")):
            if not query.get(name):
                query[name] = value
        if not query.get("booking_date"):
            query["booking_date"] = departure.strftime("%d-%m-%Y")
    if query.get("round_trip") in (True, "true", "True"):
        for name, value in (("origin", "LON"), ("destination", "NYC")):
            if not query.get(name):
                query[name] = value
        query["booking_date"] = departure.strftime("%d-%m-%Y")
        query["return_date"] = (departure + timedelta(days=7)).strftime("%d-%m-%Y")
    origin, destination = query.get("origin"), query.get("destination")
    same = isinstance(origin, str) and isinstance(destination, str) and origin.strip()
    if same and str(origin).strip().lower() == str(destination).strip().lower():
        query["destination"] = "NYC" if str(origin).strip().upper() != "NYC" else "LON"


def _infants_with_adults(passengers: Any) -> None:
    """No more infants (under 2) than adults (18+): an infant too many is 30."""
    if not isinstance(passengers, list):
        return
    ages = [p for p in passengers if isinstance(p, dict) and isinstance(p.get("age"), int)]
    adults = sum(1 for p in ages if p["age"] >= ADULT_AGE)
    for person in (p for p in ages if p["age"] < CHILD_MIN_AGE):
        if adults > 0:
            adults -= 1
        else:
            person["age"] = 30


def _known(place: str) -> bool:
    """As services.timetable.airports_of: a code, a city name, or its last word(s)."""
    text = place.strip()
    if len(text) == 3 and PLACES.expand(text):
        return True
    wanted = text.lower()
    return any(city == wanted or city.endswith(" " + wanted) for city in CITIES)

"""schemathesis hooks for the flight_api dialect (named by ``schemathesis_flight_api.toml``).

Rules JSON Schema cannot state, which the dialect rightly enforces with a 400 naming
the field, as seed 002's Django API does (tests/e2e/test_flight_api_*.py check them):

- ``GET /flights``: a place (origin, destination) is a city or an airport the
  reference data knows, like an id that must exist; a price filter needs a seat class,
  a route and a day; a round trip needs a route and a return date, not before the
  departure. A call is brought within them (London to New York, in a month, back a
  week later, in economy);
- ``POST /book/{flight_id}`` (and ``/book_flight/…``): a flight of the timetable flies
  one route on some days, and a return flight flies it back: a flight id that could
  exist (a whole number) becomes a real trip's, its return flight the trip's way back,
  and well-formed dates the days they fly (``FAREBRIDGE_SCHEMATHESIS_TRIP``, found by
  test_schemathesis.py);
- ``POST /book/{flight_id}``: at most 30 kg of checked baggage over the free 15 kg,
  summed over the passengers (the seed's 400); passengers past that carry 15 kg;
  a coupon code names a coupon an administrator made (like an id that must exist; an
  unknown one is the seed's 400): the run books without one;
- ``POST /register``: the confirmation repeats the password, and a username or an
  email is not already taken (as an id that must not exist yet): each call's are made
  new.

Every call stays otherwise as generated; texts holding card numbers lose their digits
(``schemathesis_rules.without_card_numbers``).
"""

from __future__ import annotations

import itertools
import os
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import schemathesis

from farebridge.api.dialects.flight_api.schemas import DAY
from farebridge.domain.baggage_allowance import CHECKED_FREE_KG, EXCESS_MAX_KG
from farebridge.domain.search import ADULT_AGE, CHILD_MIN_AGE
from tests.e2e.schemathesis_rules import PLACES, without_card_numbers

FRESH = itertools.count(1)
# A round trip that flies: "out id,dd-mm-yyyy,back id,dd-mm-yyyy" (test_schemathesis.py
# finds it with GET /flights); a month ahead, JFK and back, when not given.
_AHEAD = datetime.now(UTC).date() + timedelta(days=30)
TRIP = (
    os.environ.get("FAREBRIDGE_SCHEMATHESIS_TRIP")
    or f"1,{_AHEAD:%d-%m-%Y},2,{_AHEAD + timedelta(days=7):%d-%m-%Y}"
).split(",")
BOOKINGS = frozenset({"/book/{flight_id}", "/book_flight/{flight_id}"})
WELL_FORMED = re.compile(DAY)
CITIES = {city.lower() for city in (a.city_name for a in PLACES.airports().values())}


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    case.body = without_card_numbers(case.body)
    if case.operation.path == "/flights" and isinstance(case.query, dict):
        _search_within_bounds(case.query)
    if case.operation.path in BOOKINGS and isinstance(case.body, dict):
        _a_flight_that_flies(case)
        for name, day in (("flight_dep_date", TRIP[1]), ("return_flight_dep_date", TRIP[3])):
            if isinstance(case.body.get(name), str) and WELL_FORMED.match(case.body[name]):
                case.body[name] = day
        _infants_with_adults(case.body.get("passengers"))
        _excess_within_allowance(case.body.get("passengers"))
        if case.body.get("coupon_code"):
            case.body["coupon_code"] = None
    if case.operation.path == "/register" and isinstance(case.body, dict):
        body = case.body
        if isinstance(body.get("password"), str) and "confirmation" in body:
            body["confirmation"] = body["password"]
        number = next(FRESH)
        if isinstance(body.get("username"), str) and body["username"].strip():
            body["username"] = f"fuzz{number}"
        if isinstance(body.get("email"), str):
            body["email"] = f"fuzz{number}@test.com"


def _a_flight_that_flies(case: Any) -> None:
    """A flight id of the timetable (a whole number) becomes the trip's flight, and a
    return flight its way back: any other would fly another route or on other days."""
    path = case.path_parameters
    if isinstance(path, dict) and str(path.get("flight_id", "")).isdigit():
        path["flight_id"] = TRIP[0]
    back = case.body.get("return_flight")
    if isinstance(back, int) and not isinstance(back, bool):
        case.body["return_flight"] = int(TRIP[2])


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


def _excess_within_allowance(passengers: Any) -> None:
    """At most 30 kg of checked baggage over the free 15 kg, summed over the booking's
    passengers: passengers past that carry only the free allowance."""
    if not isinstance(passengers, list):
        return
    excess = Decimal(0)
    for person in (p for p in passengers if isinstance(p, dict)):
        checked = person.get("check_in_baggage")
        if not isinstance(checked, int | float) or isinstance(checked, bool):
            continue
        over = max(Decimal(0), Decimal(str(checked)) - CHECKED_FREE_KG)
        if excess + over > EXCESS_MAX_KG:
            person["check_in_baggage"] = float(CHECKED_FREE_KG)
        else:
            excess += over


def _known(place: str) -> bool:
    """As services.timetable.airports_of: a code, a city name, or its last word(s)."""
    text = place.strip()
    if len(text) == 3 and PLACES.expand(text):
        return True
    wanted = text.lower()
    return any(city == wanted or city.endswith(" " + wanted) for city in CITIES)

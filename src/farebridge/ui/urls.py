"""The address of each step (ADR 0035): what the site shows is written in the URL's
query, so that a reload, a shared link, Back and Forward all land on the same step.

``?step=results&from=NYC&to=LON&depart=2027-01-20&return=2027-01-27&adults=2&cabin=economy``
is a search anyone can open; ``search``, ``offer``, ``draft`` and ``order`` name the
API's objects of the steps after it (a draft only opens for its owner). ``?step=trips``
and ``?step=manage`` are My trips and Manage booking. The results' sort and filters
are there too when they are not the defaults
(``&sort=best&max_stops=0&max_price=400.00&airline=BA&airline=AA&hours=6-20``), so a
reload or a shared link shows the same list.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from farebridge.ui.state import Criteria, Filters, Journey, Leg, Results, Step

STEP_NAMES = {
    "search": Step.SEARCH,
    "results": Step.SELECT,
    "offer": Step.SELECT,
    "passengers": Step.PASSENGERS,
    "extras": Step.EXTRAS,
    "pay": Step.PAY,
    "confirmation": Step.CONFIRMATION,
}
BOOK = "Book a flight"
PAGE_STEPS = {"My trips": "trips", "Manage booking": "manage"}  # pages beside the booking
CABINS = ("economy", "premium_economy", "business", "first")
SORTS = ("total_amount", "total_duration", "best")  # the first is the default
MAX_STOPS = (0, 1)  # the results' stops filter beside "any" (the search's own is ``stops``)
NO_FILTERS: Filters = (SORTS[0], None, None, (), (0, 24))
Query = dict[str, str | list[str]]
# Every parameter the pages write (the search, its sort and filters, the API's objects).
JOURNEY_KEYS = frozenset(
    {
        *("step", "from", "to", "depart", "return", "adults", "children", "infants"),
        *("cabin", "stops", "flex", "currency", "search", "sort", "max_stops"),
        *("max_price", "airline", "hours", "offer", "draft", "order"),
    }
)


def step_name(journey: Journey) -> str:
    if journey.step == Step.SELECT:
        return "offer" if journey.offer is not None else "results"
    return next(name for name, step in STEP_NAMES.items() if step == journey.step)


def criteria_query(criteria: Criteria) -> Query:
    """The search as URL parameters: a link that reproduces it for anyone."""
    legs = criteria.legs
    query: Query = {}
    is_return = (
        len(legs) == 2
        and legs[1].origin == legs[0].destination
        and legs[1].destination == legs[0].origin
    )
    if is_return:
        query.update(
            {
                "from": legs[0].origin,
                "to": legs[0].destination,
                "depart": legs[0].departure_date.isoformat(),
                "return": legs[1].departure_date.isoformat(),
            }
        )
    else:
        query["from"] = [leg.origin for leg in legs]
        query["to"] = [leg.destination for leg in legs]
        query["depart"] = [leg.departure_date.isoformat() for leg in legs]
    query.update(
        {
            "adults": str(criteria.adults),
            "children": str(criteria.children),
            "infants": str(criteria.infants),
            "cabin": criteria.cabin_class,
            "stops": str(criteria.max_connections),
            "flex": str(criteria.flexible_days),
        }
    )
    if criteria.currency:
        query["currency"] = criteria.currency
    return query


def journey_query(journey: Journey) -> Query:
    """Everything the URL should say about where the traveller is."""
    query: Query = {"step": step_name(journey)}
    if journey.criteria is not None and journey.step >= Step.SELECT:
        query.update(criteria_query(journey.criteria))
    if journey.offer_request is not None and journey.step >= Step.SELECT:
        query["search"] = journey.offer_request["id"]
    if journey.step == Step.SELECT:
        query.update(filters_query(journey.results))
    if journey.offer is not None and Step.SELECT <= journey.step < Step.CONFIRMATION:
        query["offer"] = journey.offer["id"]
    if journey.draft_id is not None and Step.PASSENGERS <= journey.step < Step.CONFIRMATION:
        query["draft"] = journey.draft_id
    if journey.order is not None and journey.step == Step.CONFIRMATION:
        query["order"] = journey.order["id"]
    return query


def filters_query(results: Results) -> Query:
    """The results' sort and filters that are not the defaults, as URL parameters."""
    sort, stops, max_price, airlines, (earliest, latest) = results.filters()
    query: Query = {}
    if sort != SORTS[0]:
        query["sort"] = sort
    if stops is not None:
        query["max_stops"] = str(stops)
    if max_price is not None:
        query["max_price"] = max_price
    if airlines:
        query["airline"] = list(airlines)
    if (earliest, latest) != (0, 24):
        query["hours"] = f"{earliest}-{latest}"
    return query


def filters_from(params: Mapping[str, Any]) -> Filters:
    """The sort and filters an address names; what it does not name, or names wrongly
    (an edited link), is the default."""
    sort = one(params, "sort")
    stops = one(params, "max_stops")
    max_stops = int(stops) if stops in {str(n) for n in MAX_STOPS} else None
    codes = {c.strip().upper() for c in _all(params, "airline")}
    airlines = tuple(sorted(c for c in codes if len(c) == 2 and c.isalnum()))
    return (
        sort if sort in SORTS else SORTS[0],
        max_stops,
        _price(one(params, "max_price")),
        airlines,
        _hours(one(params, "hours")),
    )


def _price(value: str | None) -> str | None:
    try:
        amount = Decimal(value or "")
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount >= 10**9:
        return None
    return str(amount.quantize(Decimal("0.01")))


def _hours(value: str | None) -> tuple[int, int]:
    earliest, _, latest = (value or "").partition("-")
    if not (earliest.isdigit() and latest.isdigit()):
        return (0, 24)
    first, last = int(earliest), int(latest)
    return (first, last) if 0 <= first < last <= 24 else (0, 24)


def _all(params: Mapping[str, Any], name: str) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _count(params: Mapping[str, Any], name: str, low: int, high: int, default: int) -> int:
    values = _all(params, name)
    try:
        number = int(values[0]) if values else default
    except ValueError:
        return default
    return min(max(number, low), high)


def _code(value: str) -> str | None:
    code = value.strip().upper()
    return code if len(code) == 3 and code.isalpha() else None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def criteria_from(params: Mapping[str, Any]) -> Criteria | None:
    """The search a URL names, or None when it names none (or not a whole one)."""
    origins, destinations = _all(params, "from"), _all(params, "to")
    departs = _all(params, "depart")
    if not origins or len(origins) != len(destinations) or len(origins) != len(departs):
        return None
    legs = []
    for origin, destination, depart in zip(origins, destinations, departs, strict=True):
        start, end, on = _code(origin), _code(destination), _day(depart)
        if start is None or end is None or on is None:
            return None
        legs.append(Leg(start, end, on))
    back = _all(params, "return")
    if back and len(legs) == 1:
        on = _day(back[0])
        if on is None:
            return None
        legs.append(Leg(legs[0].destination, legs[0].origin, on))
    cabin = (_all(params, "cabin") or ["economy"])[0]
    currency = (_all(params, "currency") or [""])[0].upper()
    return Criteria(
        legs[:6],
        adults=_count(params, "adults", 1, 9, 1),
        children=_count(params, "children", 0, 8, 0),
        infants=_count(params, "infants", 0, 4, 0),
        cabin_class=cabin if cabin in CABINS else "economy",
        max_connections=_count(params, "stops", 0, 2, 1),
        currency=currency if len(currency) == 3 and currency.isalpha() else None,
        flexible_days=_count(params, "flex", 0, 3, 0),
    )


def page_from(params: Mapping[str, Any]) -> str:
    """The page an address shows: My trips (``?step=trips``), Manage booking
    (``?step=manage``), else the booking."""
    name = (_all(params, "step") or [""])[0]
    return next((page for page, step in PAGE_STEPS.items() if step == name), BOOK)


def step_from(params: Mapping[str, Any]) -> str:
    name = (_all(params, "step") or ["search"])[0]
    return name if name in STEP_NAMES else "search"


def one(params: Mapping[str, Any], name: str) -> str | None:
    values = _all(params, name)
    return values[0] if values and values[0] else None

"""The timetable: the paginated catalogue, or the departing and returning flights
that meet the query's filters (seed 002's ``GET /flights``)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Annotated

from fastapi import Query, Request

from farebridge.api import ratelimit
from farebridge.api.deps import ServicesDep
from farebridge.api.dialects.flight_api import present
from farebridge.api.dialects.flight_api.errors import FlightApiError, responses
from farebridge.api.dialects.flight_api.schemas import DAY, FlightLists, FlightOut, FlightPage
from farebridge.api.dialects.flight_api.session import SessionUser
from farebridge.api.routing import APIRouter
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.timetable import FlightQuery
from farebridge.services import scheduled_bookings, timetable
from farebridge.services.ports import Dependencies

router = APIRouter(tags=["flights"])
PAGE_SIZE = 10
FILTERS = (
    "round_trip",
    "origin",
    "destination",
    "flight_number",
    "booking_date",
    "return_date",
    "seat_class",
    "airlines",
    "departure_timing",
    "price",
)
SEAT_CLASSES = {
    "ECONOMY": CabinClass.ECONOMY,
    "PREMIUM_ECONOMY": CabinClass.PREMIUM_ECONOMY,
    "BUISNESS": CabinClass.BUSINESS,  # the seed's spelling
    "BUSINESS": CabinClass.BUSINESS,
    "FIRST_CLASS": CabinClass.FIRST,
}
# Named departure slots (local time at the origin), besides "HH:MM" and "HH:MM-HH:MM".
TIMINGS = {
    "EARLY_MORNING": (time(0, 0), time(5, 59, 59)),
    "MORNING": (time(6, 0), time(11, 59, 59)),
    "AFTERNOON": (time(12, 0), time(17, 59, 59)),
    "EVENING": (time(18, 0), time(23, 59, 59)),
}
# What _timing reads (documented in upper case, without seconds).
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]"
TIMING = rf"^({'|'.join(TIMINGS)}|{_CLOCK}(-{_CLOCK})?)$"
SEAT_CLASS_WITH_PRICE = "seat class must be their with price filter.."
PRICE_NEEDS_A_ROUTE = (
    "the price filter needs origin, destination and booking_date: fares are priced for a day"
)


def _bad(message: str) -> FlightApiError:
    return FlightApiError(400, message)


def _day(text: str | None, name: str) -> date | None:
    return None if text is None else parse_day(text, name)


def parse_day(text: str, name: str) -> date:
    """A date in the seed's dd-mm-yyyy format; 400 naming ``name`` otherwise."""
    try:
        day, month, year = (int(part) for part in text.strip().split("-"))
        if year < 1000:
            raise ValueError(year)
        return date(year, month, day)
    except ValueError:
        raise _bad(f"{name} must be a date in dd-mm-yyyy format, e.g. 12-11-2023") from None


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise _bad(
            "departure_timing must be HH:MM, HH:MM-HH:MM or one of " + ", ".join(TIMINGS)
        ) from None


def _timing(text: str | None) -> tuple[time, time] | None:
    if text is None:
        return None
    named = TIMINGS.get(text.strip().upper())
    if named is not None:
        return named
    start, _, end = text.partition("-")
    first = _clock(start)
    return (first, _clock(end) if end else first)


def _cabin(text: str | None) -> CabinClass | None:
    if text is None:
        return None
    cabin = SEAT_CLASSES.get(text.strip().upper())
    if cabin is None:
        raise _bad("seat_class must be one of " + ", ".join(SEAT_CLASSES))
    return cabin


def _page_url(request: Request, page: int | None) -> str | None:
    return None if page is None else str(request.url.include_query_params(page=page))


# The most flights one list of a filtered answer holds (the catalogue is paginated).
MAX_LISTED = 500


@router.get("/flights", responses=responses(403, 404))
def list_flights(
    request: Request,
    services: ServicesDep,
    user: SessionUser,
    page: Annotated[int, Query(ge=1)] = 1,
    round_trip: bool | None = None,
    origin: Annotated[str | None, Query(max_length=50)] = None,
    destination: Annotated[str | None, Query(max_length=50)] = None,
    flight_number: Annotated[str | None, Query(max_length=8)] = None,
    booking_date: Annotated[
        str | None, Query(examples=["12-11-2023"], json_schema_extra={"pattern": DAY})
    ] = None,
    return_date: Annotated[
        str | None, Query(examples=["18-11-2023"], json_schema_extra={"pattern": DAY})
    ] = None,
    seat_class: Annotated[
        str | None, Query(max_length=15, json_schema_extra={"enum": list(SEAT_CLASSES)})
    ] = None,
    airlines: Annotated[str | None, Query(max_length=50)] = None,
    departure_timing: Annotated[
        str | None,
        Query(examples=["MORNING", "06:00-11:59"], json_schema_extra={"pattern": TIMING}),
    ] = None,
    price: Annotated[
        float | None,
        Query(
            gt=0,
            description="At most this fare for one adult in seat_class on booking_date "
            "(the cheapest fare of the flight that day, in the account's currency)",
        ),
    ] = None,
) -> FlightPage | FlightLists:
    """No filter: the paginated catalogue; any filter: the departing and returning flights,
    unpaginated as in seed 002, at most the first 500 of each (timetable order): a filter
    without a route (``departure_timing`` alone) would otherwise list the whole world's
    timetable in one answer. Narrow with origin, destination or booking_date."""
    if not any(name in request.query_params for name in FILTERS):
        return _catalogue(request, services, page)
    if price is not None:
        if seat_class is None:
            raise _bad(SEAT_CLASS_WITH_PRICE)
        if not (origin and destination and booking_date):
            raise _bad(PRICE_NEEDS_A_ROUTE)
        ratelimit.hit(request, "search", user)  # it prices the day's flights
    cabin = _cabin(seat_class)
    window = _timing(departure_timing)
    leaving_on = _day(booking_date, "booking_date")
    returning_on = _day(return_date, "return_date")
    origins = timetable.airports_of(services, origin, field="origin") if origin else None
    ends = (
        timetable.airports_of(services, destination, field="destination") if destination else None
    )
    departing = FlightQuery(
        origin=origins,
        destination=ends,
        designator=flight_number,
        on=leaving_on,
        airline=airlines,
        departing_between=window,
        cabin=cabin,
    )
    returning: list[FlightOut] = []
    if round_trip:
        if origins is None or ends is None or returning_on is None:
            raise _bad("a round trip needs origin, destination and return_date")
        if leaving_on is not None and returning_on < leaving_on:
            raise _bad("return_date must not be before booking_date")
        back = FlightQuery(origin=ends, destination=origins, on=returning_on, airline=airlines)
        returning = [present.flight(f) for f in timetable.find_flights(services, back)[:MAX_LISTED]]
    flights = timetable.find_flights(services, departing)
    if price is not None and cabin is not None and leaving_on is not None:
        fares = scheduled_bookings.cheapest_fares(
            services, user=user, flights=flights, day=leaving_on, cabin=cabin
        )
        limit = Decimal(str(price))
        flights = [f for f in flights if f.number in fares and fares[f.number].amount <= limit]
    found = [present.flight(f) for f in flights[:MAX_LISTED]]
    return FlightLists(departing_flights=found, returning_flights=returning)


def _catalogue(request: Request, services: Dependencies, page: int) -> FlightPage:
    count, flights = timetable.list_flights(
        services, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    if not flights and page > 1:
        raise FlightApiError(404, "Invalid page.", key="detail")
    last = (count + PAGE_SIZE - 1) // PAGE_SIZE
    return FlightPage(
        count=count,
        next=_page_url(request, page + 1 if page < last else None),
        previous=_page_url(request, page - 1 if page > 1 else None),
        result=[present.flight(f) for f in flights],
    )

"""Places, offer requests, offers, seat maps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, Query
from pydantic import WithJsonSchema

from farebridge.api.deps import OptionalUser, Scenarios, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.offers import (
    CalendarResponse,
    CreatedOfferRequestResponse,
    FareRulesResponse,
    OfferListResponse,
    OfferRequestResponse,
    OfferResponse,
)
from farebridge.api.dialects.native.models.orders import PriceResponse
from farebridge.api.dialects.native.models.places import PlaceListResponse
from farebridge.api.dialects.native.models.seatmaps import SeatMapListResponse
from farebridge.api.dialects.native.presenters.offers import (
    present_calendar_day,
    present_fare_rules,
    present_offer,
    present_offer_page,
    present_offer_request,
    present_offer_request_with_offers,
)
from farebridge.api.dialects.native.presenters.orders import present_price
from farebridge.api.dialects.native.presenters.places import present_place
from farebridge.api.dialects.native.presenters.seatmaps import present_seat_map
from farebridge.api.dialects.native.schemas import (
    LocalTime,
    OfferRequestBody,
    PriceBody,
    TimeWindowBody,
)
from farebridge.api.openapi import SELLING_CURRENCY
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter
from farebridge.api.schema_rules import calendar_date
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.search import (
    OfferPassenger,
    PassengerType,
    SearchCriteria,
    SliceRequest,
    TimeWindow,
)
from farebridge.services import search
from farebridge.services.currencies import preferred_currencies
from farebridge.services.ports import OfferFilter, PageRequest

router = APIRouter(tags=["search"])
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/places/suggestions", responses=responses())
def suggest_places(
    services: ServicesDep, query: Annotated[str, Query(min_length=2, max_length=60)]
) -> PlaceListResponse:
    """Airports and multi-airport cities matching a name or code."""
    found = services.places.suggest(query)
    return PlaceListResponse.model_construct(
        data=[present_place(p, services.places) for p in found]
    )


def _window(body: TimeWindowBody | None) -> TimeWindow | None:
    return TimeWindow(body.from_, body.to) if body else None


def _criteria(body: OfferRequestBody) -> SearchCriteria:
    passengers = tuple(
        OfferPassenger(new_id("pas"), p.type or PassengerType.for_age(p.age or 0), p.age)
        for p in body.passengers
    )
    slices = tuple(
        SliceRequest(
            s.origin,
            s.destination,
            s.departure_date,
            _window(s.departure_time),
            _window(s.arrival_time),
        )
        for s in body.slices
    )
    return SearchCriteria(
        slices,
        passengers,
        body.cabin_class,
        body.max_connections,
        tuple(body.preferred_airlines),
        flexible_days=body.flexible_days,
    )


@router.post(
    "/offer-requests",
    status_code=201,
    dependencies=[Depends(limit("search"))],
    responses=responses(401, 429),
)
def create_offer_request(
    body: OfferRequestBody,
    services: ServicesDep,
    user: OptionalUser,
    scenarios: Scenarios,
    return_offers: bool = False,
) -> CreatedOfferRequestResponse:
    """Start a search; offers fill in in the background (``return_offers=true`` waits)."""
    criteria, currency = _criteria(body), body.currency
    if not return_offers:
        request = search.create_offer_request(
            services, user=user, criteria=criteria, scenarios=scenarios, currency=currency
        )
        return CreatedOfferRequestResponse.model_construct(
            data=present_offer_request(request, services.places)
        )
    request, offers = search.search_here(
        services, user=user, criteria=criteria, scenarios=scenarios, currency=currency, limit=50
    )
    return CreatedOfferRequestResponse.model_construct(
        data=present_offer_request_with_offers(
            request, services.places, offers, preferred_currencies(services)
        )
    )


@router.get("/offer-requests/{offer_request_id}", responses=responses(401, 404))
def get_offer_request(
    offer_request_id: str, services: ServicesDep, user: OptionalUser, wait: bool = False
) -> OfferRequestResponse:
    """A search and its progress (``status`` pending → complete | failed)."""
    request = search.get_offer_request(services, user=user, request_id=offer_request_id, wait=wait)
    airlines = search.offer_airlines(services, user=user, request_id=request.id)
    return OfferRequestResponse.model_construct(
        data=present_offer_request(request, services.places, airlines)
    )


@router.get("/offer-requests/{offer_request_id}/calendar", responses=responses(401, 404))
def get_offer_calendar(
    offer_request_id: str, services: ServicesDep, user: OptionalUser
) -> CalendarResponse:
    """The cheapest offer per combination of departure dates searched (flexible dates)."""
    days = search.offer_calendar(services, user=user, request_id=offer_request_id)
    return CalendarResponse.model_construct(data=[present_calendar_day(day) for day in days])


def _dates(text: str | None) -> tuple[date, ...]:
    """``2027-01-14,2027-01-21`` → one date per slice."""
    try:
        return tuple(date.fromisoformat(part) for part in text.split(",")) if text else ()
    except ValueError as exc:
        raise ValidationFailed(
            "Give one date per slice, e.g. 2027-01-14,2027-01-21.",
            field="departure_dates",
            code="invalid_date",
        ) from exc


DAY = calendar_date()
DATES = rf"^{DAY}(,{DAY}){{0,5}}$"


@router.get("/offers", responses=responses(401, 404))
def list_offers(
    services: ServicesDep,
    user: OptionalUser,
    offer_request_id: str,
    sort: Annotated[
        Literal["total_amount", "total_duration", "best"],
        Query(
            description="best: price and duration together, an hour of travel counted as "
            "USD 30 in the search's currency"
        ),
    ] = "total_amount",
    max_price: Annotated[
        Decimal | None,
        Query(gt=0, le=10**12, description="In the search's currency"),
        WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 10**12}),
    ] = None,
    max_price_currency: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Z]{3}$",
            description="Optional; if sent, it must be the search's currency (400 otherwise)",
            json_schema_extra={SELLING_CURRENCY: True},
        ),
    ] = None,
    max_connections: Annotated[int | None, Query(ge=0, le=2)] = None,
    airlines: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z0-9]{2}(,[A-Za-z0-9]{2})*$", description="e.g. BA,AA"),
    ] = None,
    departure_time_from: Annotated[LocalTime | None, Query(description="local, e.g. 06:00")] = None,
    departure_time_to: Annotated[LocalTime | None, Query(description="local, e.g. 12:00")] = None,
    departure_dates: Annotated[
        str | None,
        Query(pattern=DATES, description="one per slice, e.g. 2027-01-14,2027-01-21"),
    ] = None,
    group_by: Annotated[
        Literal["itinerary"] | None,
        Query(description="itinerary: one row per itinerary, its cheapest fare brand"),
    ] = None,
    after: str | None = None,
    before: str | None = None,
    limit: Limit = 50,
) -> OfferListResponse:
    """Offers of a search, sorted and filtered in its currency, with cursor pagination."""
    filters = OfferFilter(
        sort=sort,
        max_price=max_price,
        max_price_currency=max_price_currency,
        max_connections=max_connections,
        airlines=tuple(code.upper() for code in airlines.split(",")) if airlines else (),
        departure_from=departure_time_from,
        departure_to=departure_time_to,
        departure_dates=_dates(departure_dates),
        one_per_itinerary=group_by == "itinerary",
    )
    page = search.list_offers(
        services,
        user=user,
        request_id=offer_request_id,
        filters=filters,
        page=PageRequest(after, before, limit),
    )
    return present_offer_page(page, preferred_currencies(services))


UPSTREAM = responses(401, 404, 503, 504)


@router.get("/offers/{offer_id}", responses=UPSTREAM)
def get_offer(
    offer_id: str, services: ServicesDep, user: OptionalUser, scenarios: Scenarios
) -> OfferResponse:
    """One offer, re-checked with the airline for price and availability."""
    offer = search.get_offer(services, user=user, offer_id=offer_id, scenarios=scenarios)
    return OfferResponse.model_construct(data=present_offer(offer, preferred_currencies(services)))


@router.post("/offers/{offer_id}/actions/price", responses=responses(401, 404, 409, 503, 504))
def price_offer(
    offer_id: str, body: PriceBody, services: ServicesDep, user: OptionalUser
) -> PriceResponse:
    """The amount due with these seats and bags, and seats assigned by preference (none held)."""
    priced = search.price_offer(
        services,
        user=user,
        offer_id=offer_id,
        services=[(service.id, service.quantity) for service in body.services],
        coupon_code=body.coupon_code,
        seat_preferences=[(p.id, p.seat_preference) for p in body.passengers],
    )
    return PriceResponse.model_construct(data=present_price(priced, preferred_currencies(services)))


@router.get("/offers/{offer_id}/fare-rules", responses=UPSTREAM)
def get_fare_rules(offer_id: str, services: ServicesDep, user: OptionalUser) -> FareRulesResponse:
    """The fare's rule sections (full-service) or a link to them (low-cost)."""
    rules = search.get_fare_rules(services, user=user, offer_id=offer_id)
    return FareRulesResponse.model_construct(data=present_fare_rules(rules))


@router.get("/offers/{offer_id}/seat-maps", responses=UPSTREAM)
def get_seat_maps(offer_id: str, services: ServicesDep, user: OptionalUser) -> SeatMapListResponse:
    """One seat map per segment, with per-passenger seat prices."""
    maps = search.get_seat_maps(services, user=user, offer_id=offer_id)
    return SeatMapListResponse.model_construct(data=[present_seat_map(m) for m in maps])

"""Places, offer requests, offers, seat maps."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from farebridge.api.deps import OptionalUser, ServicesDep
from farebridge.api.presenters import (
    airport_json,
    city_json,
    fare_rules_json,
    offer_json,
    offer_request_json,
    page_json,
    price_json,
    seat_map_json,
)
from farebridge.api.ratelimit import limit
from farebridge.api.schemas import OfferRequestBody, PriceBody, TimeWindowBody
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.places import City
from farebridge.domain.search import (
    OfferPassenger,
    PassengerType,
    SearchCriteria,
    SliceRequest,
    TimeWindow,
)
from farebridge.providers.base import requested_scenarios
from farebridge.services import search
from farebridge.services.ports import OfferFilter, PageRequest

router = APIRouter(tags=["search"])
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/places/suggestions")
def suggest_places(
    services: ServicesDep, query: Annotated[str, Query(min_length=2, max_length=60)]
) -> dict[str, Any]:
    """Airports and multi-airport cities matching a name or code."""
    found = services.places.suggest(query)
    return {
        "data": [
            city_json(p, services.places) if isinstance(p, City) else airport_json(p) for p in found
        ]
    }


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
        slices, passengers, body.cabin_class, body.max_connections, tuple(body.preferred_airlines)
    )


@router.post("/offer-requests", status_code=201, dependencies=[Depends(limit("search"))])
def create_offer_request(
    body: OfferRequestBody,
    services: ServicesDep,
    user: OptionalUser,
    return_offers: bool = False,
) -> dict[str, Any]:
    """Start a search; offers fill in in the background (``return_offers=true`` waits)."""
    request = search.create_offer_request(
        services, user=user, criteria=_criteria(body), scenarios=requested_scenarios.get()
    )
    data = offer_request_json(request, services.places)
    if return_offers:
        request = search.get_offer_request(services, user=user, request_id=request.id, wait=True)
        data = offer_request_json(request, services.places)
        page = search.list_offers(
            services,
            user=user,
            request_id=request.id,
            filters=OfferFilter(),
            page=PageRequest(limit=50),
        )
        data["offers"] = [offer_json(o) for o in page.items]
    return {"data": data}


@router.get("/offer-requests/{offer_request_id}")
def get_offer_request(
    offer_request_id: str, services: ServicesDep, user: OptionalUser, wait: bool = False
) -> dict[str, Any]:
    """A search and its progress (``status`` pending → complete | failed)."""
    request = search.get_offer_request(services, user=user, request_id=offer_request_id, wait=wait)
    airlines = search.offer_airlines(services, user=user, request_id=request.id)
    return {"data": offer_request_json(request, services.places, airlines)}


@router.get("/offers")
def list_offers(
    services: ServicesDep,
    user: OptionalUser,
    offer_request_id: str,
    sort: Literal["total_amount", "total_duration"] = "total_amount",
    max_price: Annotated[Decimal | None, Query(gt=0, max_digits=12, decimal_places=2)] = None,
    max_price_currency: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USD",
    max_connections: Annotated[int | None, Query(ge=0, le=2)] = None,
    airlines: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z0-9]{2}(,[A-Za-z0-9]{2})*$", description="e.g. BA,AA"),
    ] = None,
    departure_time_from: Annotated[time | None, Query(description="local, e.g. 06:00")] = None,
    departure_time_to: Annotated[time | None, Query(description="local, e.g. 12:00")] = None,
    after: str | None = None,
    before: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """Offers of a search, sorted and filtered, with cursor pagination."""
    filters = OfferFilter(
        sort=sort,
        max_price=Money(max_price, max_price_currency) if max_price is not None else None,
        max_connections=max_connections,
        airlines=tuple(code.upper() for code in airlines.split(",")) if airlines else (),
        departure_from=departure_time_from,
        departure_to=departure_time_to,
    )
    page = search.list_offers(
        services,
        user=user,
        request_id=offer_request_id,
        filters=filters,
        page=PageRequest(after, before, limit),
    )
    return page_json(page, offer_json)


@router.get("/offers/{offer_id}")
def get_offer(offer_id: str, services: ServicesDep, user: OptionalUser) -> dict[str, Any]:
    """One offer, re-checked with the airline for price and availability."""
    offer = search.get_offer(
        services, user=user, offer_id=offer_id, scenarios=requested_scenarios.get()
    )
    return {"data": offer_json(offer)}


@router.post("/offers/{offer_id}/actions/price")
def price_offer(
    offer_id: str, body: PriceBody, services: ServicesDep, user: OptionalUser
) -> dict[str, Any]:
    """The amount due for this offer with these seats and bags (nothing is reserved)."""
    priced = search.price_offer(
        services,
        user=user,
        offer_id=offer_id,
        services=[(service.id, service.quantity) for service in body.services],
    )
    return {"data": price_json(priced.offer, priced.services, priced.total)}


@router.get("/offers/{offer_id}/fare-rules")
def get_fare_rules(offer_id: str, services: ServicesDep, user: OptionalUser) -> dict[str, Any]:
    """The fare's rule sections (full-service) or a link to them (low-cost)."""
    rules = search.get_fare_rules(services, user=user, offer_id=offer_id)
    return {"data": fare_rules_json(rules)}


@router.get("/offers/{offer_id}/seat-maps")
def get_seat_maps(offer_id: str, services: ServicesDep, user: OptionalUser) -> dict[str, Any]:
    """One seat map per segment, with per-passenger seat prices."""
    maps = search.get_seat_maps(services, user=user, offer_id=offer_id)
    return {"data": [seat_map_json(m) for m in maps]}

"""Offer requests, offers, seat maps and place suggestions."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal

from fastapi import Depends, Query
from fastapi.responses import JSONResponse

from farebridge.api.deps import CurrentUser, Scenarios, ServicesDep
from farebridge.api.dialects.duffel import present
from farebridge.api.dialects.duffel.errors import responses
from farebridge.api.dialects.duffel.routes.common import Data, DataArray, DataList, Paging
from farebridge.api.dialects.duffel.schemas import OfferRequestBody, OfferRequestData
from farebridge.api.dialects.duffel.schemas import TimeWindow as TimeWindowBody
from farebridge.api.dialects.duffel.wire import data, page_of
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter
from farebridge.domain.errors import UpstreamUnavailable, ValidationFailed
from farebridge.domain.hygiene import REFUSED_IN_QUERY
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import OfferRequestStatus
from farebridge.domain.places import City
from farebridge.domain.search import (
    OfferPassenger,
    PassengerType,
    SearchCriteria,
    SliceRequest,
    TimeWindow,
)
from farebridge.services import search
from farebridge.services.ports import OfferFilter

router = APIRouter(tags=["search"])


def _window(given: TimeWindowBody | None) -> TimeWindow | None:
    if given is None:
        return None
    return TimeWindow(time.fromisoformat(given.from_), time.fromisoformat(given.to))


def _criteria(body: OfferRequestData) -> SearchCriteria:
    passengers = []
    for index, given in enumerate(body.passengers):
        if given.type is None and given.age is None:
            raise ValidationFailed(
                "A passenger needs a type or an age.",
                field=f"passengers[{index}]",
                code="validation_required",
            )
        kind = PassengerType(given.type) if given.type else PassengerType.for_age(given.age or 0)
        passengers.append(OfferPassenger(new_id("pas"), kind, given.age))
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
        slices, tuple(passengers), CabinClass(body.cabin_class), body.max_connections, ()
    )


@router.post(
    "/air/offer_requests",
    status_code=201,
    response_model=Data,
    dependencies=[Depends(limit("search"))],
    responses=responses(503, 504),
)
@router.post("/air/offer_requests/", status_code=201, include_in_schema=False)
def create_offer_request(
    body: OfferRequestBody,
    services: ServicesDep,
    user: CurrentUser,
    scenarios: Scenarios,
    return_offers: bool = True,
    supplier_timeout: Annotated[int | None, Query(ge=0)] = None,
) -> JSONResponse:
    """Search. The answer comes once the search is complete, so offers can be listed at
    once; ``return_offers=false`` leaves them out of this answer (list them with
    ``GET /air/offers``). ``supplier_timeout`` is accepted and ignored."""
    request, found = search.search_here(
        services,
        user=user,
        criteria=_criteria(body.data),
        scenarios=scenarios,
        currency=body.data.currency,
        limit=None if return_offers else 0,
    )
    if request.status is OfferRequestStatus.FAILED:
        raise UpstreamUnavailable(
            request.error_message or "The search failed.", code=request.error_code or None
        )
    offers = [present.offer(o, services.places) for o in found]
    shown = present.offer_request(request, services.places, offers)
    return JSONResponse(data(shown), status_code=201)


@router.get("/air/offer_requests/{offer_request_id}", response_model=Data, responses=responses(404))
def get_offer_request(
    offer_request_id: str, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    """A search with all its offers."""
    request = search.get_offer_request(services, user=user, request_id=offer_request_id)
    found = search.list_all_offers(services, user=user, request_id=request.id)
    offers = [present.offer(o, services.places) for o in found]
    return JSONResponse(data(present.offer_request(request, services.places, offers)))


@router.get("/air/offer_requests", response_model=DataList, responses=responses())
def list_offer_requests(
    services: ServicesDep,
    user: CurrentUser,
    paging: Paging,
) -> JSONResponse:
    """The caller's searches, newest first (without their offers)."""
    page = search.list_offer_requests(services, user=user, page=paging)
    shown = [present.offer_request(r, services.places, []) for r in page.items]
    return JSONResponse(page_of(shown, page))


@router.get("/air/offers", response_model=DataList, responses=responses(404))
def list_offers(
    services: ServicesDep,
    user: CurrentUser,
    offer_request_id: Annotated[str, Query(min_length=1, max_length=64)],
    paging: Paging,
    sort: Literal["total_amount", "total_duration"] | None = None,
    max_connections: Annotated[int | None, Query(ge=0, le=2)] = None,
) -> JSONResponse:
    """The offers of a search, a page at a time (cheapest first unless ``sort`` says)."""
    filters = OfferFilter(sort=sort or "total_amount", max_connections=max_connections)
    page = search.list_offers(
        services,
        user=user,
        request_id=offer_request_id,
        filters=filters,
        page=paging,
    )
    return JSONResponse(page_of([present.offer(o, services.places) for o in page.items], page))


@router.get("/air/offers/{offer_id}", response_model=Data, responses=responses(404, 503, 504))
def get_offer(
    offer_id: str,
    services: ServicesDep,
    user: CurrentUser,
    scenarios: Scenarios,
    return_available_services: bool = False,
) -> JSONResponse:
    """One offer, re-checked with the airline for its current price and availability."""
    offer = search.get_offer(services, user=user, offer_id=offer_id, scenarios=scenarios)
    shown = present.offer(offer, services.places, with_services=return_available_services)
    return JSONResponse(data(shown))


@router.get("/air/seat_maps", response_model=DataArray, responses=responses(404, 503, 504))
def get_seat_maps(
    services: ServicesDep,
    user: CurrentUser,
    offer_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> JSONResponse:
    """One seat map per segment of the offer; a seat with no ``available_services`` is taken."""
    maps = search.get_seat_maps(services, user=user, offer_id=offer_id)
    return JSONResponse(data([present.seat_map(m) for m in maps]))


# At least 2 characters besides surrounding spaces, none of them refused (hygiene).
SUGGESTION_TEXT = rf"^\s*[^\s{REFUSED_IN_QUERY}][^{REFUSED_IN_QUERY}]*[^\s{REFUSED_IN_QUERY}]\s*$"
SuggestionText = Annotated[
    str | None,
    Query(
        max_length=60,
        description="The start of a place's name or code; query or name is required",
        json_schema_extra={"pattern": SUGGESTION_TEXT},
    ),
]


@router.get("/places/suggestions", response_model=DataArray, responses=responses())
def suggest_places(
    services: ServicesDep,
    user: CurrentUser,
    query: SuggestionText = None,
    name: SuggestionText = None,
) -> JSONResponse:
    """Airports and cities whose name or code starts with ``query``."""
    text = (query or name or "").strip()
    if len(text) < 2:
        raise ValidationFailed(
            "Give at least 2 characters.", field="query", code="validation_length"
        )
    shown = [
        present.city_place(p, services.places)
        if isinstance(p, City)
        else present.airport(p, services.places)
        for p in services.places.suggest(text, limit=20)
    ]
    return JSONResponse(data(shown))

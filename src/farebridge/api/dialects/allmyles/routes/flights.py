"""Search, flight details and fare rules."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from fastapi import Depends, Response
from fastapi.responses import JSONResponse

from farebridge.api.deps import Scenarios, ServicesDep
from farebridge.api.dialects.allmyles import present
from farebridge.api.dialects.allmyles.errors import AllmylesError, responses, step
from farebridge.api.dialects.allmyles.routes.common import (
    AllmylesUser,
    SessionCookie,
    converter,
    limited,
    result_group,
)
from farebridge.api.dialects.allmyles.schemas import (
    DetailsResponse,
    RulesResponse,
    SearchBody,
    SearchResponse,
)
from farebridge.api.routing import APIRouter
from farebridge.domain.account import User
from farebridge.domain.errors import NotFound, UpstreamUnavailable, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import Offer, OfferRequestStatus
from farebridge.domain.search import OfferPassenger, SearchCriteria, SliceRequest
from farebridge.services import allmyles_sessions, search
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest

router = APIRouter(tags=["flights"])
PAGE = 200
LOW_COST = ("OnlyLowCost", "TravelFusionProvider")
TRADITIONAL = ("OnlyTraditional", "AmadeusProvider")
CABINS = {
    "economy": CabinClass.ECONOMY,
    "premium economy": CabinClass.PREMIUM_ECONOMY,
    "business": CabinClass.BUSINESS,
    "first": CabinClass.FIRST,
}
NO_FLIGHTS = "No flights available"
NO_RETURN_FLIGHTS = "no_return_flights"  # the code of a round trip without return flights


def _day(text: str, field: str) -> date:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise ValidationFailed(
            "Give an ISO date with a time, e.g. 2014-05-15T00:00:00.", field=field
        ) from None


def _place(services: Dependencies, location: str, airport: str | None, field: str) -> str:
    """``fromLocation`` (a city or an airport), or ``fromAirport`` when it is in it."""
    location = location.upper()
    if airport is None:
        return location
    airport = airport.upper()
    within = {a.iata_code for a in services.places.expand(location)}
    if airport not in within:
        raise ValidationFailed(f"{airport} is not an airport of {location}.", field=field)
    return airport


def _criteria(services: Dependencies, body: SearchBody) -> SearchCriteria:
    origin = _place(services, body.fromLocation, body.fromAirport, "fromAirport")
    destination = _place(services, body.toLocation, body.toAirport, "toAirport")
    slices = [SliceRequest(origin, destination, _day(body.departureDate, "departureDate"))]
    if body.returnDate:
        slices.append(SliceRequest(destination, origin, _day(body.returnDate, "returnDate")))
    passengers = tuple(
        OfferPassenger(new_id("pas"), present.PASSENGER_TYPES[person.passengerType])
        for person in body.persons
        for _ in range(person.quantity)
    )
    cabin = body.options.filter.cabin if body.options and body.options.filter else None
    return SearchCriteria(
        tuple(slices),
        passengers,
        cabin_class=CABINS[cabin] if cabin else CabinClass.ECONOMY,
        max_connections=1,
        preferred_airlines=tuple(code.upper() for code in body.preferredAirlines),
        flexible_days=body.extraDays or 0,
    )


def _fingerprint(body: SearchBody, scenarios: frozenset[str]) -> str:
    """What makes a search request "the same request" (a poll of the running one)."""
    text = body.model_dump_json(exclude_none=True) + ",".join(sorted(scenarios))
    return hashlib.sha256(text.encode()).hexdigest()


def _offers(services: Dependencies, user: User, request_id: str) -> list[Offer]:
    """The cheapest fare of every itinerary found (Allmyles has no fare brands)."""
    offers: list[Offer] = []
    after: str | None = None
    while True:
        page = search.list_offers(
            services,
            user=user,
            request_id=request_id,
            filters=OfferFilter(one_per_itinerary=True),
            page=PageRequest(after=after, limit=PAGE),
        )
        offers.extend(page.items)
        if page.after is None:
            return offers
        after = page.after


def _kept(offer: Offer, body: SearchBody) -> bool:
    if body.providerType in LOW_COST:
        return offer.requires_instant_payment
    if body.providerType in TRADITIONAL:
        return not offer.requires_instant_payment
    return True


@router.post(
    "/flights",
    response_model=SearchResponse,
    dependencies=[Depends(limited("search")), Depends(step("search"))],
    responses={
        202: {"description": "Still searching: send the same request again (every ~5 s)"},
        **responses(404, 412, 500),
    },
)
def search_flights(
    body: SearchBody,
    services: ServicesDep,
    user: AllmylesUser,
    cookie: SessionCookie,
    scenarios: Scenarios,
) -> Response:
    """Search. The first answer is 202 (no body): send the same request again until it
    answers 200 with the results, grouped by total price."""
    criteria = _criteria(services, body)
    with allmyles_sessions.workflow_call(services, user=user, cookie=cookie) as workflow:
        workflow, request = allmyles_sessions.search_flights(
            services,
            user=user,
            workflow=workflow,
            criteria=criteria,
            fingerprint=_fingerprint(body, scenarios),
            scenarios=scenarios,
        )
        if request.status is OfferRequestStatus.PENDING:
            return Response(status_code=202)
        if request.status is OfferRequestStatus.FAILED:
            allmyles_sessions.remember_results(services, workflow, {})
            if request.error_code == NO_RETURN_FLIGHTS:  # a definite no: 404
                raise NotFound(request.error_message or "", code=NO_RETURN_FLIGHTS)
            raise UpstreamUnavailable(request.error_message or "The search failed.")
        offers = [o for o in _offers(services, user, request.id) if _kept(o, body)]
        sort = body.options.sort if body.options else None
        convert = converter(services)
        results: dict[str, str] = {}
        shown = []
        for index, group in enumerate(present.group_offers(offers, sort)):
            pairs = [(workflow.result_id(index, n), offer) for n, offer in enumerate(group)]
            results.update({booking_id: offer.id for booking_id, offer in pairs})
            shown.append(present.flight_result(pairs, services.places, convert))
        allmyles_sessions.remember_results(services, workflow, results)
    if not shown:
        raise AllmylesError(404, NO_FLIGHTS)
    return JSONResponse({"flightResultSet": shown})


@router.get(
    "/flights/{booking_id}",
    response_model=DetailsResponse,
    responses=responses(404, 409, 412, 503, 504),
)
def flight_details(
    booking_id: str,
    services: ServicesDep,
    user: AllmylesUser,
    cookie: SessionCookie,
    scenarios: Scenarios,
) -> JSONResponse:
    """One result re-checked with the airline: price, surcharge, bag tiers, form fields."""
    with allmyles_sessions.workflow_call(services, user=user, cookie=cookie) as workflow:
        stored = allmyles_sessions.result_offer(
            services, user=user, workflow=workflow, result_id=booking_id
        )
        offer = search.get_offer(services, user=user, offer_id=stored.id, scenarios=scenarios)
        rules = search.get_fare_rules(services, user=user, offer_id=offer.id)
        result = result_group(services, user, workflow, booking_id)
    return JSONResponse(present.details(offer, result, rules, converter(services)))


@router.get(
    "/flights/{booking_id}/rules",
    response_model=RulesResponse,
    dependencies=[Depends(step("rules"))],
    responses=responses(404, 409, 412),
)
def flight_rules(
    booking_id: str, services: ServicesDep, user: AllmylesUser, cookie: SessionCookie
) -> JSONResponse:
    """The fare rules: their sections (traditional flights) or the airline's page (LCC)."""
    with allmyles_sessions.workflow_call(services, user=user, cookie=cookie) as workflow:
        offer = allmyles_sessions.result_offer(
            services, user=user, workflow=workflow, result_id=booking_id
        )
        rules = search.get_fare_rules(services, user=user, offer_id=offer.id)
    return JSONResponse(present.rules(rules, offer))

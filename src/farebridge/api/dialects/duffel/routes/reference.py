"""Airports, airlines and aircraft: Duffel's supporting resources."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.duffel import present
from farebridge.api.dialects.duffel.errors import responses
from farebridge.api.dialects.duffel.routes.common import Data, DataList, Paging
from farebridge.api.dialects.duffel.wire import code_of, data, page_of
from farebridge.api.routing import APIRouter
from farebridge.services import reference

router = APIRouter(tags=["supporting resources"])


def _code(given: str, prefix: str) -> str:
    """``arp_lhr_gb`` or ``LHR`` → ``LHR``."""
    return code_of(given, prefix) or given.upper()


@router.get("/air/airports", response_model=DataList, responses=responses())
def list_airports(
    services: ServicesDep,
    user: CurrentUser,
    paging: Paging,
) -> JSONResponse:
    """Every airport, by IATA code."""
    page = reference.list_airports(services, page=paging)
    return JSONResponse(page_of([present.airport(a, services.places) for a in page.items], page))


@router.get("/air/airports/{airport_id}", response_model=Data, responses=responses(404))
def get_airport(airport_id: str, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    found = reference.get_airport(services, code=_code(airport_id, "arp"))
    return JSONResponse(data(present.airport(found, services.places)))


@router.get("/air/airlines", response_model=DataList, responses=responses())
def list_airlines(
    services: ServicesDep,
    user: CurrentUser,
    paging: Paging,
) -> JSONResponse:
    """Every airline the engine knows, by IATA code."""
    page = reference.list_airlines(services, page=paging)
    return JSONResponse(page_of([present.carrier(a) for a in page.items], page))


@router.get("/air/airlines/{airline_id}", response_model=Data, responses=responses(404))
def get_airline(airline_id: str, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    found = reference.get_airline(services, code=_code(airline_id, "arl"))
    return JSONResponse(data(present.carrier(found)))


@router.get("/air/aircraft", response_model=DataList, responses=responses())
def list_aircraft(
    services: ServicesDep,
    user: CurrentUser,
    paging: Paging,
) -> JSONResponse:
    """Every aircraft type the engine knows, by IATA code."""
    page = reference.list_aircraft(services, page=paging)
    return JSONResponse(page_of([present.aircraft(a) for a in page.items], page))


@router.get("/air/aircraft/{aircraft_id}", response_model=Data, responses=responses(404))
def get_aircraft(aircraft_id: str, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    found = reference.get_aircraft(services, code=_code(aircraft_id, "arc"))
    return JSONResponse(data(present.aircraft(found)))

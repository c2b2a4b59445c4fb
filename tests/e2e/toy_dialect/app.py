"""The toy dialect's routes and sub-application: two calls into real use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query
from pydantic import BaseModel

from farebridge.api.deps import CurrentUser, Scenarios, ServicesDep
from farebridge.domain.places import City
from farebridge.services import orders
from tests.e2e.toy_dialect import errors


class Place(BaseModel):
    code: str
    label: str
    kind: str


class PlacesReply(BaseModel):
    places: list[Place]
    scenarios: list[str]


class Booking(BaseModel):
    ref: str
    state: str


class BookingReply(BaseModel):
    booking: Booking


def build() -> FastAPI:
    app = FastAPI(title="toy", version="0")
    app.get("/places", responses=errors.responses(400))(places)
    app.get("/bookings/{order_id}", responses=errors.responses(401, 404))(booking)
    errors.install(app)
    return app


def places(
    services: ServicesDep, scenarios: Scenarios, q: Annotated[str, Query(min_length=2)]
) -> PlacesReply:
    """Places by name, and the sandbox scenarios this request asked for."""
    found = [
        Place(code=p.iata_code, label=p.name, kind="city" if isinstance(p, City) else "airport")
        for p in services.places.suggest(q)
    ]
    return PlacesReply(places=found, scenarios=sorted(scenarios))


def booking(order_id: str, services: ServicesDep, user: CurrentUser) -> BookingReply:
    """One of the caller's orders, as a booking."""
    order = orders.get_order(services, user=user, order_id=order_id)
    return BookingReply(booking=Booking(ref=order.booking_reference, state=order.status.value))

"""Find a booking without an account: booking reference plus family name (ADR 0021)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header

from farebridge.api.deps import ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.admin import FoundBookingResponse
from farebridge.api.dialects.native.models.orders import OrderResponse
from farebridge.api.dialects.native.presenters.admin import present_found_booking
from farebridge.api.dialects.native.presenters.orders import present_order
from farebridge.api.dialects.native.schemas import LookupBody
from farebridge.api.ratelimit import limit
from farebridge.services import lookup

router = APIRouter(prefix="/bookings", tags=["find a booking"])
ManageToken = Annotated[
    str,
    Header(
        alias="Manage-Token",
        max_length=100,
        description="The manage_token from POST /api/bookings/lookup",
    ),
]


@router.post("/lookup", dependencies=[Depends(limit("lookup"))], responses=responses(404, 429))
def look_up_booking(body: LookupBody, services: ServicesDep) -> FoundBookingResponse:
    """A booking by reference and a passenger's family name, with a manage token."""
    found = lookup.look_up_booking(
        services, booking_reference=body.booking_reference, family_name=body.family_name
    )
    return FoundBookingResponse.model_construct(data=present_found_booking(found))


@router.get("/manage", responses=responses(401))
def managed_booking(token: ManageToken, services: ServicesDep) -> OrderResponse:
    """The booking a manage token was given for (read only), while the token lasts."""
    order = lookup.read_managed_order(services, token=token)
    return OrderResponse.model_construct(data=present_order(order))

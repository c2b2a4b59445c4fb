"""Order change requests, change offers and order changes (voluntary changes)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.duffel import present
from farebridge.api.dialects.duffel.errors import responses
from farebridge.api.dialects.duffel.routes.common import Data, DataList, Paging, name_fields
from farebridge.api.dialects.duffel.routes.orders import money_of, paid_with, payment_method
from farebridge.api.dialects.duffel.schemas import (
    ChangeBody,
    ChangeRequestBody,
    ConfirmChangeBody,
)
from farebridge.api.dialects.duffel.wire import data, page_of
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter
from farebridge.domain.account import User
from farebridge.domain.changes import SliceSpec
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.order import Order
from farebridge.services import changes, orders
from farebridge.services.orders import PaymentRequest
from farebridge.services.ports import Dependencies, PageRequest

router = APIRouter(tags=["order changes"])
ALL_OFFERS = PageRequest(limit=200)


def _order(deps: Dependencies, user: User, order_id: str) -> tuple[Order, str | None]:
    order = orders.get_order(deps, user=user, order_id=order_id)
    return order, paid_with(deps, user, order)


@router.post(
    "/air/order_change_requests",
    status_code=201,
    response_model=Data,
    responses=responses(404, 503, 504),
)
@router.post("/air/order_change_requests/", status_code=201, include_in_schema=False)
def create_change_request(
    body: ChangeRequestBody, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    """Ask what changing slices would cost: the answer lists the priced change offers."""
    given = body.data
    request = changes.request_change(
        services,
        user=user,
        order_id=given.order_id,
        remove_slice_ids=[s.slice_id for s in given.slices.remove],
        add=[
            SliceSpec(s.origin, s.destination, s.departure_date, CabinClass(s.cabin_class))
            for s in given.slices.add
        ],
    )
    return JSONResponse(data(_request(services, user, request.id)), status_code=201)


def _request(deps: Dependencies, user: User, request_id: str) -> dict[str, object]:
    request = changes.get_change_request(deps, user=user, change_request_id=request_id)
    order, paid = _order(deps, user, request.order_id)
    page = changes.list_change_offers(
        deps, user=user, change_request_id=request.id, page=ALL_OFFERS
    )
    offers = [present.order_change_offer(o, order, deps.places, paid) for o in page.items]
    return present.order_change_request(request, offers, order, deps.places)


@router.get(
    "/air/order_change_requests/{change_request_id}", response_model=Data, responses=responses(404)
)
def get_change_request(
    change_request_id: str, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    return JSONResponse(data(_request(services, user, change_request_id)))


@router.get("/air/order_change_offers", response_model=DataList, responses=responses(404))
def list_change_offers(
    services: ServicesDep,
    user: CurrentUser,
    order_change_request_id: Annotated[str, Query(min_length=1, max_length=64)],
    paging: Paging,
    sort: Literal["change_total_amount", "total_duration"] | None = None,
    max_connections: Annotated[int | None, Query(ge=0, le=2)] = None,
) -> JSONResponse:
    """The priced ways to make the change, cheapest first."""
    request = changes.get_change_request(
        services, user=user, change_request_id=order_change_request_id
    )
    order, paid = _order(services, user, request.order_id)
    page = changes.list_change_offers(
        services,
        user=user,
        change_request_id=request.id,
        page=paging,
        sort=sort,
        max_connections=max_connections,
    )
    shown = [present.order_change_offer(o, order, services.places, paid) for o in page.items]
    return JSONResponse(page_of(shown, page))


@router.get(
    "/air/order_change_offers/{change_offer_id}", response_model=Data, responses=responses(404)
)
def get_change_offer(
    change_offer_id: str, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    offer = changes.get_change_offer(services, user=user, change_offer_id=change_offer_id)
    order, paid = _order(services, user, offer.order_id)
    return JSONResponse(data(present.order_change_offer(offer, order, services.places, paid)))


@router.post(
    "/air/order_changes", status_code=201, response_model=Data, responses=responses(404, 409)
)
@router.post("/air/order_changes/", status_code=201, include_in_schema=False)
def create_change(body: ChangeBody, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    """Choose a change offer; nothing changes until the change is confirmed."""
    change = changes.create_change(
        services, user=user, change_offer_id=body.data.selected_order_change_offer
    )
    order, paid = _order(services, user, change.order_id)
    shown = present.order_change(change, order, services.places, paid)
    return JSONResponse(data(shown), status_code=201)


@router.get("/air/order_changes/{change_id}", response_model=Data, responses=responses(404))
def get_change(change_id: str, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    change = changes.get_change(services, user=user, change_id=change_id)
    order, paid = _order(services, user, change.order_id)
    return JSONResponse(data(present.order_change(change, order, services.places, paid)))


@router.post(
    "/air/order_changes/{change_id}/actions/confirm",
    response_model=Data,
    dependencies=[Depends(limit("booking"))],
    responses=responses(402, 404, 409, 503, 504),
)
def confirm_change(
    change_id: str,
    request: Request,
    services: ServicesDep,
    user: CurrentUser,
    body: ConfirmChangeBody | None = None,
) -> JSONResponse:
    """Make the change: pay ``change_total_amount`` when it is above zero (a refund is
    sent back the way the order was paid when it is below)."""
    name_fields(request, amount="payment.amount", currency="payment.currency")
    given = body.data.payment if body else None
    payment = None
    if given is not None:
        payment = PaymentRequest(
            money_of(given.amount, given.currency, "payment.amount"),
            payment_method(given, "payment"),
        )
    change = changes.confirm_change(services, user=user, change_id=change_id, payment=payment)
    order, paid = _order(services, user, change.order_id)
    return JSONResponse(data(present.order_change(change, order, services.places, paid)))

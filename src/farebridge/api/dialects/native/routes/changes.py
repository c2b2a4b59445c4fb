"""Voluntary order changes (Duffel's flow): request, offers, change, confirm."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.changes import (
    OrderChangeOfferListResponse,
    OrderChangeOfferResponse,
    OrderChangeRequestResponse,
    OrderChangeResponse,
)
from farebridge.api.dialects.native.presenters.changes import (
    present_change,
    present_change_offer,
    present_change_offer_page,
    present_change_request,
)
from farebridge.api.dialects.native.schemas import (
    ConfirmChangeBody,
    OrderChangeBody,
    OrderChangeRequestBody,
)
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter
from farebridge.domain.changes import SliceSpec
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import Money
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.services import changes
from farebridge.services.orders import PaymentRequest
from farebridge.services.ports import PageRequest

router = APIRouter(tags=["order changes"])
BOOKING = [Depends(limit("booking"))]


def _payment(body: ConfirmChangeBody | None) -> PaymentRequest | None:
    if body is None or body.payment is None:
        return None
    given = body.payment
    try:
        money = Money.of(given.amount, given.currency)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="payment.amount", code="invalid_amount") from exc
    return PaymentRequest(money, PaymentMethod(PaymentType(given.type), given.card_token))


@router.post(
    "/order_change_requests", status_code=201, responses=responses(401, 404, 422, 503, 504)
)
def create_order_change_request(
    body: OrderChangeRequestBody, services: ServicesDep, user: CurrentUser
) -> OrderChangeRequestResponse:
    """Ask to replace slices of a paid order; the priced change offers come with it."""
    request = changes.request_change(
        services,
        user=user,
        order_id=body.order_id,
        remove_slice_ids=[item.slice_id for item in body.slices.remove],
        add=[
            SliceSpec(s.origin, s.destination, s.departure_date, s.cabin_class)
            for s in body.slices.add
        ],
        schedule_change_id=body.schedule_change_id,
    )
    return OrderChangeRequestResponse.model_construct(data=present_change_request(request))


@router.get("/order_change_requests/{change_request_id}", responses=responses(401, 404))
def get_order_change_request(
    change_request_id: str, services: ServicesDep, user: CurrentUser
) -> OrderChangeRequestResponse:
    """One order change request."""
    request = changes.get_change_request(services, user=user, change_request_id=change_request_id)
    return OrderChangeRequestResponse.model_construct(data=present_change_request(request))


@router.get("/order_change_offers", responses=responses(401, 404))
def list_order_change_offers(
    services: ServicesDep,
    user: CurrentUser,
    order_change_request_id: str,
    sort: Annotated[str | None, Query(pattern="^(change_total_amount|total_duration)$")] = None,
    max_connections: Annotated[int | None, Query(ge=0, le=2)] = None,
    after: str | None = None,
    before: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrderChangeOfferListResponse:
    """The change offers of a change request, the cheapest change first."""
    page = changes.list_change_offers(
        services,
        user=user,
        change_request_id=order_change_request_id,
        page=PageRequest(after, before, limit),
        sort=sort,
        max_connections=max_connections,
    )
    return present_change_offer_page(page)


@router.get("/order_change_offers/{change_offer_id}", responses=responses(401, 404))
def get_order_change_offer(
    change_offer_id: str, services: ServicesDep, user: CurrentUser
) -> OrderChangeOfferResponse:
    """One change offer; 404 once it has expired."""
    offer = changes.get_change_offer(services, user=user, change_offer_id=change_offer_id)
    return OrderChangeOfferResponse.model_construct(data=present_change_offer(offer))


@router.post("/order_changes", status_code=201, responses=responses(401, 404, 409, 422, 503, 504))
def create_order_change(
    body: OrderChangeBody, services: ServicesDep, user: CurrentUser
) -> OrderChangeResponse:
    """Select a change offer: a pending change, its flights re-checked. Nothing is booked."""
    change = changes.create_change(
        services, user=user, change_offer_id=body.selected_order_change_offer
    )
    return OrderChangeResponse.model_construct(data=present_change(change))


@router.get("/order_changes/{change_id}", responses=responses(401, 404))
def get_order_change(
    change_id: str, services: ServicesDep, user: CurrentUser
) -> OrderChangeResponse:
    """One order change."""
    change = changes.get_change(services, user=user, change_id=change_id)
    return OrderChangeResponse.model_construct(data=present_change(change))


@router.post(
    "/order_changes/{change_id}/actions/confirm",
    dependencies=BOOKING,
    responses=responses(401, 402, 404, 409, 422, 429, 503, 504),
)
def confirm_order_change(
    change_id: str,
    services: ServicesDep,
    user: CurrentUser,
    body: ConfirmChangeBody | None = None,
) -> OrderChangeResponse:
    """Book the new flights, pay the change total, release the old flights, reissue tickets."""
    change = changes.confirm_change(
        services, user=user, change_id=change_id, payment=_payment(body)
    )
    return OrderChangeResponse.model_construct(data=present_change(change))

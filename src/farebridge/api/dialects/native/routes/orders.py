"""Orders, payments and cancellations."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query

from farebridge.api.deps import CurrentUser, Scenarios, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.orders import (
    CancellationResponse,
    CancelledOrder,
    CancelledOrderResponse,
    OrderEventListResponse,
    OrderListResponse,
    OrderResponse,
    PaymentResponse,
)
from farebridge.api.dialects.native.presenters.orders import (
    present_cancellation,
    present_event,
    present_order,
    present_order_page,
    present_payment,
)
from farebridge.api.dialects.native.schemas import (
    CancelBody,
    ConfirmCancelBody,
    IdentityDocumentBody,
    OrderBody,
    OrderUpdateBody,
    PassengerBody,
    PaymentBody,
    PaymentMethodFields,
)
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter, quick_read
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.lookup import normalise_reference
from farebridge.domain.money import Money
from farebridge.domain.order import IdentityDocument, OrderType, Passenger
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.services import cancellation, orders, payments, sync
from farebridge.services.orders import CreateOrder, PaymentRequest
from farebridge.services.ports import OrderFilter, PageRequest

router = APIRouter(tags=["orders"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def _money(amount: str, currency: str, field: str) -> Money:
    try:
        return Money.of(amount, currency)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=field, code="invalid_amount") from exc


def _method(body: PaymentMethodFields) -> PaymentMethod:
    return PaymentMethod(PaymentType(body.type), body.card_token)


def _document(body: IdentityDocumentBody) -> IdentityDocument:
    return IdentityDocument(
        body.type, body.unique_identifier.upper(), body.issuing_country_code, body.expires_on
    )


def _passenger(body: PassengerBody) -> Passenger:
    return Passenger(
        id=body.id or "",
        type=body.type,
        title=body.title,
        given_name=body.given_name,
        family_name=body.family_name,
        born_on=body.born_on,
        gender=body.gender,
        email=str(body.email) if body.email else None,
        phone_number=body.phone_number,
        identity_documents=tuple(_document(d) for d in body.identity_documents),
        seat_preference=body.seat_preference,
    )


def _command(body: OrderBody, key: str | None, scenarios: frozenset[str]) -> CreateOrder:
    payment = None
    if body.payments:
        first = body.payments[0]
        amount = _money(first.amount, first.currency, "payments[0].amount")
        payment = PaymentRequest(amount, _method(first))
    return CreateOrder(
        type=OrderType(body.type),
        offer_id=body.selected_offers[0],
        passengers=[_passenger(p) for p in body.passengers],
        payment=payment,
        metadata=dict(body.metadata),
        idempotency_key=key,
        services=[(service.id, service.quantity) for service in body.services],
        scenarios=scenarios,
        confirm_duplicate=body.confirm_duplicate,
        customer_id=body.customer_id,
        coupon_code=body.coupon_code,
    )


BOOKING = [Depends(limit("booking"))]


@router.post(
    "/orders",
    status_code=201,
    dependencies=BOOKING,
    responses=responses(401, 402, 403, 404, 409, 422, 429, 503, 504),
)
def create_order(
    body: OrderBody,
    services: ServicesDep,
    user: CurrentUser,
    scenarios: Scenarios,
    idempotency_key: IdempotencyKey = None,
) -> OrderResponse:
    """Book an offer: ``hold`` (pay later) or ``instant`` (pay now; ``payments`` required).
    Agents: ``customer_id`` books for a customer of the agency."""
    command = _command(body, idempotency_key, scenarios)
    order = orders.create_order(services, user=user, command=command)
    return OrderResponse.model_construct(data=present_order(order))


@router.get("/orders", responses=responses(401))
def list_orders(
    services: ServicesDep,
    user: CurrentUser,
    after: str | None = None,
    before: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    booking_reference: Annotated[str | None, Query(min_length=1, max_length=12)] = None,
    customer_id: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=40,
            description="Only this account's orders (agents: a customer of the agency)",
        ),
    ] = None,
) -> OrderListResponse:
    """The orders the caller may see (own; agents: the agency's; admins: all), newest first."""
    filters = OrderFilter(
        booking_reference=normalise_reference(booking_reference or "") or None,
        owner_id=customer_id,
    )
    page = orders.list_orders(
        services, user=user, page=PageRequest(after, before, limit), filters=filters
    )
    return present_order_page(page)


@router.get("/orders/{order_id}", responses=responses(401, 404))
@quick_read
def get_order(order_id: str, services: ServicesDep, user: CurrentUser) -> OrderResponse:
    """One order: poll it for ``documents`` (tickets) after payment."""
    return OrderResponse.model_construct(
        data=present_order(orders.get_order(services, user=user, order_id=order_id))
    )


@router.patch("/orders/{order_id}", responses=responses(401, 404, 409))
def update_order(
    order_id: str, body: OrderUpdateBody, services: ServicesDep, user: CurrentUser
) -> OrderResponse:
    """Set or clear (null) metadata keys of an order."""
    order = orders.update_order_metadata(
        services, user=user, order_id=order_id, metadata=dict(body.metadata)
    )
    return OrderResponse.model_construct(data=present_order(order))


@router.get("/orders/{order_id}/events", responses=responses(401, 404))
def list_order_events(
    order_id: str, services: ServicesDep, user: CurrentUser
) -> OrderEventListResponse:
    """The order's history: every status change and airline change, oldest first."""
    events = sync.list_order_events(services, user=user, order_id=order_id)
    return OrderEventListResponse.model_construct(data=[present_event(e) for e in events])


@router.post("/orders/{order_id}/actions/sync", responses=responses(401, 404, 503, 504))
def sync_order(order_id: str, services: ServicesDep, user: CurrentUser) -> OrderResponse:
    """Ask the airline for changes (e.g. a schedule change) now."""
    order = sync.sync_order_now(services, user=user, order_id=order_id)
    return OrderResponse.model_construct(data=present_order(order))


@router.post(
    "/payments",
    status_code=201,
    dependencies=[Depends(limit("payment"))],
    responses=responses(401, 402, 404, 409, 422, 429, 503, 504),
)
def create_payment(body: PaymentBody, services: ServicesDep, user: CurrentUser) -> PaymentResponse:
    """Pay a hold order: 409 already paid, 422 amount mismatch, 402 declined."""
    payment = payments.pay_order(
        services,
        user=user,
        order_id=body.order_id,
        amount=_money(body.amount, body.currency, "amount"),
        method=_method(body),
    )
    return PaymentResponse.model_construct(data=present_payment(payment))


@router.post(
    "/orders/{order_id}/actions/cancel", status_code=201, responses=responses(401, 404, 409, 422)
)
def quote_cancellation(
    order_id: str, services: ServicesDep, user: CurrentUser, body: CancelBody | None = None
) -> CancellationResponse:
    """Step 1 of 2: a refund quote. Nothing changes until it is confirmed."""
    reason = body.reason if body else "requested_by_customer"
    quote = cancellation.quote_cancellation(services, user=user, order_id=order_id, reason=reason)
    return CancellationResponse.model_construct(data=present_cancellation(quote))


@router.post("/orders/{order_id}/actions/cancel/confirm", responses=responses(401, 404, 409, 422))
def confirm_cancellation(
    order_id: str, body: ConfirmCancelBody, services: ServicesDep, user: CurrentUser
) -> CancelledOrderResponse:
    """Step 2 of 2: cancel the order with the quoted refund and release the seats."""
    order, quote = cancellation.confirm_cancellation(
        services, user=user, order_id=order_id, quote_id=body.cancellation_id
    )
    cancelled = CancelledOrder.model_construct(
        order=present_order(order), cancellation=present_cancellation(quote)
    )
    return CancelledOrderResponse.model_construct(data=cancelled)

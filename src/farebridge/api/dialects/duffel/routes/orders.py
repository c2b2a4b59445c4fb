"""Orders, payments for holds, and order cancellations."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from farebridge.api.deps import CurrentUser, Scenarios, ServicesDep
from farebridge.api.dialects.duffel import present
from farebridge.api.dialects.duffel.errors import responses
from farebridge.api.dialects.duffel.routes.common import Data, DataList, Limit, Paging, name_fields
from farebridge.api.dialects.duffel.schemas import (
    CancellationBody,
    OrderBody,
    OrderPassenger,
    OrderUpdateBody,
    PaymentBody,
    PaymentFields,
)
from farebridge.api.dialects.duffel.wire import data, page_of, whole_list
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter, quick_read
from farebridge.domain.account import User
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import Money
from farebridge.domain.order import IdentityDocument, Order, OrderStatus, OrderType, Passenger
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.domain.search import OfferPassenger
from farebridge.services import cancellation, orders, payments, search, sync
from farebridge.services.orders import CreateOrder, PaymentRequest
from farebridge.services.ports import Dependencies, OrderFilter

router = APIRouter(tags=["orders"])
BOOKING = [Depends(limit("booking"))]


def money_of(amount: str, currency: str, field: str) -> Money:
    try:
        return Money.of(amount, currency)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=field, code="validation_format") from exc


def payment_method(given: PaymentFields, field: str) -> PaymentMethod:
    if given.type == "card":
        if not given.three_d_secure_session_id:
            raise ValidationFailed(
                "A card payment needs three_d_secure_session_id (a sandbox token, e.g. tok_visa).",
                field=f"{field}.three_d_secure_session_id",
                code="validation_required",
            )
        return PaymentMethod(PaymentType.CARD, given.three_d_secure_session_id)
    # balance and arc_bsp_cash: the agency pays; nothing to charge on a card
    return PaymentMethod(PaymentType.BALANCE)


def _passenger(given: OrderPassenger, kinds: dict[str, OfferPassenger], index: int) -> Passenger:
    known = kinds.get(given.id)
    if known is None:
        raise ValidationFailed(
            f"{given.id} is not a passenger of the selected offer.",
            field=f"passengers[{index}].id",
            code="validation_inclusion",
        )
    return Passenger(
        id=given.id,
        type=known.type,
        title=given.title,
        given_name=given.given_name,
        family_name=given.family_name,
        born_on=given.born_on,
        gender=given.gender,
        email=given.email,
        phone_number=given.phone_number,
        identity_documents=tuple(
            IdentityDocument(
                d.type, d.unique_identifier.upper(), d.issuing_country_code, d.expires_on
            )
            for d in given.identity_documents
        ),
    )


def paid_with(deps: Dependencies, user: User, order: Order) -> str | None:
    paid = payments.payment_of(deps, user=user, order_id=order.id)
    return None if paid is None else paid.method.type.value


def _order(deps: Dependencies, user: User, order: Order) -> dict[str, object]:
    shown_cancellation = None
    if order.status is OrderStatus.CANCELLED:
        quotes, _ = cancellation.list_cancellations(deps, user=user, order_id=order.id)
        confirmed = [q for q in quotes if q.confirmed_at is not None]
        if confirmed:
            shown_cancellation = present.cancellation(confirmed[-1], paid_with(deps, user, order))
    events = sync.list_order_events(deps, user=user, order_id=order.id)
    return present.order(order, deps.places, shown_cancellation, events)


@router.post(
    "/air/orders",
    status_code=201,
    response_model=Data,
    dependencies=BOOKING,
    responses=responses(402, 404, 409, 503, 504),
)
@router.post("/air/orders/", status_code=201, include_in_schema=False, dependencies=BOOKING)
def create_order(
    body: OrderBody, services: ServicesDep, user: CurrentUser, scenarios: Scenarios
) -> JSONResponse:
    """Book an offer: ``instant`` (with one payment of the exact total, extras included)
    or ``hold`` (pay later with ``POST /air/payments``). Always 201 with the whole order."""
    given = body.data
    offer_id = given.selected_offers[0]
    kinds = {p.id: p for p in search.offer_passengers(services, user=user, offer_id=offer_id)}
    hold = given.type in ("hold", "pay_later")
    if hold and given.payments:
        raise ValidationFailed(
            "A hold order is paid later (POST /air/payments); send no payments.",
            field="payments",
            code="validation_inclusion",
        )
    payment = None
    if given.payments:
        first = given.payments[0]
        amount = money_of(first.amount, first.currency, "payments[0].amount")
        payment = PaymentRequest(amount, payment_method(first, "payments[0]"))
    command = CreateOrder(
        type=OrderType.HOLD if hold else OrderType.INSTANT,
        offer_id=offer_id,
        passengers=[_passenger(p, kinds, i) for i, p in enumerate(given.passengers)],
        payment=payment,
        metadata=dict(given.metadata),
        services=[(s.id, s.quantity) for s in given.services],
        scenarios=scenarios,
    )
    order = orders.create_order(services, user=user, command=command)
    return JSONResponse(data(_order(services, user, order)), status_code=201)


@router.get("/air/orders", response_model=DataList, responses=responses())
def list_orders(
    services: ServicesDep,
    user: CurrentUser,
    paging: Paging,
    awaiting_payment: bool | None = None,
    booking_reference: Annotated[str | None, Query(max_length=12)] = None,
    offer_id: Annotated[str | None, Query(max_length=64)] = None,
    sort: Literal["pay_by", "-pay_by"] | None = None,
) -> JSONResponse:
    """The caller's orders, newest first; ``sort=pay_by`` is accepted and keeps that order."""
    filters = OrderFilter(
        awaiting_payment=awaiting_payment, booking_reference=booking_reference, offer_id=offer_id
    )
    page = orders.list_orders(services, user=user, page=paging, filters=filters)
    return JSONResponse(page_of([_order(services, user, o) for o in page.items], page))


@router.get("/air/orders/{order_id}", response_model=Data, responses=responses(404))
@quick_read
def get_order(order_id: str, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    """One order; poll it for ``documents`` (e-tickets) after payment."""
    order = orders.get_order(services, user=user, order_id=order_id)
    return JSONResponse(data(_order(services, user, order)))


@router.patch("/air/orders/{order_id}", response_model=Data, responses=responses(404, 409))
def update_order(
    order_id: str, body: OrderUpdateBody, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    """Replace the order's metadata."""
    current = orders.get_order(services, user=user, order_id=order_id)
    changes: dict[str, object] = dict.fromkeys(current.metadata)
    changes.update(body.data.new_metadata)
    order = orders.update_order_metadata(services, user=user, order_id=order_id, metadata=changes)
    return JSONResponse(data(_order(services, user, order)))


@router.post(
    "/air/payments",
    status_code=201,
    response_model=Data,
    dependencies=BOOKING,
    responses=responses(402, 404, 409, 503, 504),
)
@router.post(
    "/air/payments/",
    status_code=201,
    include_in_schema=False,
    dependencies=[Depends(limit("payment"))],
)
def create_payment(
    body: PaymentBody, request: Request, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    """Pay a hold order: the exact ``total_amount`` in its currency, once."""
    name_fields(request, amount="payment.amount", currency="payment.currency")
    given = body.data.payment
    paid = payments.pay_order(
        services,
        user=user,
        order_id=body.data.order_id,
        amount=money_of(given.amount, given.currency, "amount"),
        method=payment_method(given, "payment"),
    )
    return JSONResponse(data(present.payment(paid, given.type)), status_code=201)


@router.post(
    "/air/order_cancellations",
    status_code=201,
    response_model=Data,
    responses=responses(404, 409),
)
@router.post("/air/order_cancellations/", status_code=201, include_in_schema=False)
def quote_cancellation(
    body: CancellationBody, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    """Step 1 of 2: what cancelling would refund. Nothing changes until it is confirmed."""
    order = orders.get_order(services, user=user, order_id=body.data.order_id)
    quote = cancellation.quote_cancellation(
        services, user=user, order_id=order.id, reason="requested_by_customer"
    )
    shown = present.cancellation(quote, paid_with(services, user, order))
    return JSONResponse(data(shown), status_code=201)


@router.post(
    "/air/order_cancellations/{cancellation_id}/actions/confirm",
    response_model=Data,
    responses=responses(404, 409),
)
def confirm_cancellation(
    cancellation_id: str, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    """Step 2 of 2: cancel the order with the quoted refund. Needs no body."""
    quote, order = cancellation.get_cancellation(
        services, user=user, cancellation_id=cancellation_id
    )
    order, quote = cancellation.confirm_cancellation(
        services, user=user, order_id=order.id, quote_id=quote.id
    )
    return JSONResponse(data(present.cancellation(quote, paid_with(services, user, order))))


@router.get(
    "/air/order_cancellations/{cancellation_id}", response_model=Data, responses=responses(404)
)
def get_cancellation(
    cancellation_id: str, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    quote, order = cancellation.get_cancellation(
        services, user=user, cancellation_id=cancellation_id
    )
    return JSONResponse(data(present.cancellation(quote, paid_with(services, user, order))))


@router.get("/air/order_cancellations", response_model=DataList, responses=responses(404))
def list_cancellations(
    services: ServicesDep,
    user: CurrentUser,
    order_id: Annotated[str, Query(min_length=1, max_length=64)],
    limit: Limit = 50,
    after: str | None = None,
) -> JSONResponse:
    """The cancellations (quotes and the confirmed one) of an order, oldest first."""
    quotes, order = cancellation.list_cancellations(services, user=user, order_id=order_id)
    paid = paid_with(services, user, order)
    shown = [present.cancellation(q, paid) for q in quotes]
    return JSONResponse(whole_list(shown, limit))


@router.get("/air/airline_initiated_changes", response_model=DataList, responses=responses(404))
def list_airline_initiated_changes(
    services: ServicesDep,
    user: CurrentUser,
    order_id: Annotated[str, Query(min_length=1, max_length=64)],
    limit: Limit = 50,
) -> JSONResponse:
    """The schedule changes the airline made to an order (accepting them is not served)."""
    events = sync.list_order_events(services, user=user, order_id=order_id)
    shown = [
        present.airline_initiated_change(e) for e in events if e.type == present.SCHEDULE_CHANGED
    ]
    return JSONResponse(whole_list(shown, limit))

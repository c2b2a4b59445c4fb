"""Orders, prices, payments, cancellations and order events."""

from __future__ import annotations

from farebridge.api.dialects.native.models import orders as wire
from farebridge.api.dialects.native.presenters.common import (
    amount,
    instant,
    optional_instant,
    present_carrier,
    present_page_meta,
)
from farebridge.api.dialects.native.presenters.offers import (
    present_card_surcharges,
    present_conditions,
    present_converted,
    present_slice,
)
from farebridge.api.dialects.native.presenters.schedule_changes import present_schedule_change
from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.order import Order, OrderEvent, OrderService, Passenger
from farebridge.domain.order_actions import available_actions
from farebridge.domain.payment import Payment
from farebridge.domain.preferred_currencies import NO_PREFERRED_CURRENCIES, PreferredCurrencies
from farebridge.services.ports import Page
from farebridge.services.search import PricedOffer


def present_passenger(passenger: Passenger) -> wire.Passenger:
    return wire.Passenger.model_construct(
        id=passenger.id,
        type=passenger.type,
        title=passenger.title,
        given_name=passenger.given_name,
        family_name=passenger.family_name,
        born_on=passenger.born_on,
        gender=passenger.gender,
        email=passenger.email,
        phone_number=passenger.phone_number,
        identity_documents=[
            wire.IdentityDocument.model_construct(
                type=d.type,
                unique_identifier=d.masked_identifier,
                issuing_country_code=d.issuing_country_code,
                expires_on=d.expires_on,
            )
            for d in passenger.identity_documents
        ],
        seat_preference=passenger.seat_preference,
    )


def present_service(service: OrderService) -> wire.OrderService:
    return wire.OrderService.model_construct(
        id=service.id,
        type=service.type,
        segment_id=service.segment_id,
        passenger_id=service.passenger_id,
        designator=service.designator,
        slice_id=service.slice_id,
        quantity=service.quantity,
        total_amount=amount(service.total),
        total_currency=service.total.currency,
    )


def present_payment_status(order: Order) -> wire.OrderPaymentStatus:
    return wire.OrderPaymentStatus.model_construct(
        awaiting_payment=order.awaiting_payment(),
        payment_required_by=optional_instant(order.payment_required_by),
        price_guarantee_expires_at=optional_instant(order.payment_required_by),
        paid_at=optional_instant(order.paid_at),
    )


def present_order(order: Order) -> wire.Order:
    surcharge = order.surcharge
    return wire.Order.model_construct(
        id=order.id,
        live_mode=False,
        type=order.type,
        status=order.status,
        booking_reference=order.booking_reference,
        offer_id=order.offer_id,
        owner=present_carrier(order.owner),
        total_amount=amount(order.total),
        total_currency=order.total.currency,
        base_amount=amount(order.base),
        base_currency=order.base.currency,
        tax_amount=amount(order.tax),
        tax_currency=order.tax.currency,
        services_amount=amount(order.services_total),
        services_currency=order.services_total.currency,
        services=[present_service(s) for s in order.services],
        card_surcharges=present_card_surcharges(
            order.card_surcharges, order.total, NO_PREFERRED_CURRENCIES
        ),
        surcharge_amount=amount(surcharge) if surcharge is not None else None,
        surcharge_currency=surcharge.currency if surcharge is not None else None,
        coupon_code=order.coupon_code,
        discount_amount=amount(order.discount_total) if order.discount is not None else None,
        discount_currency=order.discount_total.currency if order.discount is not None else None,
        fare_brand_name=order.fare_brand_name,
        payment_status=present_payment_status(order),
        ticketing_status=order.ticketing_status,
        documents=[
            wire.Document.model_construct(
                type=d.type,
                unique_identifier=d.unique_identifier,
                passenger_id=d.passenger_id,
                issued_at=instant(d.issued_at),
            )
            for d in order.documents
        ],
        passengers=[present_passenger(p) for p in order.passengers],
        slices=[present_slice(s) for s in order.slices],
        conditions=present_conditions(order.conditions),
        metadata=order.metadata,
        created_at=instant(order.created_at),
        synced_at=optional_instant(order.synced_at),
        cancelled_at=optional_instant(order.cancelled_at),
        airline_initiated_changes=[present_schedule_change(c) for c in order.schedule_changes],
        available_actions=[action.value for action in available_actions(order)],
    )


def present_order_page(page: Page[Order]) -> wire.OrderListResponse:
    return wire.OrderListResponse.model_construct(
        data=[present_order(o) for o in page.items], meta=present_page_meta(page)
    )


def present_price(
    priced: PricedOffer, preferred: PreferredCurrencies = NO_PREFERRED_CURRENCIES
) -> wire.Price:
    offer, services, total, discount = priced.offer, priced.services, priced.total, priced.discount
    extras = priced.gross_total - offer.total
    return wire.Price.model_construct(
        offer_id=offer.id,
        base_amount=amount(offer.base),
        base_currency=offer.base.currency,
        tax_amount=amount(offer.tax),
        tax_currency=offer.tax.currency,
        services_amount=amount(extras),
        services_currency=extras.currency,
        total_amount=amount(total),
        total_currency=total.currency,
        services=[present_service(s) for s in services],
        card_surcharges=present_card_surcharges(offer.card_surcharges, total, preferred),
        total_in_preferred_currencies=present_converted(total, preferred),
        coupon_code=priced.coupon_code,
        discount_amount=amount(discount) if discount is not None else None,
        discount_currency=discount.currency if discount is not None else None,
    )


def present_payment(payment: Payment) -> wire.Payment:
    return wire.Payment.model_construct(
        id=payment.id,
        order_id=payment.order_id,
        type=payment.method.type,
        status=payment.status,
        amount=amount(payment.amount),
        currency=payment.amount.currency,
        created_at=instant(payment.created_at),
        live_mode=False,
    )


def present_cancellation(quote: CancellationQuote) -> wire.Cancellation:
    return wire.Cancellation.model_construct(
        id=quote.id,
        order_id=quote.order_id,
        refund_amount=amount(quote.refund),
        refund_currency=quote.refund.currency,
        penalty_amount=amount(quote.penalty),
        penalty_currency=quote.penalty.currency,
        refund_to=quote.refund_to,
        reason=quote.reason,
        created_at=instant(quote.created_at),
        expires_at=instant(quote.expires_at),
        confirmed_at=optional_instant(quote.confirmed_at),
        live_mode=False,
    )


def present_event(event: OrderEvent) -> wire.OrderEvent:
    return wire.OrderEvent.model_construct(
        type=event.type,
        from_status=event.from_status,
        to_status=event.to_status,
        data=event.data,
        occurred_at=instant(event.occurred_at),
    )

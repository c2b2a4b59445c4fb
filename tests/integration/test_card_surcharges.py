"""Card surcharges through the use cases: charged once with the fare, refunded with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from farebridge.domain.card_surcharges import CardType
from farebridge.domain.errors import AmountMismatch
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderType
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.services import cancellation, payments
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies
from farebridge.services.releases import refund_key
from farebridge.store.tables import sandbox_charges, sandbox_refunds
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers, place_order

VISA = PaymentMethod(PaymentType.CARD, "tok_visa")
AMEX = PaymentMethod(PaymentType.CARD, "tok_amex")


def _low_cost(services: Dependencies) -> Offer:
    offers = find_offers(services, origin="DUB", destination="STN")
    return next(o for o in offers if o.card_surcharge(CardType.VISA).amount > 0)


def _minor(engine: Engine, table: object, column: str) -> list[int]:
    with engine.connect() as db:
        return list(db.execute(select(getattr(table.c, column))).scalars())  # type: ignore[attr-defined]


def test_an_instant_card_order_pays_the_fee_once_and_a_void_refunds_it(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = _low_cost(services)
    fee = offer.card_surcharge(CardType.VISA)
    command = CreateOrder(
        OrderType.INSTANT,
        offer.id,
        [create_passenger(id="")],
        payment=PaymentRequest(offer.total, VISA),
    )
    with pytest.raises(AmountMismatch) as refused:
        create_order(services, user=user, command=command)
    assert refused.value.field == "payments[0].amount"
    assert str(offer.total + fee) in str(refused.value)
    paid = PaymentRequest(offer.total + fee, VISA)
    order = create_order(services, user=user, command=replace(command, payment=paid))
    assert order.surcharge == fee and order.charged_total == offer.total + fee
    with services.uow(read_only=True) as uow:
        stored = uow.orders.get(order.id)
    assert stored is not None and stored.surcharge == fee and stored.total == offer.total
    assert _minor(engine, sandbox_charges, "amount_minor") == [(offer.total + fee).minor]

    quote = cancellation.quote_cancellation(services, user=user, order_id=order.id, reason="other")
    assert quote.refund == offer.total + fee
    cancellation.confirm_cancellation(services, user=user, order_id=order.id, quote_id=quote.id)
    run_job_now(services, JobKind.REFUND, refund_key(quote.id))
    assert _minor(engine, sandbox_refunds, "amount_minor") == [(offer.total + fee).minor]


def test_a_hold_paid_by_card_records_the_fee_and_a_balance_payment_pays_none(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    held = place_order(services, user=user, offer=offer, instant=False)
    assert held.card_surcharges == offer.card_surcharges and held.surcharge is None
    fee = held.amount_due(CardType.AMERICAN_EXPRESS) - held.total
    payment = payments.pay_order(
        services, user=user, order_id=held.id, amount=held.total + fee, method=AMEX
    )
    assert payment.amount == held.total + fee
    with services.uow(read_only=True) as uow:
        order = uow.orders.get(held.id)
    assert order is not None and order.surcharge == fee

    # another traveller (the same one on the same flights would be a duplicate booking)
    younger = create_passenger(id="", born_on=date(1999, 1, 2))
    other = create_order(
        services, user=user, command=CreateOrder(OrderType.HOLD, offer.id, [younger])
    )
    balance = PaymentMethod(PaymentType.BALANCE)
    payments.pay_order(services, user=user, order_id=other.id, amount=other.total, method=balance)
    with services.uow(read_only=True) as uow:
        paid = uow.orders.get(other.id)
    assert paid is not None and paid.surcharge is None and paid.charged_total == other.total
    with engine.connect() as db:
        charges = db.execute(select(func.count()).select_from(sandbox_charges)).scalar_one()
    assert charges == 2


def test_a_hold_paid_by_card_without_its_fee_is_refused(services: Dependencies) -> None:
    user = create_user(services)
    offer = _low_cost(services)
    assert offer.requires_instant_payment  # low-cost fares: no hold; the instant path above
    charging = [
        o
        for o in find_offers(services, user=user)
        if not o.requires_instant_payment and o.card_surcharge(CardType.AMERICAN_EXPRESS).amount
    ]
    if not charging:
        pytest.skip("no full-service airline charging American Express on this route today")
    held_offer = charging[0]
    held = place_order(services, user=user, offer=held_offer, instant=False)
    with pytest.raises(AmountMismatch) as refused:
        payments.pay_order(services, user=user, order_id=held.id, amount=held.total, method=AMEX)
    assert refused.value.field == "amount"
    assert str(held.amount_due(CardType.AMERICAN_EXPRESS)) in str(refused.value)
    assert Money.zero(held.total.currency) < held.amount_due(CardType.AMERICAN_EXPRESS) - held.total

"""What a traveller may ask of an order (domain/order_actions.py): the API lists it on
each native order, and the site shows only those buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from farebridge.domain.offer import ConditionRule, Conditions
from farebridge.domain.order import Document, OrderStatus
from farebridge.domain.order_actions import OrderAction, available_actions
from tests.factories import create_order

CANCEL, CHANGE, DOCUMENTS = OrderAction.CANCEL, OrderAction.CHANGE, OrderAction.DOCUMENTS
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
TICKETS = (Document("electronic_ticket", "125-1234567890", "pas_1", NOW),)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (OrderStatus.HOLD, (CANCEL,)),  # unpaid: nothing to change yet
        (OrderStatus.INSTANT, (CANCEL, CHANGE)),
        (OrderStatus.PAID, (CANCEL, CHANGE)),
        (OrderStatus.TICKETING, ()),  # only the engine gives a failed ticketing up
        (OrderStatus.TICKETED, (CANCEL, CHANGE)),
        (OrderStatus.CANCELLED, (DOCUMENTS,)),  # its cancellation receipt
        (OrderStatus.EXPIRED, ()),
    ],
)
def test_the_state_decides_cancel_and_change(
    status: OrderStatus, expected: tuple[OrderAction, ...]
) -> None:
    order = replace(create_order(), status=status)
    assert order.conditions.change_before_departure.allowed  # the factory's fare allows it
    assert available_actions(order) == expected


def test_a_fare_without_changes_offers_only_cancel() -> None:
    order = create_order()
    fare = Conditions(
        refund_before_departure=order.conditions.refund_before_departure,
        change_before_departure=ConditionRule(allowed=False, penalty=None),
    )
    ticketed = replace(order, status=OrderStatus.TICKETED, conditions=fare)
    assert available_actions(ticketed) == (CANCEL,)


@pytest.mark.parametrize(
    ("status", "tickets", "expected"),
    [
        (OrderStatus.TICKETED, TICKETS, (CANCEL, CHANGE, DOCUMENTS)),  # the e-ticket
        (OrderStatus.TICKETED, (), (CANCEL, CHANGE)),  # changed: waiting for its reissue
        (OrderStatus.PAID, TICKETS, (CANCEL, CHANGE)),  # numbers before ticketing: no PDF yet
        (OrderStatus.CANCELLED, TICKETS, (DOCUMENTS,)),  # the e-ticket and the receipt
        (OrderStatus.CANCELLED, (), (DOCUMENTS,)),  # a cancelled hold: the receipt
        (OrderStatus.EXPIRED, TICKETS, ()),
    ],
)
def test_documents_are_offered_when_the_order_has_a_pdf(
    status: OrderStatus, tickets: tuple[Document, ...], expected: tuple[OrderAction, ...]
) -> None:
    order = replace(create_order(), status=status, documents=tickets)
    assert available_actions(order) == expected

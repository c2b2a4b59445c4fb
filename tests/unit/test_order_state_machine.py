from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from farebridge.domain.cancellation import quote_refund
from farebridge.domain.errors import (
    InvalidState,
    InvalidTransition,
    OrderAlreadyCancelled,
    OrderAlreadyPaid,
)
from farebridge.domain.money import Money
from farebridge.domain.order import TRANSITIONS, OrderService, OrderStatus, check_transition
from tests.factories import create_order

NOW = datetime(2029, 12, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        (OrderStatus.HOLD, OrderStatus.PAID),
        (OrderStatus.HOLD, OrderStatus.EXPIRED),
        (OrderStatus.HOLD, OrderStatus.CANCELLED),
        (OrderStatus.INSTANT, OrderStatus.TICKETING),
        (OrderStatus.PAID, OrderStatus.TICKETING),
        (OrderStatus.TICKETING, OrderStatus.TICKETED),
        (OrderStatus.TICKETED, OrderStatus.CANCELLED),
    ],
)
def test_allowed_transitions(current: OrderStatus, requested: OrderStatus) -> None:
    check_transition("ord_1", current, requested)


def test_terminal_states_have_no_way_out() -> None:
    assert TRANSITIONS[OrderStatus.CANCELLED] == frozenset()
    assert TRANSITIONS[OrderStatus.EXPIRED] == frozenset()


def test_paying_twice_is_already_paid() -> None:
    for status in (OrderStatus.PAID, OrderStatus.INSTANT, OrderStatus.TICKETED):
        with pytest.raises(OrderAlreadyPaid):
            check_transition("ord_1", status, OrderStatus.PAID)


def test_anything_after_cancel_is_already_cancelled() -> None:
    with pytest.raises(OrderAlreadyCancelled):
        check_transition("ord_1", OrderStatus.CANCELLED, OrderStatus.PAID)


def test_ticketing_cannot_be_cancelled() -> None:
    """A customer cannot cancel while ticketing runs; only the engine gives up a
    ticketing that failed before anything was issued (and refunds it)."""
    ticketing = create_order(status=OrderStatus.TICKETING)
    with pytest.raises(InvalidTransition) as caught:
        quote_refund(ticketing, now=NOW)
    assert caught.value.entity_id == ticketing.id
    given_up = ticketing.give_up_ticketing(now=NOW, code="pnr_query_failed", message="no PNR")
    assert (given_up.type, given_up.to_status, given_up.data["code"]) == (
        "order.ticketing_failed",
        OrderStatus.CANCELLED,
        "pnr_query_failed",
    )
    with pytest.raises(InvalidTransition):
        create_order(status=OrderStatus.PAID).give_up_ticketing(now=NOW, code="x", message="")


def test_expired_hold_cannot_be_paid() -> None:
    with pytest.raises(InvalidTransition):
        check_transition("ord_1", OrderStatus.EXPIRED, OrderStatus.PAID)


def test_unpaid_hold_refunds_nothing() -> None:
    refund, penalty = quote_refund(create_order(status=OrderStatus.HOLD), now=NOW)
    assert refund.amount == 0 and penalty.amount == 0


def test_paid_not_ticketed_is_a_full_void() -> None:
    refund, _ = quote_refund(create_order(status=OrderStatus.PAID), now=NOW)
    assert refund.amount == Decimal("450.00")


def test_ticketed_refundable_loses_the_penalty() -> None:
    refund, penalty = quote_refund(create_order(status=OrderStatus.TICKETED), now=NOW)
    assert (refund.amount, penalty.amount) == (Decimal("375.00"), Decimal("75.00"))


def test_ticketed_non_refundable_gets_taxes_back() -> None:
    order = create_order(status=OrderStatus.TICKETED, refundable=False, penalty=None)
    refund, penalty = quote_refund(order, now=NOW)
    assert (refund.amount, penalty.amount) == (Decimal("50.00"), Decimal("400.00"))


def test_departed_orders_cannot_be_cancelled() -> None:
    order = create_order(status=OrderStatus.TICKETED)
    with pytest.raises(InvalidState, match="departed"):
        quote_refund(order, now=order.slices[0].departing_at + timedelta(minutes=1))


def test_refund_and_penalty_add_up_to_the_total_with_extras() -> None:
    for refundable in (True, False):
        order = create_order(status=OrderStatus.TICKETED, refundable=refundable)
        seat = OrderService("ase_1", "seat", "seg_1", "pas_1", Money(Decimal("40"), "GBP"), "30A")
        order = replace(order, services=(seat,))
        refund, penalty = quote_refund(order, now=NOW)
        assert refund + penalty == order.total == Money(Decimal("490.00"), "GBP")


def test_each_transition_method_returns_its_event() -> None:
    pending = replace(create_order(status=OrderStatus.HOLD), status=OrderStatus.PENDING)
    created = pending.confirm(now=NOW)
    assert (created.type, created.from_status, created.to_status) == (
        "order.created",
        OrderStatus.PENDING,
        OrderStatus.HOLD,
    )
    held = replace(pending, status=OrderStatus.HOLD)
    paid = held.pay(now=NOW, payment_id="pay_1")
    assert (paid.from_status, paid.to_status, paid.data) == (
        OrderStatus.HOLD,
        OrderStatus.PAID,
        {"payment_id": "pay_1"},
    )
    assert held.expire(now=NOW).to_status is OrderStatus.EXPIRED
    ticketing = replace(held, status=OrderStatus.PAID).start_ticketing(now=NOW)
    assert ticketing.to_status is OrderStatus.TICKETING
    failed = pending.fail(now=NOW, code="card_declined")
    assert (failed.to_status, failed.data["code"]) == (OrderStatus.FAILED, "card_declined")
    assert pending.status is OrderStatus.PENDING, "orders are values: nothing changed in place"


def test_transition_methods_refuse_what_the_table_forbids() -> None:
    ticketed = create_order(status=OrderStatus.TICKETED)
    with pytest.raises(OrderAlreadyPaid):
        ticketed.pay(now=NOW, payment_id="pay_1")
    with pytest.raises(InvalidTransition):
        ticketed.expire(now=NOW)
    failed = replace(ticketed, status=OrderStatus.FAILED)
    with pytest.raises(InvalidTransition):
        failed.confirm(now=NOW)
    assert TRANSITIONS[OrderStatus.FAILED] == frozenset()


def test_orders_are_immutable() -> None:
    order = create_order()
    with pytest.raises(AttributeError):
        order.status = OrderStatus.PAID  # type: ignore[misc]

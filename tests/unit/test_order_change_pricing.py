"""Pricing a voluntary change by fare brand (domain/changes.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from farebridge.domain.changes import (
    kept_services,
    price_change,
    removed_fare_share,
    slices_after_change,
)
from farebridge.domain.errors import InvalidState, OrderNotChangeable
from farebridge.domain.money import Money
from farebridge.domain.offer import ConditionRule, Conditions
from farebridge.domain.order import Order, OrderService, OrderStatus
from tests.factories import create_order, create_slice

NEW_YORK = ZoneInfo("America/New_York")


def gbp(amount: str) -> Money:
    return Money(Decimal(amount), "GBP")


def ticketed(*, refund: ConditionRule, change: ConditionRule) -> Order:
    """A one-way GBP 400 + 50 order, ticketed, with these fare conditions."""
    order = create_order(status=OrderStatus.TICKETED)
    return replace(order, conditions=Conditions(refund, change))


BASIC = (ConditionRule(False), ConditionRule(False))  # no refunds, no changes
STANDARD = (ConditionRule(False), ConditionRule(True, gbp("60.00")))  # changes for a fee
FLEX = (ConditionRule(True, gbp("0.00")), ConditionRule(True, gbp("0.00")))  # both free


def test_a_brand_that_forbids_changes_is_not_changeable() -> None:
    order = ticketed(refund=BASIC[0], change=BASIC[1])
    with pytest.raises(OrderNotChangeable) as raised:
        price_change(order, remove_slice_ids=["sli_1"], new_base=gbp("400"), new_tax=gbp("50"))
    assert raised.value.code == "order_not_changeable"
    assert isinstance(raised.value, InvalidState)  # 422


def test_penalty_plus_a_higher_fare() -> None:
    order = ticketed(refund=STANDARD[0], change=STANDARD[1])
    price = price_change(
        order, remove_slice_ids=["sli_1"], new_base=gbp("480.00"), new_tax=gbp("55.00")
    )
    assert price.penalty == gbp("60.00")
    assert price.change_total == gbp("145.00")  # 60 + (535 - 450)
    assert price.new_total == gbp("535.00")
    assert (price.new_base, price.new_tax) == (gbp("480.00"), gbp("55.00"))
    assert price.refund_to is None


def test_the_penalty_is_per_passenger_with_a_seat() -> None:
    order = ticketed(refund=STANDARD[0], change=STANDARD[1])
    two = replace(order, passengers=(*order.passengers, replace(order.passengers[0], id="pas_2")))
    price = price_change(two, remove_slice_ids=["sli_1"], new_base=gbp("400"), new_tax=gbp("50"))
    assert price.penalty == gbp("120.00")
    assert price.change_total == gbp("120.00")


def test_a_cheaper_fare_is_refunded_when_the_fare_allows_refunds() -> None:
    order = ticketed(refund=FLEX[0], change=FLEX[1])
    price = price_change(
        order, remove_slice_ids=["sli_1"], new_base=gbp("300.00"), new_tax=gbp("40.00")
    )
    assert price.change_total == gbp("-110.00")
    assert price.refund_to == "original_form_of_payment"
    assert price.new_total == gbp("340.00")


def test_a_cheaper_fare_is_forfeited_on_a_non_refundable_fare() -> None:
    order = ticketed(refund=STANDARD[0], change=STANDARD[1])
    price = price_change(
        order, remove_slice_ids=["sli_1"], new_base=gbp("300.00"), new_tax=gbp("40.00")
    )
    assert price.change_total == gbp("60.00")  # the penalty only; the difference is kept
    assert price.refund_to is None


def test_a_cancelled_order_cannot_be_changed() -> None:
    order = replace(ticketed(refund=FLEX[0], change=FLEX[1]), status=OrderStatus.CANCELLED)
    with pytest.raises(InvalidState) as raised:
        price_change(order, remove_slice_ids=["sli_1"], new_base=gbp("1"), new_tax=gbp("1"))
    assert raised.value.code == "already_cancelled"


def test_an_unpaid_hold_cannot_be_changed() -> None:
    order = replace(ticketed(refund=FLEX[0], change=FLEX[1]), status=OrderStatus.HOLD)
    with pytest.raises(InvalidState) as raised:
        price_change(order, remove_slice_ids=["sli_1"], new_base=gbp("1"), new_tax=gbp("1"))
    assert raised.value.code == "order_not_paid"


def _return_trip() -> Order:
    out = create_slice(departing_at=datetime(2030, 1, 10, 18, 30, tzinfo=NEW_YORK))
    back = replace(
        create_slice(departing_at=datetime(2030, 1, 20, 18, 30, tzinfo=NEW_YORK)), id="sli_2"
    )
    order = ticketed(refund=FLEX[0], change=FLEX[1])
    return replace(order, slices=(out, back), base=gbp("401.00"), tax=gbp("51.00"))


def test_a_removed_slice_stands_for_its_share_of_the_fare() -> None:
    order = _return_trip()
    assert removed_fare_share(order, 1) == (gbp("200.50"), gbp("25.50"))
    price = price_change(
        order, remove_slice_ids=["sli_2"], new_base=gbp("200.50"), new_tax=gbp("25.50")
    )
    assert price.change_total == gbp("0.00")
    assert price.new_total == order.total


def test_the_itinerary_after_a_change_is_in_travel_order_and_keeps_other_extras() -> None:
    order = _return_trip()
    earlier = replace(
        create_slice(departing_at=datetime(2030, 1, 5, 9, 0, tzinfo=NEW_YORK)), id="sli_new"
    )
    after = slices_after_change(order.slices, ["sli_1"], [earlier])
    assert [s.id for s in after] == ["sli_new", "sli_2"]
    bag_out = OrderService("srv_1", "baggage", None, "pas_1", gbp("30"), slice_id="sli_1")
    bag_back = OrderService("srv_2", "baggage", None, "pas_1", gbp("30"), slice_id="sli_2")
    order = replace(order, services=(bag_out, bag_back))
    assert kept_services(order, ["sli_1"]) == (bag_back,)
    price = price_change(order, remove_slice_ids=["sli_1"], new_base=gbp("0"), new_tax=gbp("0"))
    # the bag on the removed slice goes with it: 452 - 226 + 0 + one bag of 30
    assert price.new_total == gbp("256.00")
    assert timedelta(0) < after[1].departing_at - after[0].departing_at


def test_a_coupon_discount_stays_with_a_changed_order() -> None:
    order = ticketed(refund=STANDARD[0], change=STANDARD[1])
    discounted = replace(order, coupon_code="SPRING10", discount=gbp("45.00"))
    price = price_change(
        discounted, remove_slice_ids=["sli_1"], new_base=gbp("480.00"), new_tax=gbp("55.00")
    )
    assert price.change_total == gbp("145.00"), "the fare difference, as without a coupon"
    assert price.new_total == gbp("490.00")  # 535 - 45
    changed = replace(discounted, base=price.new_base, tax=price.new_tax)
    assert changed.total == price.new_total
    cheap = price_change(
        replace(discounted, discount=gbp("600.00")),
        remove_slice_ids=["sli_1"],
        new_base=gbp("480.00"),
        new_tax=gbp("55.00"),
    )
    assert cheap.new_total == gbp("0.00"), "a discount never makes the fare negative"

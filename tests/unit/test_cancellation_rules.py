"""Cancellation rules by time (ADR 0020): the cut-off before departure, penalties by the
time left (seed 002's schedule), and involuntary cancellations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from farebridge.domain.cancellation import quote_refund, step_for
from farebridge.domain.errors import CancellationWindowClosed, InvalidState
from farebridge.domain.money import Money
from farebridge.domain.offer import ConditionRule, Conditions, PenaltyStep
from farebridge.domain.order import Order, OrderStatus
from tests.factories import create_order

DEPARTS = datetime(2030, 1, 10, 23, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)


def inr(amount: int) -> Money:
    return Money(Decimal(amount), "INR")


# Seed 002 (views.get_cancellation_charge): more than 168 h free, more than 72 h 3,000,
# else 3,500; within 2 h refused.
SEED_002 = (
    PenaltyStep(timedelta(hours=168), amount=inr(0)),
    PenaltyStep(timedelta(hours=72), amount=inr(3000)),
    PenaltyStep(timedelta(0), amount=inr(3500)),
)


def seed_002_order(*, cancellation_cutoff: timedelta | None = None) -> Order:
    order = create_order(
        status=OrderStatus.TICKETED, base="17000", tax="903", currency="INR", departing_at=DEPARTS
    )
    conditions = Conditions(
        ConditionRule(True, inr(0), SEED_002), ConditionRule(True, None), cancellation_cutoff
    )
    return replace(order, conditions=conditions)


def seed_002_charge(hours_left: float) -> int:
    """The seed's own rule, written out."""
    if hours_left > 168:
        return 0
    if hours_left > 72:
        return 3000
    return 3500


@given(st.floats(min_value=2.01, max_value=24 * 60, allow_nan=False))
def test_the_penalty_follows_seed_002s_schedule_at_any_time_left(hours_left: float) -> None:
    order = seed_002_order()
    now = DEPARTS - timedelta(hours=hours_left)
    refund, penalty = quote_refund(order, now=now)
    assert penalty == inr(seed_002_charge(hours_left))
    assert refund + penalty == order.charged_total


@pytest.mark.parametrize(
    ("left", "charge"),
    [
        (timedelta(hours=168, seconds=1), 0),
        (timedelta(hours=168), 3000),  # exactly 7 days left: no longer "more than"
        (timedelta(hours=72, seconds=1), 3000),
        (timedelta(hours=72), 3500),
        (timedelta(hours=2, seconds=1), 3500),
    ],
)
def test_the_schedule_boundaries_are_strictly_more_than(left: timedelta, charge: int) -> None:
    _, penalty = quote_refund(seed_002_order(), now=DEPARTS - left)
    assert penalty == inr(charge)


@given(
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=6, unique=True),
    st.integers(min_value=-10, max_value=2000),
)
def test_the_step_is_the_largest_threshold_below_the_time_left(
    thresholds: list[int], hours_left: int
) -> None:
    schedule = [PenaltyStep(timedelta(hours=h), amount=inr(h)) for h in thresholds]
    step = step_for(schedule, timedelta(hours=hours_left))
    below = [h for h in thresholds if hours_left > h]
    expected = max(below) if below else min(thresholds)
    assert step is not None and step.more_than == timedelta(hours=expected)


def test_an_empty_schedule_has_no_step() -> None:
    assert step_for((), timedelta(hours=5)) is None


@pytest.mark.parametrize("left", [timedelta(hours=2), HOUR, timedelta(minutes=1)])
def test_no_online_cancellation_within_the_cut_off(left: timedelta) -> None:
    with pytest.raises(CancellationWindowClosed) as raised:
        quote_refund(seed_002_order(), now=DEPARTS - left)
    assert raised.value.code == "cancellation_window_closed"
    assert DEPARTS.isoformat() in raised.value.message and "2 h" in raised.value.message


def test_the_cut_off_is_the_engines_setting_unless_the_fare_has_its_own() -> None:
    order = seed_002_order()
    with pytest.raises(CancellationWindowClosed):
        quote_refund(order, now=DEPARTS - 5 * HOUR, cutoff=6 * HOUR)
    quote_refund(order, now=DEPARTS - 7 * HOUR, cutoff=6 * HOUR)
    own = seed_002_order(cancellation_cutoff=timedelta(hours=24))
    with pytest.raises(CancellationWindowClosed) as raised:
        quote_refund(own, now=DEPARTS - 20 * HOUR, cutoff=2 * HOUR)
    assert "24 h" in raised.value.message
    quote_refund(own, now=DEPARTS - 25 * HOUR, cutoff=48 * HOUR)


def test_an_involuntary_cancellation_refunds_everything_even_within_the_cut_off() -> None:
    order = replace(
        seed_002_order(),
        conditions=Conditions(ConditionRule(False), ConditionRule(False)),
    )
    refund, penalty = quote_refund(order, now=DEPARTS - HOUR, involuntary=True)
    assert (refund, penalty) == (order.charged_total, inr(0))
    voluntary = quote_refund(order, now=DEPARTS - 100 * HOUR)
    assert voluntary == (order.tax, order.charged_total - order.tax), "non-refundable"


def test_a_percentage_step_takes_a_share_of_the_fare_per_order() -> None:
    schedule = (
        PenaltyStep(timedelta(days=30)),
        PenaltyStep(timedelta(0), amount=inr(500), percentage=Decimal("10")),
    )
    order = replace(
        seed_002_order(),
        conditions=Conditions(ConditionRule(True, None, schedule), ConditionRule(True)),
    )
    assert quote_refund(order, now=DEPARTS - timedelta(days=31))[1] == inr(0)
    # 500 for the one passenger plus 10 % of the 17,000 fare
    assert quote_refund(order, now=DEPARTS - timedelta(days=3))[1] == inr(2200)


def test_a_flat_penalty_applies_when_the_fare_has_no_schedule() -> None:
    order = create_order(status=OrderStatus.TICKETED, departing_at=DEPARTS)
    _, penalty = quote_refund(order, now=DEPARTS - timedelta(days=3))
    assert penalty == Money(Decimal("75.00"), "GBP")


def test_a_departed_order_is_refused_unless_involuntary() -> None:
    order = seed_002_order()
    with pytest.raises(InvalidState) as raised:
        quote_refund(order, now=DEPARTS + HOUR)
    assert raised.value.code == "already_departed"
    assert quote_refund(order, now=DEPARTS + HOUR, involuntary=True)[1] == inr(0)

"""The booking workflow's rules (the Allmyles dialect's sessions) and slice comfort."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from farebridge.domain.booking_workflow import Workflow, WorkflowBooking, WorkflowState
from farebridge.domain.comfort import slice_comfort
from farebridge.domain.errors import NotFound, WorkflowNotSearched, WorkflowRuleBroken
from farebridge.domain.itinerary import CabinClass, Slice
from tests.factories import create_passenger, create_slice

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
LIFETIME = timedelta(minutes=17)


def searched(generation_before: int = 0) -> Workflow:
    start = replace(Workflow.start("usr_1", "k" * 64, now=NOW), generation=generation_before)
    workflow = start.searched(offer_request_id="orq_1", fingerprint="f", now=NOW)
    return workflow.with_results({workflow.result_id(0, 0): "off_1"})


def booking(*, pays_at_once: bool) -> WorkflowBooking:
    return WorkflowBooking("0_0_1", "off_1", (create_passenger(),), (), {}, pays_at_once)


def broken(call: Callable[[], object]) -> str:
    with pytest.raises(WorkflowRuleBroken) as raised:
        call()
    return raised.value.code


def test_a_result_must_come_from_the_latest_search() -> None:
    with pytest.raises(WorkflowNotSearched):
        Workflow.start("usr_1", "k", now=NOW).offer_for("0_0_1")
    workflow = searched()
    assert workflow.offer_for("0_0_1") == "off_1"
    newer = workflow.searched(offer_request_id="orq_2", fingerprint="g", now=NOW)
    assert broken(lambda: newer.offer_for("0_0_2")) == "workflow_busy"  # still searching
    assert broken(lambda: newer.offer_for("0_0_1")) == "not_latest_search"
    newer = newer.with_results({"0_0_2": "off_2"})
    assert broken(lambda: newer.offer_for("0_0_1")) == "not_latest_search"
    with pytest.raises(NotFound):
        newer.offer_for("9_0_2")


def test_book_once_then_pay_then_ticket() -> None:
    workflow = searched()
    assert broken(lambda: workflow.paid("tok_visa")) == "book_missing"
    assert broken(workflow.require_payment) == "book_missing"
    lcc = workflow.booked(booking(pays_at_once=True), order_id=None, booking_reference=None)
    assert broken(lambda: lcc.check_bookable("0_0_1")) == "already_booked"
    assert broken(lcc.require_payment) == "payment_missing"
    paid = lcc.paid("tok_visa")
    assert paid.state is WorkflowState.PAID and paid.require_payment() == "tok_visa"
    ticketed = paid.ticketed(order_id="ord_1", booking_reference="ABC123")
    assert broken(lambda: ticketed.paid("tok_visa")) == "already_ticketed"
    held = workflow.booked(booking(pays_at_once=False), order_id="ord_1", booking_reference="X")
    assert broken(lambda: held.paid("tok_visa")) == "payment_not_needed"
    assert held.require_payment() == ""


def test_an_unanswered_book_blocks_booking_again_and_ticketing() -> None:
    workflow = searched().unanswered(booking(pays_at_once=False))
    assert broken(lambda: workflow.check_bookable("0_0_1")) == "already_booked"
    assert broken(workflow.require_answered_booking) == "book_response_missing"
    answered = searched().booked(
        booking(pays_at_once=False), order_id="ord_1", booking_reference="A"
    )
    assert answered.require_answered_booking().answered


def test_a_workflow_expires_after_its_lifetime_without_a_call() -> None:
    workflow = searched()
    assert not workflow.is_expired(now=NOW + LIFETIME - timedelta(seconds=1), lifetime=LIFETIME)
    assert workflow.is_expired(now=NOW + LIFETIME, lifetime=LIFETIME)
    fresh = Workflow.start("usr_1", "k", now=NOW)
    assert not fresh.is_expired(now=NOW + 10 * LIFETIME, lifetime=LIFETIME)


def test_comfort_prefers_short_daytime_nonstops_in_better_cabins() -> None:
    day = create_slice()  # 18:30 from JFK, 7 h: lands 06:30 in London
    night = create_slice(
        departing_at=datetime(2030, 1, 10, 23, 0, tzinfo=ZoneInfo("America/New_York"))
    )
    assert slice_comfort(night) < slice_comfort(day)
    [segment] = day.segments
    business = Slice("s", (replace(segment, cabin_class=CabinClass.BUSINESS),))
    assert slice_comfort(business) > slice_comfort(day)
    tight = replace(
        segment,
        id="seg_2",
        departing_at=segment.arriving_at + timedelta(minutes=40),
        arriving_at=segment.arriving_at + timedelta(hours=2),
    )
    assert slice_comfort(Slice("s", (segment, tight))) < slice_comfort(day) - 8
    assert 0 <= slice_comfort(day) <= 100

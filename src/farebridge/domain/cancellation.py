"""Cancelling an order: a refund quote computed from the fare's conditions (ADR 0020).

* a cut-off: no online cancellation within ``cutoff`` of the first departure (the
  fare's ``cancellation_cutoff``, else the engine's default, 2 h);
* a penalty by the time left before departure where the fare's refund rule has a
  ``schedule`` (seed 002: more than 7 days free, more than 3 days 3,000, else 3,500);
* an involuntary cancellation (the airline changed or cancelled a flight) refunds
  everything charged, whatever the fare, and knows no cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from farebridge.domain.errors import CancellationWindowClosed, InvalidState, InvalidTransition
from farebridge.domain.money import Money
from farebridge.domain.offer import ConditionRule, PenaltyStep
from farebridge.domain.order import Order, OrderStatus, check_transition

QUOTE_LIFETIME = timedelta(minutes=15)
DEFAULT_CUTOFF = timedelta(hours=2)
INVOLUNTARY_REASON = "schedule_change"  # the airline changed the trip: full refund


@dataclass(frozen=True, slots=True)
class CancellationQuote:
    id: str
    order_id: str
    order_status: OrderStatus  # the status the quote was computed for
    refund: Money
    penalty: Money
    refund_to: str  # "original_form_of_payment" | "none"
    reason: str
    created_at: datetime
    expires_at: datetime
    confirmed_at: datetime | None = None

    def is_expired(self, now: datetime) -> bool:
        return self.confirmed_at is None and now >= self.expires_at


def step_for(schedule: Sequence[PenaltyStep], time_left: timedelta) -> PenaltyStep | None:
    """The step of ``schedule`` that applies with ``time_left`` before departure: the one
    with the largest threshold that ``time_left`` is strictly more than; inside every
    threshold, the last (smallest) step. None for an empty schedule."""
    ordered = sorted(schedule, key=lambda step: step.more_than, reverse=True)
    for step in ordered:
        if time_left > step.more_than:
            return step
    return ordered[-1] if ordered else None


def step_penalty(step: PenaltyStep, *, fare: Money, seated: int) -> Money:
    """A step's penalty for the whole order: its amount per seated passenger plus its
    percentage of the fare (``fare``: the order's base)."""
    penalty = Money.zero(fare.currency)
    if step.amount is not None:
        penalty = penalty + step.amount * seated
    if step.percentage is not None:
        penalty = penalty + fare * (step.percentage / Decimal(100))
    return penalty


def rule_penalty(rule: ConditionRule, order: Order, *, now: datetime) -> Money:
    """What the rule charges for ``order`` now: its schedule's step, else its flat penalty
    per seated passenger."""
    seated = len([p for p in order.passengers if p.type.occupies_seat])
    zero = Money.zero(order.total.currency)
    step = step_for(rule.schedule, order.slices[0].departing_at - now) if order.slices else None
    if step is not None:
        return step_penalty(step, fare=order.base, seated=seated)
    return (rule.penalty or zero) * seated


def effective_cutoff(order: Order, default: timedelta) -> timedelta:
    """The fare's own cut-off, else the engine's ``default``."""
    own = order.conditions.cancellation_cutoff
    return own if own is not None else default


def check_cancellation_window(order: Order, *, now: datetime, cutoff: timedelta) -> None:
    """``CancellationWindowClosed`` when the first flight leaves within the cut-off."""
    if not order.slices:
        return
    departing_at = order.slices[0].departing_at
    closing = effective_cutoff(order, cutoff)
    closes_at = departing_at - closing
    if now >= closes_at:
        hours = closing.total_seconds() / 3600
        raise CancellationWindowClosed(
            f"Order {order.id} cannot be cancelled online: its first flight departs at "
            f"{departing_at.isoformat()} and online cancellation closes {hours:g} h before "
            f"departure (at {closes_at.isoformat()}). Contact the airline.",
            departing_at=departing_at,
            cutoff=closing,
        )


def quote_refund(
    order: Order,
    *,
    now: datetime,
    cutoff: timedelta = DEFAULT_CUTOFF,
    involuntary: bool = False,
) -> tuple[Money, Money]:
    """Return ``(refund, penalty)`` for cancelling ``order`` now.

    * unpaid hold: nothing was charged, nothing to refund;
    * paid but not ticketed: a void, the whole amount comes back;
    * ticketed: refundable fares lose the penalty (by the time left before departure
      when the rule has a schedule); non-refundable fares get back only the taxes, as
      airlines do;
    * involuntary (the airline changed the trip): everything charged comes back, on any
      fare, and the cut-off does not apply.

    ``refund + penalty`` is always what the customer was charged: the order's total,
    paid extras included, and the card surcharge paid with it (it follows the fare: a
    void gives it back, a kept fare keeps it); all in the order's (selling) currency,
    as are the fare's penalties.
    """
    if order.status is OrderStatus.TICKETING:  # only the engine gives up a failed ticketing
        raise InvalidTransition(order.id, order.status.value, OrderStatus.CANCELLED.value)
    check_transition(order.id, order.status, OrderStatus.CANCELLED)
    zero = Money.zero(order.total.currency)
    if order.status is OrderStatus.HOLD and involuntary:
        return zero, zero
    if order.slices and now >= order.slices[0].departing_at and not involuntary:
        raise InvalidState(
            f"Order {order.id} has already departed; it can no longer be cancelled.",
            code="already_departed",
        )
    if not involuntary:
        check_cancellation_window(order, now=now, cutoff=cutoff)
    if order.status is OrderStatus.HOLD:
        return zero, zero
    charged = order.charged_total
    if order.status is not OrderStatus.TICKETED or involuntary:
        return charged, zero
    rule = order.conditions.refund_before_departure
    if not rule.allowed:  # the fare, the paid extras and the card fee are kept; taxes come back
        taxes = order.tax if order.tax <= charged else charged  # a coupon may have paid them
        return taxes, charged - taxes
    penalty = rule_penalty(rule, order, now=now)
    refund = (charged - penalty).max_zero()
    return refund, charged - refund

"""Cancelling an order: a refund quote computed from the fare's conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from farebridge.domain.errors import InvalidState, InvalidTransition
from farebridge.domain.money import Money
from farebridge.domain.order import Order, OrderStatus, check_transition

QUOTE_LIFETIME = timedelta(minutes=15)


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


def quote_refund(order: Order, *, now: datetime) -> tuple[Money, Money]:
    """Return ``(refund, penalty)`` for cancelling ``order`` now.

    * unpaid hold: nothing was charged, nothing to refund;
    * paid but not ticketed: a void, the whole amount comes back;
    * ticketed: refundable fares lose the penalty; non-refundable fares
      get back only the taxes, as airlines do.

    ``refund + penalty`` is always what the customer was charged: the order's total,
    paid extras included, and the card surcharge paid with it (it follows the fare: a
    void gives it back, a kept fare keeps it); all in the order's (selling) currency,
    as are the fare's penalties.
    """
    if order.status is OrderStatus.TICKETING:  # only the engine gives up a failed ticketing
        raise InvalidTransition(order.id, order.status.value, OrderStatus.CANCELLED.value)
    check_transition(order.id, order.status, OrderStatus.CANCELLED)
    zero = Money.zero(order.total.currency)
    if order.slices and now >= order.slices[0].departing_at:
        raise InvalidState(
            f"Order {order.id} has already departed; it can no longer be cancelled.",
            code="already_departed",
        )
    if order.status is OrderStatus.HOLD:
        return zero, zero
    charged = order.charged_total
    if order.status is not OrderStatus.TICKETED:
        return charged, zero
    rule = order.conditions.refund_before_departure
    if not rule.allowed:  # the fare, the paid extras and the card fee are kept; taxes come back
        return order.tax, charged - order.tax
    penalty = (rule.penalty or zero) * len([p for p in order.passengers if p.type.occupies_seat])
    refund = (charged - penalty).max_zero()
    return refund, charged - refund

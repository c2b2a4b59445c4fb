"""Voluntary order changes (Duffel's flow): a change request, priced change offers,
and the order change that books one of them (ADR 0012).

    ChangeRequest ──search──▶ ChangeOffer x n ──select──▶ OrderChange
    OrderChange: pending ──confirm──▶ confirming ──▶ confirmed
                                                 └──▶ failed

Pricing, all in the order's (selling) currency:

* ``penalty`` — the fare's ``change_before_departure`` penalty per passenger with a
  seat; a fare that does not allow changes raises ``OrderNotChangeable``;
* ``difference`` — the new flights' fare minus the share of the order's fare that the
  removed slices stand for (the order keeps one fare for the trip, so each slice
  stands for an equal share of it; the last slice takes the rounding);
* ``change_total = penalty + difference``: what the customer pays. A negative
  difference comes back only when the fare allows refunds (``refund_before_departure``);
  otherwise it is forfeited and ``change_total`` is the penalty alone. A negative
  ``change_total`` is a refund to the original form of payment;
* ``new_total`` — the order's total after the change: its fare with the removed share
  taken out and the new fare put in, plus the extras that stay (seats and bags on
  removed flights go with them and are not refunded).

An **involuntary** change (the airline retimed or cancelled a flight: a request with
``schedule_change_id``, ADR 0020) is free whatever the fare: no penalty, no fare
difference, allowed even where the fare forbids changes; the order keeps its fare, and
the extras on the removed flights, lost through no fault of the customer, are refunded
(a negative ``change_total``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from farebridge.domain.coupons import cap_discount
from farebridge.domain.errors import InvalidState, OrderNotChangeable
from farebridge.domain.itinerary import CabinClass, Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderService, OrderStatus

MAX_CHANGE_OFFERS = 50
# Orders whose flights may be changed: paid, and not being ticketed right now.
CHANGEABLE_STATUSES = frozenset({OrderStatus.INSTANT, OrderStatus.PAID, OrderStatus.TICKETED})


@dataclass(frozen=True, slots=True)
class SliceSpec:
    """A slice the customer wants instead of a removed one."""

    origin: str
    destination: str
    departure_date: date
    cabin_class: CabinClass = CabinClass.ECONOMY


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    id: str  # ocr_…
    order_id: str
    owner_id: str
    created_at: datetime
    updated_at: datetime
    remove_slice_ids: tuple[str, ...]
    add: tuple[SliceSpec, ...]
    offer_ids: tuple[str, ...] = ()  # the change offers found, cheapest first
    schedule_change_id: str | None = None  # set: an involuntary, free change


@dataclass(frozen=True, slots=True)
class ChangePrice:
    penalty: Money
    change_total: Money  # what the customer pays; negative: a refund
    new_total: Money  # the order's total after the change
    new_base: Money
    new_tax: Money
    refund_to: str | None  # "original_form_of_payment" when change_total < 0


@dataclass(frozen=True, slots=True)
class ChangeOffer:
    id: str  # oco_…
    change_request_id: str
    order_id: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    removed: tuple[Slice, ...]  # the order's slices taken away
    added: tuple[Slice, ...]  # the new ones
    penalty: Money
    change_total: Money
    new_total: Money
    new_base: Money
    new_tax: Money
    refund_to: str | None
    offer: Offer  # the provider's offer for the added slices: what is booked
    order_version: int  # the order it was priced for; a change to the order voids it
    schedule_change_id: str | None = None  # set: an involuntary, free change

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    @property
    def total_duration_minutes(self) -> int:
        return int(sum(s.duration.total_seconds() for s in self.added) // 60)

    @property
    def connections(self) -> int:
        return max((s.connections for s in self.added), default=0)


class OrderChangeStatus(StrEnum):
    PENDING = "pending"  # created; nothing booked or charged
    CONFIRMING = "confirming"  # a confirmation is booking and charging right now
    CONFIRMED = "confirmed"
    FAILED = "failed"  # the airline or the card said no; nothing is kept


CHANGE_TRANSITIONS: dict[OrderChangeStatus, frozenset[OrderChangeStatus]] = {
    OrderChangeStatus.PENDING: frozenset({OrderChangeStatus.CONFIRMING}),
    OrderChangeStatus.CONFIRMING: frozenset(
        {OrderChangeStatus.CONFIRMED, OrderChangeStatus.FAILED}
    ),
    OrderChangeStatus.CONFIRMED: frozenset(),
    OrderChangeStatus.FAILED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class OrderChange:
    id: str  # oce_…
    order_id: str
    change_offer_id: str
    status: OrderChangeStatus
    created_at: datetime
    expires_at: datetime
    confirmed_at: datetime | None
    penalty: Money
    change_total: Money
    new_total: Money
    refund_to: str | None
    removed: tuple[Slice, ...]
    added: tuple[Slice, ...]
    payment_id: str | None = None  # the charge of change_total, when one was due
    old_booking_reference: str | None = None  # set when its confirmation starts
    new_booking_reference: str | None = None
    failure_code: str | None = None
    schedule_change_id: str | None = None  # set: an involuntary, free change

    @property
    def involuntary(self) -> bool:
        return self.schedule_change_id is not None

    def is_expired(self, now: datetime) -> bool:
        return self.status is OrderChangeStatus.PENDING and now >= self.expires_at


def check_changeable(order: Order, *, involuntary: bool = False) -> None:
    """The order may have its flights changed: paid, not cancelled, its fare allows it
    (an involuntary change is allowed whatever the fare)."""
    if order.status is OrderStatus.CANCELLED:
        raise InvalidState(f"Order {order.id} is cancelled.", code="already_cancelled")
    if order.status is OrderStatus.TICKETING:
        raise InvalidState(
            f"Order {order.id} is being ticketed; change it once its tickets are issued.",
            code="ticketing_in_progress",
        )
    if order.status not in CHANGEABLE_STATUSES:
        raise InvalidState(
            f"Order {order.id} is {order.status.value}; only paid orders can be changed.",
            code="order_not_paid",
        )
    if not involuntary and not order.conditions.change_before_departure.allowed:
        raise OrderNotChangeable(
            f"The {order.fare_brand_name or 'order'} fare of order {order.id} does not "
            "allow changes."
        )


def removed_fare_share(order: Order, removed_count: int) -> tuple[Money, Money]:
    """``(base, tax)`` that ``removed_count`` of the order's slices stand for."""
    slices = len(order.slices)
    if removed_count >= slices:
        return order.base, order.tax
    return (
        Money.from_minor(order.base.minor * removed_count // slices, order.base.currency),
        Money.from_minor(order.tax.minor * removed_count // slices, order.tax.currency),
    )


def price_change(
    order: Order, *, remove_slice_ids: Sequence[str], new_base: Money, new_tax: Money
) -> ChangePrice:
    """Price replacing ``remove_slice_ids`` with flights whose fare is ``new_base`` +
    ``new_tax`` (every passenger); see the module docstring."""
    check_changeable(order)
    currency = order.total.currency
    rule = order.conditions.change_before_departure
    seated = len([p for p in order.passengers if p.type.occupies_seat])
    penalty = (rule.penalty or Money.zero(currency)) * seated
    old_base, old_tax = removed_fare_share(order, len(remove_slice_ids))
    difference = (new_base + new_tax) - (old_base + old_tax)
    if difference.amount < 0 and not order.conditions.refund_before_departure.allowed:
        difference = Money.zero(currency)  # a non-refundable fare keeps what it was paid
    change_total = penalty + difference
    new_base_total = order.base - old_base + new_base
    new_tax_total = order.tax - old_tax + new_tax
    kept = kept_services(order, remove_slice_ids)
    extras = Money.zero(currency)
    for service in kept:
        extras = extras + service.total
    return ChangePrice(
        penalty=penalty,
        change_total=change_total,
        new_total=_less_discount(order, new_base_total + new_tax_total) + extras,
        new_base=new_base_total,
        new_tax=new_tax_total,
        refund_to="original_form_of_payment" if change_total.amount < 0 else None,
    )


def price_involuntary_change(order: Order, *, remove_slice_ids: Sequence[str]) -> ChangePrice:
    """An airline-caused change: no penalty, no fare difference; the order keeps its fare;
    the extras on the removed flights are refunded."""
    check_changeable(order, involuntary=True)
    currency = order.total.currency
    kept = kept_services(order, remove_slice_ids)
    extras = Money.zero(currency)
    for service in kept:
        extras = extras + service.total
    lost = order.services_total - extras
    change_total = lost * -1
    return ChangePrice(
        penalty=Money.zero(currency),
        change_total=change_total,
        new_total=_less_discount(order, order.base + order.tax) + extras,
        new_base=order.base,
        new_tax=order.tax,
        refund_to="original_form_of_payment" if change_total.amount < 0 else None,
    )


def _less_discount(order: Order, fare: Money) -> Money:
    """``fare`` less the order's coupon discount (ADR 0024), which stays with the order
    and never exceeds the fare."""
    return fare if order.discount is None else fare - cap_discount(order.discount, fare)


def kept_services(order: Order, remove_slice_ids: Sequence[str]) -> tuple[OrderService, ...]:
    """The order's extras that are not on a removed slice or one of its flights."""
    removed = set(remove_slice_ids)
    segments = {seg.id for s in order.slices if s.id in removed for seg in s.segments}
    return tuple(
        service
        for service in order.services
        if service.slice_id not in removed and service.segment_id not in segments
    )


def slices_after_change(
    slices: Sequence[Slice], remove_slice_ids: Sequence[str], added: Sequence[Slice]
) -> tuple[Slice, ...]:
    """The itinerary after the change, in travel order."""
    removed = set(remove_slice_ids)
    kept = [s for s in slices if s.id not in removed]
    return tuple(sorted([*kept, *added], key=lambda s: s.departing_at))

"""Payments: what was charged, how, and how it ended. Never a card number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from farebridge.domain.errors import AmountMismatch
from farebridge.domain.money import Money
from farebridge.domain.order import OrderEvent, OrderStatus


class PaymentType(StrEnum):
    BALANCE = "balance"
    CARD = "card"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    type: PaymentType
    card_token: str | None = None  # an opaque token from the payment gateway


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    order_id: str
    amount: Money
    method: PaymentMethod
    status: PaymentStatus
    created_at: datetime
    failure_code: str | None = None


def check_amount(
    requested: Money,
    due: Money,
    *,
    field: str = "amount",
    currency_field: str = "currency",
    surcharge: Money | None = None,
) -> None:
    """A payment must be exactly the amount due, in the order's currency (seed 000: 422);
    ``surcharge`` is the card fee included in ``due``, named in the message."""
    if requested.currency != due.currency:
        raise AmountMismatch(
            f"The order is priced in {due.currency}; pay {due} (payments in "
            f"{requested.currency} are not accepted).",
            field=currency_field,
            code="currency_mismatch",
        )
    if requested.amount != due.amount:
        fee = (
            f" (including the card surcharge of {surcharge})"
            if surcharge is not None and surcharge.amount
            else ""
        )
        raise AmountMismatch(
            f"Payment amount {requested} does not match the total due {due}{fee}.", field=field
        )


def payment_failed(
    payment: Payment, *, order_status: OrderStatus, code: str, now: datetime
) -> OrderEvent:
    """The order event of a payment that failed (``payment.failed``): written in the
    transaction that marks the payment failed, so webhooks hear of it (ADR 0018)."""
    data = {
        "payment_id": payment.id,
        "amount": str(payment.amount.amount),
        "currency": payment.amount.currency,
        "code": code,
    }
    return OrderEvent(payment.order_id, "payment.failed", order_status, order_status, now, data)

"""The sandbox payment gateway: test tokens decide the outcome, no card data ever.

Token                    card type             outcome
tok_visa                 VI Visa               succeeds
tok_mastercard           CA MasterCard         succeeds
tok_amex                 AX American Express   succeeds
tok_visa_debit           VD Visa debit         succeeds
tok_card_declined        (none)                402 card_declined
tok_insufficient_funds   (none)                402 insufficient_funds
tok_expired_card         (none)                402 expired_card
(any other token)        (none)                402 invalid_card_token
balance payments         (none)                succeed (the agency's balance is not simulated)

The card type prices the airline's card surcharge (``domain/card_surcharges.py``);
a token without one pays no surcharge.

Charges and refunds are rows of the sandbox's ledger in the main database
(``store/sandbox_payments.py``), so the API and every worker process see the
same bank: the reconciler and the refund jobs find the charges the API made.
Charging one payment id twice charges once; refunding one refund id twice
refunds once; a refund needs a successful charge and never exceeds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import structlog

from farebridge.domain.card_surcharges import CardType
from farebridge.domain.clock import Clock
from farebridge.domain.errors import InvalidState
from farebridge.domain.money import Money
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.providers.base import ChargeResult

log = structlog.get_logger(__name__)

CARD_TYPES = {
    "tok_visa": CardType.VISA,
    "tok_mastercard": CardType.MASTERCARD,
    "tok_amex": CardType.AMERICAN_EXPRESS,
    "tok_visa_debit": CardType.VISA_DEBIT,
}
SUCCEEDING_TOKENS = frozenset(CARD_TYPES)
DECLINING_TOKENS = {
    "tok_card_declined": ("card_declined", "The card was declined by the issuer."),
    "tok_insufficient_funds": ("insufficient_funds", "The card has insufficient funds."),
    "tok_expired_card": ("expired_card", "The card has expired."),
}


@dataclass(frozen=True, slots=True)
class LedgerCharge:
    payment_id: str
    amount: Money
    result: ChargeResult
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LedgerRefund:
    refund_id: str
    payment_id: str
    amount: Money
    created_at: datetime


class SandboxLedger(Protocol):
    """Where the simulated bank keeps its books (SQL in ``store/``)."""

    def record_charge(self, charge: LedgerCharge) -> LedgerCharge:
        """Insert the charge unless one exists for its payment id; return the stored one."""
        ...

    def charge(self, payment_id: str) -> LedgerCharge | None: ...

    def record_refund(self, refund: LedgerRefund) -> None:
        """Insert once per refund id, in one transaction with the check that the
        payment's successful charge covers all its refunds; ``InvalidState`` if not."""
        ...


def outcome(method: PaymentMethod) -> ChargeResult:
    """What the simulated issuer answers for this payment method."""
    if method.type is PaymentType.BALANCE or method.card_token in SUCCEEDING_TOKENS:
        return ChargeResult(succeeded=True)
    code, message = DECLINING_TOKENS.get(
        method.card_token or "",
        ("invalid_card_token", "Unknown card token; use a sandbox test token."),
    )
    return ChargeResult(succeeded=False, failure_code=code, failure_message=message)


class SandboxPaymentGateway:
    def __init__(self, ledger: SandboxLedger, clock: Clock) -> None:
        self._ledger = ledger
        self._clock = clock

    def card_type(self, method: PaymentMethod) -> CardType | None:
        if method.type is not PaymentType.CARD:
            return None
        return CARD_TYPES.get(method.card_token or "")

    def charge(self, payment_id: str, amount: Money, method: PaymentMethod) -> ChargeResult:
        charge = LedgerCharge(payment_id, amount, outcome(method), self._clock.now())
        stored = self._ledger.record_charge(charge)
        log.info(
            "sandbox.charge",
            payment_id=payment_id,
            amount=str(amount),
            succeeded=stored.result.succeeded,
        )
        return stored.result

    def find_charge(self, payment_id: str) -> ChargeResult | None:
        charge = self._ledger.charge(payment_id)
        return charge.result if charge is not None else None

    def refund(self, refund_id: str, payment_id: str, amount: Money) -> None:
        charge = self._ledger.charge(payment_id)
        if charge is None or not charge.result.succeeded:
            raise InvalidState(
                f"Payment {payment_id} was never charged; there is nothing to refund.",
                code="refund_without_charge",
            )
        if amount.currency != charge.amount.currency:
            raise InvalidState(
                f"A refund of {payment_id} must be in {charge.amount.currency}.",
                code="refund_currency_mismatch",
            )
        self._ledger.record_refund(LedgerRefund(refund_id, payment_id, amount, self._clock.now()))
        log.info("sandbox.refund", refund_id=refund_id, payment_id=payment_id, amount=str(amount))

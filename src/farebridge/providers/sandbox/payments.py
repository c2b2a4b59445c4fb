"""The sandbox payment gateway: test tokens decide the outcome, no card data ever.

Token                    outcome
tok_visa, tok_mastercard succeeds
tok_card_declined        402 card_declined
tok_insufficient_funds   402 insufficient_funds
tok_expired_card         402 expired_card
(any other token)        402 invalid_card_token
balance payments         succeed (the agency's balance is not simulated)

Outcomes depend only on the token, so charging the same payment twice gives the
same answer: the gateway is idempotent per payment id.
"""

from __future__ import annotations

import threading

import structlog

from farebridge.domain.money import Money
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.services.ports import ChargeResult

log = structlog.get_logger(__name__)

SUCCEEDING_TOKENS = frozenset({"tok_visa", "tok_mastercard", "tok_amex"})
DECLINING_TOKENS = {
    "tok_card_declined": ("card_declined", "The card was declined by the issuer."),
    "tok_insufficient_funds": ("insufficient_funds", "The card has insufficient funds."),
    "tok_expired_card": ("expired_card", "The card has expired."),
}


class SandboxPaymentGateway:
    """Remembers its charges in memory, as a simulated bank that lives in one process."""

    def __init__(self) -> None:
        self._charges: dict[str, ChargeResult] = {}
        self._lock = threading.Lock()

    def charge(self, payment_id: str, amount: Money, method: PaymentMethod) -> ChargeResult:
        if method.type is PaymentType.BALANCE or method.card_token in SUCCEEDING_TOKENS:
            log.info("sandbox.charge", payment_id=payment_id, amount=str(amount))
            result = ChargeResult(succeeded=True)
        else:
            code, message = DECLINING_TOKENS.get(
                method.card_token or "",
                ("invalid_card_token", "Unknown card token; use a sandbox test token."),
            )
            result = ChargeResult(succeeded=False, failure_code=code, failure_message=message)
        with self._lock:
            return self._charges.setdefault(payment_id, result)

    def find_charge(self, payment_id: str) -> ChargeResult | None:
        with self._lock:
            return self._charges.get(payment_id)

    def refund(self, payment_id: str, amount: Money) -> None:
        log.info("sandbox.refund", payment_id=payment_id, amount=str(amount))

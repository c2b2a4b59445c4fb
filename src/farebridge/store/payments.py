"""Payments and cancellation quotes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.money import Money
from farebridge.domain.order import OrderStatus
from farebridge.domain.payment import Payment, PaymentMethod, PaymentStatus, PaymentType
from farebridge.services.ports import PaymentInFlight
from farebridge.store.tables import cancellations, payments

# Built once (ADR 0034); a status change's new values are the execution's parameters.
_INSERT_PAYMENT = insert(payments)
_PAYMENT_BY_ID = select(payments).where(payments.c.id == bindparam("payment_id"))
_MOVE_PAYMENT = update(payments).where(
    payments.c.id == bindparam("cas_id"), payments.c.status == bindparam("cas_from")
)


class PaymentRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(
        self, payment: Payment, *, idempotency_key: str | None = None, new_order: bool = False
    ) -> None:
        """Insert a payment; at most one pending/succeeded payment per order. The insert
        runs in a savepoint, so that ``PaymentInFlight`` leaves the transaction usable,
        unless the order is new (inserted in this transaction: no payment can be there)."""
        values = {
            "id": payment.id,
            "order_id": payment.order_id,
            "amount_minor": payment.amount.minor,
            "currency": payment.amount.currency,
            "type": payment.method.type.value,
            "status": payment.status.value,
            "failure_code": payment.failure_code,
            "created_at": payment.created_at,
            "idempotency_key": idempotency_key,
        }
        if new_order:
            self._db.execute(_INSERT_PAYMENT, values)
            return
        try:
            with self._db.begin_nested():
                self._db.execute(_INSERT_PAYMENT, values)
        except IntegrityError as exc:
            raise PaymentInFlight(payment.order_id) from exc

    def set_status(
        self,
        payment_id: str,
        *,
        from_status: PaymentStatus,
        to_status: PaymentStatus,
        failure_code: str | None = None,
    ) -> bool:
        result = self._db.execute(
            _MOVE_PAYMENT,
            {
                "cas_id": payment_id,
                "cas_from": from_status.value,
                "status": to_status.value,
                "failure_code": failure_code,
            },
        )
        return result.rowcount == 1

    def get(self, payment_id: str) -> Payment | None:
        row = self._db.execute(_PAYMENT_BY_ID, {"payment_id": payment_id}).first()
        return _payment(row) if row else None

    def for_order(self, order_id: str) -> list[Payment]:
        rows = self._db.execute(
            select(payments).where(payments.c.order_id == order_id).order_by(payments.c.created_at)
        )
        return [_payment(r) for r in rows]

    def stale_pending(self, older_than: datetime) -> list[Payment]:
        rows = self._db.execute(
            select(payments).where(
                payments.c.status == PaymentStatus.PENDING.value,
                payments.c.created_at < older_than,
            )
        )
        return [_payment(r) for r in rows]

    def live_for_order(self, order_id: str) -> Payment | None:
        row = self._db.execute(
            select(payments).where(
                payments.c.order_id == order_id,
                payments.c.status.in_([PaymentStatus.PENDING.value, PaymentStatus.SUCCEEDED.value]),
            )
        ).first()
        return _payment(row) if row else None


def _payment(row: Row[Any]) -> Payment:
    return Payment(
        id=row.id,
        order_id=row.order_id,
        amount=Money.from_minor(row.amount_minor, row.currency),
        method=PaymentMethod(PaymentType(row.type)),
        status=PaymentStatus(row.status),
        created_at=row.created_at,
        failure_code=row.failure_code,
    )


class CancellationRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, quote: CancellationQuote) -> None:
        self._db.execute(
            insert(cancellations).values(
                id=quote.id,
                order_id=quote.order_id,
                order_status=quote.order_status.value,
                refund_amount_minor=quote.refund.minor,
                penalty_amount_minor=quote.penalty.minor,
                currency=quote.refund.currency,
                refund_to=quote.refund_to,
                reason=quote.reason,
                created_at=quote.created_at,
                expires_at=quote.expires_at,
            )
        )

    def get(self, quote_id: str) -> CancellationQuote | None:
        row = self._db.execute(select(cancellations).where(cancellations.c.id == quote_id)).first()
        return None if row is None else self._quote(row)

    def list_for_order(self, order_id: str) -> list[CancellationQuote]:
        """The order's cancellation quotes, oldest first."""
        rows = self._db.execute(
            select(cancellations)
            .where(cancellations.c.order_id == order_id)
            .order_by(cancellations.c.created_at, cancellations.c.id)
        )
        return [self._quote(row) for row in rows]

    @staticmethod
    def _quote(row: Any) -> CancellationQuote:
        return CancellationQuote(
            id=row.id,
            order_id=row.order_id,
            order_status=OrderStatus(row.order_status),
            refund=Money.from_minor(row.refund_amount_minor, row.currency),
            penalty=Money.from_minor(row.penalty_amount_minor, row.currency),
            refund_to=row.refund_to,
            reason=row.reason,
            created_at=row.created_at,
            expires_at=row.expires_at,
            confirmed_at=row.confirmed_at,
        )

    def confirm(self, quote_id: str, *, now: datetime) -> bool:
        result = self._db.execute(
            update(cancellations)
            .where(cancellations.c.id == quote_id, cancellations.c.confirmed_at.is_(None))
            .values(confirmed_at=now)
        )
        return result.rowcount == 1


__all__ = ["CancellationRepository", "PaymentInFlight", "PaymentRepository"]

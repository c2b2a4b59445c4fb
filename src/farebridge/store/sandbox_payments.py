"""SQL side of the sandbox payment gateway: its ledger of charges and refunds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Row, func, insert, select
from sqlalchemy.exc import IntegrityError

from farebridge.domain.errors import InvalidState
from farebridge.domain.money import Money
from farebridge.providers.base import ChargeResult
from farebridge.providers.sandbox.booking.payments import LedgerCharge, LedgerRefund
from farebridge.store.database import for_reading
from farebridge.store.tables import sandbox_charges, sandbox_refunds


class SqlSandboxLedger:
    """Implements ``providers.sandbox.booking.payments.SandboxLedger``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_charge(self, charge: LedgerCharge) -> LedgerCharge:
        try:
            with self._engine.begin() as db:
                db.execute(
                    insert(sandbox_charges).values(
                        payment_id=charge.payment_id,
                        amount_minor=charge.amount.minor,
                        currency=charge.amount.currency,
                        succeeded=int(charge.result.succeeded),
                        failure_code=charge.result.failure_code,
                        failure_message=charge.result.failure_message,
                        created_at=charge.created_at,
                    )
                )
        except IntegrityError:  # charged before: the first answer stands
            stored = self.charge(charge.payment_id)
            assert stored is not None
            return stored
        return charge  # what was just stored

    def charge(self, payment_id: str) -> LedgerCharge | None:
        with for_reading(self._engine.connect()) as db:
            row = db.execute(
                select(sandbox_charges).where(sandbox_charges.c.payment_id == payment_id)
            ).first()
        return _charge(row) if row is not None else None

    def record_refund(self, refund: LedgerRefund) -> None:
        with self._engine.begin() as db:
            charge = db.execute(
                select(sandbox_charges)
                .where(sandbox_charges.c.payment_id == refund.payment_id)
                .with_for_update()  # one refund decision per charge at a time
            ).first()
            if charge is None or not charge.succeeded:
                raise InvalidState(
                    f"Payment {refund.payment_id} was never charged.",
                    code="refund_without_charge",
                )
            done = db.execute(
                select(sandbox_refunds.c.refund_id).where(
                    sandbox_refunds.c.refund_id == refund.refund_id
                )
            ).first()
            if done is not None:
                return  # refunded before under this id
            refunded = db.execute(
                select(func.coalesce(func.sum(sandbox_refunds.c.amount_minor), 0)).where(
                    sandbox_refunds.c.payment_id == refund.payment_id
                )
            ).scalar_one()
            if refunded + refund.amount.minor > charge.amount_minor:
                raise InvalidState(
                    f"Refunding {refund.amount} would exceed what payment "
                    f"{refund.payment_id} charged.",
                    code="refund_exceeds_charge",
                )
            db.execute(
                insert(sandbox_refunds).values(
                    refund_id=refund.refund_id,
                    payment_id=refund.payment_id,
                    amount_minor=refund.amount.minor,
                    currency=refund.amount.currency,
                    created_at=refund.created_at,
                )
            )


def _charge(row: Row[Any]) -> LedgerCharge:
    return LedgerCharge(
        payment_id=row.payment_id,
        amount=Money.from_minor(row.amount_minor, row.currency),
        result=ChargeResult(
            succeeded=bool(row.succeeded),
            failure_code=row.failure_code,
            failure_message=row.failure_message,
        ),
        created_at=row.created_at,
    )

"""Coupons and their redemptions (ADR 0024). A redemption is
``UPDATE coupons SET uses = uses + 1 WHERE id = :id AND (max_uses IS NULL OR uses <
max_uses)`` and its row, in the transaction that records the order: concurrent orders
never redeem more than ``max_uses`` (the ``CHECK`` is the backstop)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.coupons import Coupon
from farebridge.domain.money import Money
from farebridge.store.tables import coupon_redemptions, coupons


class CouponRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, coupon: Coupon) -> bool:
        """False (nothing added) when the code exists."""
        amount, spend = coupon.amount, coupon.minimum_spend
        try:
            with self._db.begin_nested():
                self._db.execute(
                    insert(coupons).values(
                        id=coupon.id,
                        code=coupon.code,
                        amount_minor=amount.minor if amount is not None else None,
                        currency=amount.currency if amount is not None else None,
                        percent=coupon.percent,
                        minimum_spend_minor=spend.minor if spend is not None else None,
                        minimum_spend_currency=spend.currency if spend is not None else None,
                        valid_from=coupon.valid_from,
                        valid_until=coupon.valid_until,
                        max_uses=coupon.max_uses,
                        uses=coupon.uses,
                        created_at=coupon.created_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def get_by_code(self, code: str) -> Coupon | None:
        row = self._db.execute(select(coupons).where(coupons.c.code == code)).first()
        return _coupon(row) if row else None

    def list(self) -> list[Coupon]:
        rows = self._db.execute(select(coupons).order_by(coupons.c.created_at, coupons.c.id))
        return [_coupon(row) for row in rows]

    def redeem(self, coupon_id: str, order_id: str, discount: Money, *, now: datetime) -> bool:
        """Take one use of the coupon for ``order_id``; False (nothing changed) when it
        has none left."""
        taken = self._db.execute(
            update(coupons)
            .where(
                coupons.c.id == coupon_id,
                (coupons.c.max_uses.is_(None)) | (coupons.c.uses < coupons.c.max_uses),
            )
            .values(uses=coupons.c.uses + 1)
        )
        if taken.rowcount != 1:
            return False
        self._db.execute(
            insert(coupon_redemptions).values(
                coupon_id=coupon_id,
                order_id=order_id,
                amount_minor=discount.minor,
                currency=discount.currency,
                redeemed_at=now,
            )
        )
        return True

    def release(self, order_id: str) -> bool:
        """Give back the use ``order_id`` took (an order that never came about); False
        when it took none or gave it back already."""
        row = self._db.execute(
            delete(coupon_redemptions)
            .where(coupon_redemptions.c.order_id == order_id)
            .returning(coupon_redemptions.c.coupon_id)
        ).first()
        if row is None:
            return False
        self._db.execute(
            update(coupons)
            .where(coupons.c.id == row.coupon_id, coupons.c.uses > 0)
            .values(uses=coupons.c.uses - 1)
        )
        return True


def _coupon(row: Row[Any]) -> Coupon:
    return Coupon(
        id=row.id,
        code=row.code,
        created_at=row.created_at,
        amount=(
            Money.from_minor(row.amount_minor, row.currency)
            if row.amount_minor is not None
            else None
        ),
        percent=row.percent,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        max_uses=row.max_uses,
        minimum_spend=(
            Money.from_minor(row.minimum_spend_minor, row.minimum_spend_currency)
            if row.minimum_spend_minor is not None
            else None
        ),
        uses=row.uses,
    )

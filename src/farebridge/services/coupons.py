"""Coupons (ADR 0024): managed by admins (``/api/admin/coupons``) and operators
(``farebridge coupons add``), applied to a price or an order by its code.

:func:`apply_coupon` checks a code against the coupons table and prices its discount
(``domain.coupons.discount_for``); the use itself is taken by
``order_steps.record`` in the transaction that records the order, and given back
by ``order_steps.fail_order`` if the order never comes about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from farebridge.domain.access import require_role
from farebridge.domain.account import Role, User
from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.domain.coupons import (
    Coupon,
    discount_for,
    is_well_formed,
    normalise_code,
    not_found,
)
from farebridge.domain.errors import Conflict
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.services.currencies import check_sellable
from farebridge.services.ports import Dependencies, UnitOfWork


@dataclass(frozen=True, slots=True)
class NewCoupon:
    """A coupon to add: exactly one of ``amount`` and ``percent``."""

    code: str
    amount: Money | None = None
    percent: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None
    minimum_spend: Money | None = None


@dataclass(frozen=True, slots=True)
class AppliedCoupon:
    """A coupon that applies to a price, and what it takes off (the selling currency)."""

    coupon_id: str
    code: str
    discount: Money


def add_coupon(deps: Dependencies, *, actor: User | None, new: NewCoupon) -> Coupon:
    """Add a coupon (admins; ``actor`` None: the command line). 400 naming the field for
    bad terms, 409 ``coupon_exists`` for a code in use."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if new.amount is not None:
        check_sellable(deps, new.amount.currency, field="currency")
    if new.minimum_spend is not None:
        check_sellable(deps, new.minimum_spend.currency, field="minimum_spend_currency")
    now = deps.clock.now()
    coupon = Coupon(
        id=new_id("cpn"),
        code=normalise_code(new.code),
        created_at=now,
        amount=new.amount,
        percent=new.percent,
        valid_from=new.valid_from,
        valid_until=new.valid_until,
        max_uses=new.max_uses,
        minimum_spend=new.minimum_spend,
    )
    with deps.uow() as uow:
        if not uow.coupons.add(coupon):
            raise Conflict(
                f"Coupon {coupon.code} exists already.", code="coupon_exists", field="code"
            )
        uow.audit.record(
            AuditEntry(
                AuditAction.COUPON_ADDED,
                actor.id if actor is not None else None,
                now,
                data={"coupon_id": coupon.id, "code": coupon.code, **_terms(coupon)},
            )
        )
        uow.commit()
    return coupon


def list_coupons(deps: Dependencies, *, actor: User | None) -> list[Coupon]:
    """Every coupon with its uses, oldest first (admins; ``actor`` None: the CLI)."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    with deps.uow(read_only=True) as uow:
        return uow.coupons.list()


def apply_coupon(
    uow: UnitOfWork, deps: Dependencies, code: str, *, fare: Money, spend: Money
) -> AppliedCoupon:
    """The coupon ``code`` priced for a fare of ``fare`` and a spend (before the
    discount) of ``spend``; ``InvalidCoupon`` naming ``coupon_code`` when it is unknown
    or does not apply. Takes no use."""
    normal = normalise_code(code)
    coupon = uow.coupons.get_by_code(normal) if is_well_formed(normal) else None
    if coupon is None:
        raise not_found(code)
    discount = discount_for(
        coupon, fare=fare, spend=spend, now=deps.clock.now(), rates=deps.rates.current()
    )
    return AppliedCoupon(coupon.id, coupon.code, discount)


def _terms(coupon: Coupon) -> dict[str, str | int | None]:
    return {
        "amount": str(coupon.amount) if coupon.amount is not None else None,
        "percent": coupon.percent,
        "max_uses": coupon.max_uses,
        "valid_until": coupon.valid_until.isoformat() if coupon.valid_until else None,
    }

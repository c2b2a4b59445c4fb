"""Coupons on orders and prices (ADR 0024), on SQLite and PostgreSQL: the discount is
priced, paid and kept with the order; an unknown, expired or used-up code is a 400
naming ``coupon_code``; a use is taken with the order and given back if it fails;
racing orders never take more uses than there are."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from farebridge.bootstrap import build
from farebridge.domain.account import Role, User
from farebridge.domain.clock import ManualClock
from farebridge.domain.coupons import Coupon
from farebridge.domain.errors import FarebridgeError, InvalidCoupon, RoleRequired
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderStatus, OrderType
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.services import cancellation, coupons, payments, search
from farebridge.services.coupons import NewCoupon
from farebridge.services.expiry import expire_holds
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.tables import coupon_redemptions
from farebridge.store.tables import coupons as coupons_table
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers

BALANCE = PaymentMethod(PaymentType.BALANCE)


def add_coupon(
    services: Dependencies,
    *,
    code: str = "SPRING10",
    percent: int = 10,
    amount: Money | None = None,
    max_uses: int | None = None,
    ended_days_ago: int | None = None,
    minimum_spend: Money | None = None,
) -> Coupon:
    """A coupon of ``percent`` off, or of ``amount`` off when given."""
    now = services.clock.now()
    ended = timedelta(days=ended_days_ago) if ended_days_ago is not None else None
    new = NewCoupon(
        code=code,
        amount=amount,
        percent=None if amount is not None else percent,
        valid_from=now - 2 * ended if ended is not None else None,
        valid_until=now - ended if ended is not None else None,
        max_uses=max_uses,
        minimum_spend=minimum_spend,
    )
    return coupons.add_coupon(services, actor=None, new=new)


def _offer(services: Dependencies, *, holdable: bool = False) -> Offer:
    """An offer of an anonymous search: every test user may book it."""
    offers = find_offers(services)
    return next(o for o in offers if not holdable or not o.requires_instant_payment)


def order_with(
    services: Dependencies,
    *,
    user: User,
    offer: Offer,
    code: str | None,
    amount: Money | None = None,
    instant: bool = True,
    token: str | None = None,
    scenarios: frozenset[str] = frozenset(),
) -> Order:
    method = PaymentMethod(PaymentType.CARD, token) if token else BALANCE
    payment = PaymentRequest(amount, method) if instant and amount is not None else None
    command = CreateOrder(
        OrderType.INSTANT if instant else OrderType.HOLD,
        offer.id,
        [create_passenger(id="", born_on=date(1980, 1, 1))],
        payment=payment,
        coupon_code=code,
        scenarios=scenarios,
    )
    return create_order(services, user=user, command=command)


def uses(engine: Engine, code: str) -> tuple[int, int]:
    """(the coupon's uses, its redemption rows)."""
    with engine.connect() as db:
        coupon_id, used = db.execute(
            select(coupons_table.c.id, coupons_table.c.uses).where(coupons_table.c.code == code)
        ).one()
        rows = db.execute(
            select(func.count())
            .select_from(coupon_redemptions)
            .where(coupon_redemptions.c.coupon_id == coupon_id)
        ).scalar_one()
    return used, rows


def test_an_instant_order_pays_the_fare_less_the_discount(
    services: Dependencies, engine: Engine
) -> None:
    add_coupon(services, percent=10)
    user = create_user(services)
    offer = _offer(services)
    discount = Money(offer.total.amount * Decimal("0.1"), offer.total.currency)
    priced = search.price_offer(
        services, user=user, offer_id=offer.id, services=[], coupon_code="spring10"
    )
    assert priced.discount == discount and priced.coupon_code == "SPRING10"
    assert priced.total == offer.total - discount
    with pytest.raises(FarebridgeError) as gross:  # the undiscounted amount is not what is due
        order_with(services, user=user, offer=offer, code="SPRING10", amount=offer.total)
    assert gross.value.code == "amount_mismatch"
    assert uses(engine, "SPRING10") == (0, 0), "a refused request takes no use"

    order = order_with(services, user=user, offer=offer, code="Spring10", amount=priced.total)
    assert order.status is OrderStatus.INSTANT
    assert (order.coupon_code, order.discount) == ("SPRING10", discount)
    assert order.total == offer.total - discount and order.gross_total == offer.total
    with services.uow(read_only=True) as uow:
        stored = uow.orders.get(order.id)
    assert stored is not None and stored.discount == discount and stored.total == order.total
    assert uses(engine, "SPRING10") == (1, 1)


def test_a_held_order_is_paid_at_its_discounted_total(
    services: Dependencies, engine: Engine
) -> None:
    add_coupon(services, code="TENOFF", amount=Money(Decimal("10"), "USD"))
    user = create_user(services)
    offer = _offer(services, holdable=True)
    order = order_with(services, user=user, offer=offer, code="TENOFF", instant=False)
    assert order.discount is not None and order.discount.amount > 0
    assert order.discount.currency == offer.total.currency  # converted when it differs
    with pytest.raises(FarebridgeError) as gross:
        payments.pay_order(
            services, user=user, order_id=order.id, amount=order.gross_total, method=BALANCE
        )
    assert gross.value.code == "amount_mismatch"
    payments.pay_order(services, user=user, order_id=order.id, amount=order.total, method=BALANCE)
    with services.uow(read_only=True) as uow:
        paid = uow.orders.get(order.id)
    assert paid is not None and paid.status is OrderStatus.PAID
    assert paid.charged_total == offer.total - order.discount
    assert uses(engine, "TENOFF") == (1, 1)


@pytest.mark.parametrize(
    ("terms", "code", "reason"),
    [
        ({}, "NOPE123", "coupon_not_found"),
        ({}, "", "coupon_not_found"),
        ({"ended_days_ago": 1}, "SPRING10", "coupon_expired"),
        ({"minimum_spend": Money(Decimal("1000000"), "USD")}, "SPRING10", "coupon_minimum_spend"),
    ],
)
def test_a_coupon_that_does_not_apply_is_a_400_naming_coupon_code(
    services: Dependencies, engine: Engine, terms: dict[str, object], code: str, reason: str
) -> None:
    add_coupon(services, **terms)  # type: ignore[arg-type]
    user = create_user(services)
    offer = _offer(services)
    for attempt in (
        lambda: search.price_offer(
            services, user=user, offer_id=offer.id, services=[], coupon_code=code
        ),
        lambda: order_with(services, user=user, offer=offer, code=code, amount=offer.total),
    ):
        with pytest.raises(InvalidCoupon) as refused:
            attempt()
        assert (refused.value.code, refused.value.field) == (reason, "coupon_code")
    assert uses(engine, "SPRING10") == (0, 0)


def test_a_used_up_coupon_is_refused(services: Dependencies, engine: Engine) -> None:
    add_coupon(services, code="ONCE", percent=5, max_uses=1)
    first, second = create_user(services), create_user(services)
    offer = _offer(services)
    due = offer.total - Money(offer.total.amount * Decimal("0.05"), offer.total.currency)
    order_with(services, user=first, offer=offer, code="ONCE", amount=due)
    with pytest.raises(InvalidCoupon) as refused:
        order_with(services, user=second, offer=offer, code="once", amount=due)
    assert (refused.value.code, refused.value.field) == ("coupon_used_up", "coupon_code")
    assert uses(engine, "ONCE") == (1, 1)


@pytest.mark.parametrize(("fault", "token"), [("sold_out", None), (None, "tok_card_declined")])
def test_an_order_that_fails_gives_its_use_back(
    services: Dependencies, engine: Engine, fault: str | None, token: str | None
) -> None:
    add_coupon(services, code="ONCE", percent=5, max_uses=1)
    user = create_user(services)
    offer = _offer(services)
    due = offer.total - Money(offer.total.amount * Decimal("0.05"), offer.total.currency)
    card = services.gateway.card_type(PaymentMethod(PaymentType.CARD, token)) if token else None
    surcharge = offer.card_surcharge(card)
    with pytest.raises(FarebridgeError) as failed:
        order_with(
            services,
            user=user,
            offer=offer,
            code="ONCE",
            amount=due + surcharge,
            token=token,
            scenarios=frozenset({fault}) if fault else frozenset(),
        )
    assert failed.value.code in {"offer_no_longer_available", "card_declined"}
    assert uses(engine, "ONCE") == (0, 0), "a failed order takes no use"
    order = order_with(services, user=user, offer=offer, code="ONCE", amount=due)
    assert order.status is OrderStatus.INSTANT and uses(engine, "ONCE") == (1, 1)


CLIENTS = 12
LAST_USES = 2


def test_racing_orders_never_take_more_uses_than_there_are(
    services: Dependencies, engine: Engine
) -> None:
    add_coupon(services, code="LAST", percent=10, max_uses=LAST_USES)
    users = [create_user(services) for _ in range(CLIENTS)]
    offer = _offer(services)
    due = offer.total - Money(offer.total.amount * Decimal("0.1"), offer.total.currency)

    def book(index: int) -> str:
        try:
            order_with(services, user=users[index], offer=offer, code="LAST", amount=due)
        except FarebridgeError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        outcomes = Counter(pool.map(book, range(CLIENTS)))
    assert outcomes == {"ok": LAST_USES, "coupon_used_up": CLIENTS - LAST_USES}
    assert uses(engine, "LAST") == (LAST_USES, LAST_USES)


def test_only_admins_manage_coupons(services: Dependencies) -> None:
    customer = create_user(services)
    with pytest.raises(RoleRequired):
        coupons.add_coupon(services, actor=customer, new=NewCoupon("MINE", percent=50))
    with pytest.raises(RoleRequired):
        coupons.list_coupons(services, actor=customer)
    admin = create_user(services)
    with services.uow() as uow:
        uow.users.set_role(admin.id, Role.ADMIN, None)
        uow.commit()
    admin = replace(admin, role=Role.ADMIN)
    added = coupons.add_coupon(services, actor=admin, new=NewCoupon("mine", percent=50))
    assert added.code == "MINE"
    assert [c.code for c in coupons.list_coupons(services, actor=admin)] == ["MINE"]
    with pytest.raises(FarebridgeError) as again:
        coupons.add_coupon(services, actor=admin, new=NewCoupon("Mine", percent=5))
    assert (again.value.code, again.value.field) == ("coupon_exists", "code")


def _cancel(services: Dependencies, user: User, order: Order) -> None:
    quote = cancellation.quote_cancellation(
        services, user=user, order_id=order.id, reason="requested_by_customer"
    )
    cancellation.confirm_cancellation(services, user=user, order_id=order.id, quote_id=quote.id)


def test_a_paid_order_keeps_its_use_when_cancelled_an_unpaid_hold_gives_it_back(
    services: Dependencies, engine: Engine
) -> None:
    add_coupon(services, code="FEW", percent=5, max_uses=2)
    payer, holder = create_user(services), create_user(services)
    offer = _offer(services, holdable=True)
    due = offer.total - Money(offer.total.amount * Decimal("0.05"), offer.total.currency)
    paid = order_with(services, user=payer, offer=offer, code="FEW", amount=due)
    held = order_with(services, user=holder, offer=offer, code="FEW", instant=False)
    assert uses(engine, "FEW") == (2, 2)
    _cancel(services, payer, paid)
    assert uses(engine, "FEW") == (2, 2), "a paid order's use is spent"
    _cancel(services, holder, held)
    assert uses(engine, "FEW") == (1, 1), "an unpaid hold's use comes back"


def test_an_expired_hold_gives_its_use_back(engine: Engine) -> None:
    clock = ManualClock(datetime.now(UTC))
    services = build(Settings(database_url="sqlite://"), engine=engine, clock=clock)
    add_coupon(services, code="ONCE", percent=5, max_uses=1)
    user = create_user(services)
    held = order_with(
        services, user=user, offer=_offer(services, holdable=True), code="ONCE", instant=False
    )
    assert held.payment_required_by is not None and uses(engine, "ONCE") == (1, 1)
    clock.advance(held.payment_required_by - clock.now() + timedelta(seconds=1))
    assert expire_holds(services) == 1
    assert uses(engine, "ONCE") == (0, 0)

"""The rates table, preferred currencies, searches and payments in one selling currency,
on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import Engine, Table, func, select

from farebridge.domain.errors import AmountMismatch, ValidationFailed
from farebridge.domain.money import REFERENCE_USD_RATES, Money
from farebridge.domain.order import OrderStatus, OrderType
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.services import accounts, payments, rates
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies, OfferFilter
from farebridge.store.tables import exchange_rates, orders, sandbox_charges
from farebridge.store.tables import payments as payment_rows
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers, place_order


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as db:
        return int(db.execute(select(func.count()).select_from(table)).scalar_one())


def test_the_rates_table_starts_with_the_defaults(services: Dependencies) -> None:
    listed = {rate.currency: rate.usd_per_unit for rate in rates.list_rates(services)}
    assert listed == REFERENCE_USD_RATES
    assert services.rates.current().convert(Money.of("100", "EUR"), "USD").currency == "USD"


def test_setting_rates_reports_what_changed(services: Dependencies) -> None:
    changes = rates.set_rates(
        services,
        {"EUR": Decimal("1.0900"), "GBP": REFERENCE_USD_RATES["GBP"], "XAU": Decimal(4000)},
    )
    assert [(c.currency, c.before, c.after) for c in changes] == [
        ("EUR", REFERENCE_USD_RATES["EUR"], Decimal("1.09")),
        ("XAU", None, Decimal(4000)),
    ]
    stored = {rate.currency: rate for rate in rates.list_rates(services)}
    assert stored["EUR"].usd_per_unit == Decimal("1.09") and stored["XAU"].usd_per_unit == 4000
    assert stored["EUR"].updated_at > stored["GBP"].updated_at, "unchanged rows keep their time"
    assert services.rates.current().rate("EUR", "USD") == Decimal("1.09"), "the cache is renewed"


def test_an_import_with_one_bad_rate_changes_nothing(services: Dependencies) -> None:
    before = rates.list_rates(services)
    table = {"EUR": Decimal("1.5"), "GBP": Decimal("2"), "JPY": Decimal("-0.01")}
    with pytest.raises(ValidationFailed) as refused:
        rates.set_rates(services, table)
    assert refused.value.field == "JPY"
    with pytest.raises(ValidationFailed):
        rates.set_rates(services, {"EUR": Decimal("1.5"), "EURO": Decimal("1")})
    assert rates.list_rates(services) == before


def test_concurrent_imports_each_apply_whole(services: Dependencies, engine: Engine) -> None:
    tables = [
        {code: rate * factor for code, rate in REFERENCE_USD_RATES.items()}
        for factor in (Decimal(2), Decimal(3), Decimal(5), Decimal(7))
    ]
    with ThreadPoolExecutor(max_workers=len(tables)) as pool:
        list(pool.map(lambda table: rates.set_rates(services, table), tables))
    final = {rate.currency: rate.usd_per_unit for rate in rates.list_rates(services)}
    factors = {final[code] / REFERENCE_USD_RATES[code] for code in REFERENCE_USD_RATES}
    assert len(factors) == 1 and factors <= {2, 3, 5, 7}, "one import won, whole"
    assert _count(engine, exchange_rates) == len(REFERENCE_USD_RATES)


def test_an_account_keeps_its_preferred_currency(services: Dependencies) -> None:
    user = accounts.register_user(
        services, email="pref@test.com", password="correct-horse", preferred_currency="CHF"
    )
    assert user.preferred_currency == "CHF"
    with services.uow(read_only=True) as uow:
        stored = uow.users.get(user.id)
    assert stored is not None and stored.preferred_currency == "CHF"
    changed = accounts.set_preferred_currency(services, user=stored, currency="EUR")
    assert changed.preferred_currency == "EUR"
    with services.uow(read_only=True) as uow:
        again = uow.users.get(user.id)
    assert again is not None and again.preferred_currency == "EUR"
    offers = find_offers(services, user=again)
    assert {o.total.currency for o in offers} == {"EUR"}
    with pytest.raises(ValidationFailed, match="XAU") as refused:
        accounts.set_preferred_currency(services, user=again, currency="XAU")
    assert refused.value.field == "preferred_currency"


def test_a_search_in_euros_is_all_euros_cheapest_first(services: Dependencies) -> None:
    offers = find_offers(
        services, origin="LON", destination="NYC", max_connections=1, currency="EUR"
    )
    assert all(offer.is_priced_in("EUR") for offer in offers)
    totals = [offer.total.amount for offer in offers]
    assert totals == sorted(totals)
    assert len({o.airline_fare.currency for o in offers if o.airline_fare}) > 2
    cap = totals[len(totals) // 3]
    capped = find_offers(
        services,
        origin="LON",
        destination="NYC",
        max_connections=1,
        currency="EUR",
        filters=OfferFilter(max_price=cap),
    )
    assert capped and all(o.total.amount <= cap for o in capped)
    assert len(capped) == sum(1 for total in totals if total <= cap)


def test_a_hold_paid_in_another_currency_is_refused_and_nothing_is_written(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = next(
        o
        for o in find_offers(services, user=user, currency="EUR")
        if not o.requires_instant_payment
    )
    order = place_order(services, user=user, offer=offer, instant=False)
    wrong = Money(order.total.amount, "USD")
    with pytest.raises(AmountMismatch) as refused:
        payments.pay_order(
            services,
            user=user,
            order_id=order.id,
            amount=wrong,
            method=PaymentMethod(PaymentType.CARD, "tok_visa"),
        )
    assert refused.value.field == "currency" and refused.value.code == "currency_mismatch"
    assert _count(engine, payment_rows) == 0 and _count(engine, sandbox_charges) == 0
    with services.uow(read_only=True) as uow:
        unchanged = uow.orders.get(order.id)
    assert unchanged is not None and unchanged.status is OrderStatus.HOLD


def test_an_instant_order_paid_in_another_currency_is_never_written(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = find_offers(services, user=user, currency="GBP")[0]
    payment = PaymentRequest(
        Money(offer.total.amount, "EUR"), PaymentMethod(PaymentType.CARD, "tok_visa")
    )
    command = CreateOrder(OrderType.INSTANT, offer.id, [create_passenger(id="")], payment=payment)
    with pytest.raises(AmountMismatch) as refused:
        create_order(services, user=user, command=command)
    assert refused.value.field == "payments[0].currency"
    assert _count(engine, orders) == 0 and _count(engine, payment_rows) == 0
    assert _count(engine, sandbox_charges) == 0

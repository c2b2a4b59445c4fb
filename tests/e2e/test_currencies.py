"""One selling currency per search, over HTTP: the request's, the account's, the server's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from farebridge.store.tables import payments, sandbox_charges
from tests.e2e.conftest import (
    all_offers,
    first_offer,
    hold_order,
    instant_order_body,
    register,
    search,
    travel_date,
)
from tests.e2e.test_error_table import assert_error


def _all_offers(client: TestClient, auth: dict[str, str], request_id: str) -> list[Any]:
    return all_offers(client, auth, f"offer_request_id={request_id}")


def _amounts(offer: dict[str, Any]) -> list[tuple[str, str]]:
    """(amount, currency) of every price an offer shows."""
    shown = [
        (offer[f"{part}_amount"], offer[f"{part}_currency"]) for part in ("total", "base", "tax")
    ]
    shown += [(p["total_amount"], p["currency"]) for p in offer["passenger_prices"]]
    shown += [(s["total_amount"], s["total_currency"]) for s in offer["available_services"]]
    for rule in offer["conditions"].values():
        if rule["penalty_amount"] is not None:
            shown.append((rule["penalty_amount"], rule["penalty_currency"]))
    return shown


def test_london_new_york_in_pounds_is_one_currency_cheapest_first(
    client: TestClient, auth: dict[str, str]
) -> None:
    created = search(
        client, auth, origin="LON", destination="NYC", max_connections=1, currency="GBP"
    )
    assert created["currency"] == "GBP"
    offers = _all_offers(client, auth, created["id"])
    assert len(offers) == created["offers_count"] > 10
    assert {currency for offer in offers for _, currency in _amounts(offer)} == {"GBP"}
    totals = [Decimal(o["total_amount"]) for o in offers]
    assert totals == sorted(totals)
    airlines = {o["airline_total_currency"] for o in offers}
    assert len(airlines) > 2, "airlines filing in several currencies, all sold in GBP"


def test_the_breakdown_adds_up_to_the_offer(client: TestClient, auth: dict[str, str]) -> None:
    family: list[dict[str, Any]] = [
        {"type": "adult"},
        {"type": "adult"},
        {"type": "child"},
        {"age": 1},
    ]
    offers = search(client, auth, passengers=family, currency="JPY")["offers"]
    for offer in offers:
        prices = offer["passenger_prices"]
        assert [(p["passenger_type"], p["count"]) for p in prices] == [
            ("adult", 2),
            ("child", 1),
            ("infant_without_seat", 1),
        ]
        for part in ("base", "tax", "total"):
            summed = sum(Decimal(p[f"{part}_amount"]) * p["count"] for p in prices)
            assert summed == Decimal(offer[f"{part}_amount"]), (part, offer["id"])
        assert all(Decimal(p["total_amount"]) % 1 == 0 for p in prices), "yen have no cents"


def test_the_account_currency_then_the_server_default(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert search(client, auth)["currency"] == "USD"
    me = client.patch("/api/me", json={"preferred_currency": "EUR"}, headers=auth)
    assert me.status_code == 200 and me.json()["data"]["preferred_currency"] == "EUR"
    assert client.get("/api/me", headers=auth).json()["data"]["preferred_currency"] == "EUR"
    in_euros = search(client, auth)
    assert in_euros["currency"] == "EUR"
    assert {o["total_currency"] for o in in_euros["offers"]} == {"EUR"}
    assert search(client, auth, currency="CHF")["currency"] == "CHF"
    client.patch("/api/me", json={"preferred_currency": None}, headers=auth)
    assert search(client, auth)["currency"] == "USD"


def test_a_currency_chosen_at_registration(client: TestClient) -> None:
    account = {"email": "kr@test.com", "password": "correct-horse", "preferred_currency": "SEK"}
    registered = client.post("/api/auth/register", json=account)
    assert (
        registered.status_code == 201 and registered.json()["data"]["preferred_currency"] == "SEK"
    )
    login = client.post("/api/auth/login", json={k: account[k] for k in ("email", "password")})
    auth = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
    assert search(client, auth)["currency"] == "SEK"


def test_currencies_without_a_rate_are_refused_naming_the_field(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date()}],
        "passengers": [{"type": "adult"}],
    }
    for bad, code in (("XAU", "unsupported_currency"), ("eur", None), ("EURO", None)):
        response = client.post("/api/offer-requests", json={**body, "currency": bad}, headers=auth)
        assert_error(response, 400, code, "currency")
    patched = client.patch("/api/me", json={"preferred_currency": "XAU"}, headers=auth)
    assert_error(patched, 400, "unsupported_currency", "preferred_currency")
    assert_error(client.patch("/api/me", json={}, headers=auth), 400, None, "preferred_currency")
    account = {"email": "x@test.com", "password": "correct-horse", "preferred_currency": "XAU"}
    registered = client.post("/api/auth/register", json=account)
    assert_error(registered, 400, "unsupported_currency", "preferred_currency")


def test_max_price_is_in_the_search_currency(client: TestClient, auth: dict[str, str]) -> None:
    created = search(client, auth, max_connections=1, currency="EUR")
    url = f"/api/offers?offer_request_id={created['id']}&limit=200"
    totals = sorted(Decimal(o["total_amount"]) for o in _all_offers(client, auth, created["id"]))
    cap = totals[len(totals) // 2]
    capped = all_offers(client, auth, f"offer_request_id={created['id']}&max_price={cap}")
    assert [Decimal(o["total_amount"]) for o in capped] == [t for t in totals if t <= cap]
    same = client.get(f"{url}&max_price={cap}&max_price_currency=EUR", headers=auth)
    assert len(same.json()["data"]) == min(len(capped), 200)
    other = client.get(f"{url}&max_price={cap}&max_price_currency=USD", headers=auth)
    assert_error(other, 400, "currency_mismatch", "max_price_currency")


def test_extras_orders_and_cancellations_stay_in_the_search_currency(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(search(client, auth, currency="EUR")["offers"], holdable=True)
    maps = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"]
    seat_currencies = {
        service["total_currency"]
        for cabin in maps[0]["cabins"]
        for row in cabin["rows"]
        for section in row["sections"]
        for element in section["elements"]
        for service in element.get("available_services", [])
    }
    assert seat_currencies == {"EUR"}
    bag = {"id": offer["available_services"][0]["id"], "quantity": 1}
    price = client.post(
        f"/api/offers/{offer['id']}/actions/price", json={"services": [bag]}, headers=auth
    ).json()["data"]
    assert price["total_currency"] == price["services_currency"] == "EUR"
    body = instant_order_body(offer)
    body["services"] = [bag]
    body["payments"][0]["amount"] = price["total_amount"]
    order = client.post("/api/orders", json=body, headers=auth).json()["data"]
    assert order["total_currency"] == order["services_currency"] == "EUR"
    assert order["total_amount"] == price["total_amount"]
    quote = client.post(f"/api/orders/{order['id']}/actions/cancel", headers=auth).json()["data"]
    assert quote["refund_currency"] == quote["penalty_currency"] == "EUR"


def _charges(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        charged = connection.execute(select(func.count()).select_from(sandbox_charges)).scalar()
        recorded = connection.execute(select(func.count()).select_from(payments)).scalar()
    return int(charged or 0), int(recorded or 0)


def test_a_payment_in_another_currency_is_refused_and_nothing_is_charged(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    offer = first_offer(search(client, auth, currency="EUR")["offers"])
    body = instant_order_body(offer)
    body["payments"][0]["currency"] = "USD"
    refused = client.post("/api/orders", json=body, headers=auth)
    error = assert_error(refused, 422, "currency_mismatch", "payments[0].currency")
    assert "EUR" in error["message"]
    assert client.get("/api/orders", headers=auth).json()["data"] == []
    assert _charges(engine) == (0, 0)


def test_paying_a_hold_in_another_currency_is_refused(client: TestClient, engine: Engine) -> None:
    auth = register(client, "gbp@test.com")
    client.patch("/api/me", json={"preferred_currency": "GBP"}, headers=auth)
    order = hold_order(client, auth)
    assert order["total_currency"] == "GBP"
    pay = {
        "order_id": order["id"],
        "type": "card",
        "card_token": "tok_visa",
        "amount": order["total_amount"],
        "currency": "EUR",
    }
    refused = client.post("/api/payments", json=pay, headers=auth)
    assert_error(refused, 422, "currency_mismatch", "currency")
    assert _charges(engine) == (0, 0)
    after = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert after["status"] == "hold" and after["payment_status"]["awaiting_payment"]
    pay["currency"] = "GBP"
    assert client.post("/api/payments", json=pay, headers=auth).status_code == 201


def test_the_currencies_offers_can_be_priced_in(client: TestClient) -> None:
    listed = client.get("/api/currencies").json()["data"]
    assert listed["default_currency"] == "USD"
    codes = [rate["currency"] for rate in listed["rates"]]
    assert len(codes) >= 60 and codes == sorted(codes) and {"GBP", "EUR", "JPY"} <= set(codes)
    usd = next(rate for rate in listed["rates"] if rate["currency"] == "USD")
    assert usd["usd_per_unit"] == "1"

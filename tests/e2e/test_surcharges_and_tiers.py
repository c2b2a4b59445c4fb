"""/api shows card surcharges, baggage and carry-on tiers, passenger-form requirements and
preferred-currency totals; a card payment pays the total plus its card's surcharge."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.settings import Settings
from tests.e2e.conftest import adult, amount_due, instant_order_body, search
from tests.e2e.test_error_table import assert_error


@pytest.fixture
def settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        search_rate_limit_per_minute=1000,
        booking_rate_limit_per_minute=1000,
        payment_rate_limit_per_minute=1000,
        search_wait_seconds=30,
        preferred_currencies=("GBP", "EUR"),
    )


def _low_cost(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    offers = search(client, auth, origin="DUB", destination="STN")["offers"]
    return next(
        o
        for o in offers
        if any(s["card_type"] == "VI" and Decimal(s["amount"]) > 0 for s in o["card_surcharges"])
    )


def test_an_offer_shows_surcharges_tiers_requirements_and_preferred_totals(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = _low_cost(client, auth)
    fees = {s["card_type"]: s for s in offer["card_surcharges"]}
    assert set(fees) == {"VI", "CA", "AX", "VD"} and Decimal(fees["VD"]["amount"]) == 0
    assert fees["VI"]["currency"] == offer["total_currency"]
    assert fees["VI"]["amount_due"] == amount_due(offer, "tok_visa")
    assert [c["currency"] for c in fees["VI"]["amount_in_preferred_currencies"]] == ["GBP", "EUR"]
    assert [c["currency"] for c in offer["total_in_preferred_currencies"]] == ["GBP", "EUR"]
    tiers = [s for s in offer["available_services"] if s["tier"]]
    checked = [s for s in tiers if s["type"] == "baggage"]
    cabin = {s["tier"]: s for s in tiers if s["type"] == "carry_on"}
    assert checked[0]["maximum_weights_kg"] == [15] and checked[0]["maximum_quantity"] == 1
    assert checked[2]["maximum_weights_kg"] == [20, 23] or (
        checked[2]["total_weight_kg"],
        checked[2]["bag_count"],
    ) == (40, 2)
    assert Decimal(cabin["S"]["total_amount"]) == 0 < Decimal(cabin["L"]["total_amount"])
    fields = {r["field"]: (r["required"], r["per_person"]) for r in offer["passenger_requirements"]}
    assert fields["identity_documents.unique_identifier"] == (True, True)  # Ireland → UK
    assert fields["born_on"] == (True, True) and fields["email"] == (True, False)

    again = client.get(f"/api/offers/{offer['id']}", headers=auth)
    assert again.status_code == 200, again.text
    assert again.json()["data"]["card_surcharges"] == offer["card_surcharges"]


def test_the_price_action_shows_the_surcharges_with_tiers_chosen(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = _low_cost(client, auth)
    large = next(s for s in offer["available_services"] if s["tier"] == "L")
    priced = client.post(
        f"/api/offers/{offer['id']}/actions/price",
        json={"services": [{"id": large["id"], "quantity": 1}]},
        headers=auth,
    )
    assert priced.status_code == 200, priced.text
    price = priced.json()["data"]
    assert Decimal(price["total_amount"]) == Decimal(offer["total_amount"]) + Decimal(
        large["total_amount"]
    )
    fees = [(s["card_type"], s["amount"]) for s in price["card_surcharges"]]
    assert fees == [(s["card_type"], s["amount"]) for s in offer["card_surcharges"]]
    assert all(
        Decimal(s["amount_due"]) == Decimal(price["total_amount"]) + Decimal(s["amount"])
        for s in price["card_surcharges"]
    )
    assert [c["currency"] for c in price["total_in_preferred_currencies"]] == ["GBP", "EUR"]
    assert price["services"][0]["type"] == "carry_on"


def test_a_card_order_pays_the_total_plus_the_card_surcharge(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = _low_cost(client, auth)
    due = amount_due(offer, "tok_visa")
    body = instant_order_body(offer)
    body["payments"][0]["amount"] = offer["total_amount"]
    error = assert_error(
        client.post("/api/orders", json=body, headers=auth),
        422,
        "amount_mismatch",
        "payments[0].amount",
    )
    assert f"{Decimal(due):.2f} {offer['total_currency']}" in error["message"]
    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    fee = next(s["amount"] for s in offer["card_surcharges"] if s["card_type"] == "VI")
    assert order["total_amount"] == offer["total_amount"]
    assert (order["surcharge_amount"], order["surcharge_currency"]) == (
        fee,
        offer["total_currency"],
    )
    fetched = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert fetched["surcharge_amount"] == fee

    quote = client.post(f"/api/orders/{order['id']}/actions/cancel", json={}, headers=auth)
    assert quote.status_code == 201, quote.text
    assert Decimal(quote.json()["data"]["refund_amount"]) == Decimal(due)


def test_a_debit_card_and_the_balance_pay_no_surcharge(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = _low_cost(client, auth)
    debit = client.post(
        "/api/orders", json=instant_order_body(offer, "tok_visa_debit"), headers=auth
    )
    assert debit.status_code == 201, debit.text
    assert Decimal(debit.json()["data"]["surcharge_amount"]) == 0
    other = _low_cost(client, auth)
    body = {
        "type": "instant",
        "selected_offers": [other["id"]],
        # another traveller: the same one on the same flights would be a duplicate booking
        "passengers": [adult(id=other["passengers"][0]["id"], given_name="Bessie")],
        "payments": [
            {
                "type": "balance",
                "amount": other["total_amount"],
                "currency": other["total_currency"],
            }
        ],
    }
    paid = client.post("/api/orders", json=body, headers=auth)
    assert paid.status_code == 201, paid.text
    assert paid.json()["data"]["surcharge_amount"] is None


def test_a_hold_paid_by_card_pays_its_surcharge_and_one_tier_of_a_kind(
    client: TestClient, auth: dict[str, str]
) -> None:
    offers = search(client, auth)["offers"]
    offer = next(
        o
        for o in offers
        if not o["payment_requirements"]["requires_instant_payment"]
        and any(s["card_type"] == "AX" and Decimal(s["amount"]) > 0 for s in o["card_surcharges"])
    )
    tiers = [s for s in offer["available_services"] if s["tier"] and s["type"] == "baggage"]
    twice = {
        "type": "hold",
        "selected_offers": [offer["id"]],
        "passengers": [adult(id=offer["passengers"][0]["id"])],
        "services": [{"id": tiers[0]["id"]}, {"id": tiers[1]["id"]}],
    }
    assert_error(
        client.post("/api/orders", json=twice, headers=auth),
        400,
        "duplicate_service",
        "services[1].id",
    )
    body = {**twice, "services": [{"id": tiers[1]["id"]}]}
    created = client.post("/api/orders", json=body, headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert order["surcharge_amount"] is None
    amex = next(s for s in order["card_surcharges"] if s["card_type"] == "AX")
    assert Decimal(amex["amount_due"]) == Decimal(order["total_amount"]) + Decimal(amex["amount"])
    pay = {
        "order_id": order["id"],
        "type": "card",
        "card_token": "tok_amex",
        "amount": order["total_amount"],
        "currency": order["total_currency"],
    }
    error = assert_error(
        client.post("/api/payments", json=pay, headers=auth), 422, "amount_mismatch", "amount"
    )
    assert amex["amount_due"] in error["message"]
    paid = client.post("/api/payments", json={**pay, "amount": amex["amount_due"]}, headers=auth)
    assert paid.status_code == 201, paid.text
    assert paid.json()["data"]["amount"] == amex["amount_due"]
    after = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert after["surcharge_amount"] == amex["amount"]

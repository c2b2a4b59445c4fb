"""Coupons through ``/api`` (ADR 0024): an admin adds one, a customer prices and books
with it, and a code that does not apply is a 400 naming ``coupon_code`` — never a
silent discount (the seed gave 750 off for any non-empty code)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.services.ports import Dependencies
from tests.e2e.conftest import amount_due, first_offer, instant_order_body, search
from tests.e2e.roles import ACTORS, World, make_world
from tests.e2e.test_error_table import assert_error

Json = dict[str, Any]


@pytest.fixture
def world(client: TestClient, services: Dependencies) -> World:
    return make_world(client, services)


def test_only_admins_manage_coupons(client: TestClient, world: World) -> None:
    body = {"code": "spring10", "percent": 10, "max_uses": 1}
    for actor in ACTORS:
        if actor == "admin":
            continue
        headers = world.headers[actor]
        assert_error(client.post("/api/admin/coupons", json=body, headers=headers), 403)
        assert_error(client.get("/api/admin/coupons", headers=headers), 403)
    assert client.get("/api/admin/coupons").status_code == 401
    admin = world.headers["admin"]
    added = client.post("/api/admin/coupons", json=body, headers=admin)
    assert added.status_code == 201, added.text
    assert added.json()["data"] | {"id": "", "created_at": ""} == {
        "id": "",
        "code": "SPRING10",
        "amount": None,
        "currency": None,
        "percent": 10,
        "minimum_spend_amount": None,
        "minimum_spend_currency": None,
        "valid_from": None,
        "valid_until": None,
        "max_uses": 1,
        "uses": 0,
        "created_at": "",
    }
    again = client.post("/api/admin/coupons", json={**body, "code": "Spring10"}, headers=admin)
    assert_error(again, 409, "coupon_exists", "code")
    both = client.post("/api/admin/coupons", json={**body, "amount": "5"}, headers=admin)
    assert_error(both, 400)


def test_a_customer_prices_and_books_with_a_coupon(client: TestClient, world: World) -> None:
    admin, owner = world.headers["admin"], world.headers["owner"]
    body = {"code": "TENOFF", "amount": "10.00", "currency": "USD", "max_uses": 1}
    assert client.post("/api/admin/coupons", json=body, headers=admin).status_code == 201
    offer = first_offer(search(client, owner, currency="USD")["offers"])
    url = f"/api/offers/{offer['id']}/actions/price"

    unknown = client.post(url, json={"coupon_code": "TENOFF-NOT"}, headers=owner)
    assert_error(unknown, 400, "coupon_not_found", "coupon_code")
    price = client.post(url, json={"coupon_code": "tenoff"}, headers=owner)
    assert price.status_code == 200, price.text
    priced: Json = price.json()["data"]
    assert (priced["coupon_code"], priced["discount_amount"]) == ("TENOFF", "10.00")
    assert Decimal(priced["total_amount"]) == Decimal(offer["total_amount"]) - 10

    order_body = instant_order_body(offer)
    order_body["coupon_code"] = "TenOff"
    order_body["payments"][0]["amount"] = amount_due(priced)
    created = client.post("/api/orders", json=order_body, headers=owner)
    assert created.status_code == 201, created.text
    order: Json = created.json()["data"]
    assert (order["coupon_code"], order["discount_amount"], order["discount_currency"]) == (
        "TENOFF",
        "10.00",
        "USD",
    )
    assert order["total_amount"] == priced["total_amount"]
    shown = client.get(f"/api/orders/{order['id']}", headers=owner).json()["data"]
    assert (shown["coupon_code"], shown["total_amount"]) == ("TENOFF", order["total_amount"])

    again = {**order_body, "confirm_duplicate": True}
    assert_error(
        client.post("/api/orders", json=again, headers=owner), 400, "coupon_used_up", "coupon_code"
    )
    listed = client.get("/api/admin/coupons", headers=admin).json()["data"]
    assert [(c["code"], c["uses"]) for c in listed] == [("TENOFF", 1)]

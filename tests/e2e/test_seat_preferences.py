"""Seat preferences through /api (ADR 0025): previewed by the price action, assigned on
order creation as free seat services, shown on the order's passengers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.e2e.conftest import adult, first_offer, instant_order_body, search
from tests.e2e.test_error_table import assert_error


def _seat_elements(seat_map: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        element["designator"]: element
        for cabin in seat_map["cabins"]
        for row in cabin["rows"]
        for section in row["sections"]
        for element in section["elements"]
        if element["type"] == "seat"
    }


def test_preferences_are_previewed_then_assigned_free_and_shown(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(
        search(client, auth, passengers=[{"type": "adult"}, {"type": "adult"}])["offers"]
    )
    ids = [p["id"] for p in offer["passengers"]]
    wishes = [
        {"id": ids[0], "seat_preference": "middle"},
        {"id": ids[1], "seat_preference": "window"},
    ]
    preview = client.post(
        f"/api/offers/{offer['id']}/actions/price", json={"passengers": wishes}, headers=auth
    )
    assert preview.status_code == 200, preview.text
    previewed = preview.json()["data"]
    assert sorted(s["passenger_id"] for s in previewed["services"]) == sorted(ids)
    assert all(Decimal(s["total_amount"]) == 0 for s in previewed["services"])
    assert Decimal(previewed["total_amount"]) == Decimal(offer["total_amount"])

    body = instant_order_body(offer)
    body["passengers"] = [
        adult(id=ids[0], given_name="Amelia", seat_preference="middle"),
        adult(id=ids[1], given_name="Fred", seat_preference="window"),
    ]
    created = client.post("/api/orders", json=body, headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert [p["seat_preference"] for p in order["passengers"]] == ["middle", "window"]
    seats = {s["passenger_id"]: s["designator"] for s in order["services"] if s["type"] == "seat"}
    assert seats == {s["passenger_id"]: s["designator"] for s in previewed["services"]}
    assert Decimal(order["total_amount"]) == Decimal(offer["total_amount"]), "nothing bought"
    seat_map = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"][0]
    elements = _seat_elements(seat_map)
    assert all(elements[d]["available_services"] == [] for d in seats.values()), "booked"
    again = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert [p["seat_preference"] for p in again["passengers"]] == ["middle", "window"]


def test_without_preferences_the_api_is_unchanged(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    priced = client.post(f"/api/offers/{offer['id']}/actions/price", json={}, headers=auth)
    assert priced.json()["data"]["services"] == []
    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert order["services"] == []
    assert order["passengers"][0]["seat_preference"] is None


def test_a_preference_names_a_passenger_of_the_offer(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    url = f"/api/offers/{offer['id']}/actions/price"
    wishes = {"passengers": [{"id": "pas_nobody", "seat_preference": "aisle"}]}
    assert_error(
        client.post(url, json=wishes, headers=auth), 400, "unknown_passenger", "passengers[0].id"
    )
    body = instant_order_body(offer)
    body["passengers"][0]["seat_preference"] = "sofa"
    refused = client.post("/api/orders", json=body, headers=auth)
    assert_error(refused, 400, field="passengers[0].seat_preference")

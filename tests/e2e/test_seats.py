"""Choosing seats from the seat map: priced services, taken seats, released seats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from farebridge.providers.sandbox.seats.seatmap import seat_service_id
from tests.e2e.conftest import adult, first_offer, instant_order_body, search
from tests.e2e.test_error_table import assert_error


def _free_seats(seat_map: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for cabin in seat_map["cabins"]
        for row in cabin["rows"]
        for section in row["sections"]
        for element in section["elements"]
        if element["type"] == "seat" and element["available_services"]
    ]


def _seat(seat_map: dict[str, Any], designator: str) -> dict[str, Any]:
    return next(
        element
        for cabin in seat_map["cabins"]
        for row in cabin["rows"]
        for section in row["sections"]
        for element in section["elements"]
        if element.get("designator") == designator
    )


def test_a_chosen_seat_is_priced_held_and_released(
    client: TestClient, auth: dict[str, str], worker: Any
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    seat_map = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"][0]
    paid = next(
        s for s in _free_seats(seat_map) if Decimal(s["available_services"][0]["total_amount"]) > 0
    )
    service = paid["available_services"][0]
    body = instant_order_body(offer)
    body["services"] = [{"id": service["id"], "quantity": 1}]
    assert_error(client.post("/api/orders", json=body, headers=auth), 422, "amount_mismatch")
    due = Decimal(offer["total_amount"]) + Decimal(service["total_amount"])
    body["payments"][0]["amount"] = str(due)
    created = client.post("/api/orders", json=body, headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert Decimal(order["total_amount"]) == due
    assert order["services"][0]["designator"] == paid["designator"]
    after = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"][0]
    assert _seat(after, paid["designator"])["available_services"] == [], "the seat is taken now"
    worker.drain()
    quote = client.post(f"/api/orders/{order['id']}/actions/cancel", headers=auth).json()["data"]
    client.post(
        f"/api/orders/{order['id']}/actions/cancel/confirm",
        headers=auth,
        json={"cancellation_id": quote["id"]},
    )
    released = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"][0]
    assert _seat(released, paid["designator"])["available_services"], "free again after cancel"


def test_a_bad_seat_id_names_the_service(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    body = instant_order_body(offer)
    body["services"] = [{"id": "ase_bm9wZQ", "quantity": 1}]
    assert_error(
        client.post("/api/orders", json=body, headers=auth),
        400,
        "unknown_service",
        "services[0].id",
    )


def test_the_same_seat_twice_in_one_order_is_refused(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(
        search(client, auth, passengers=[{"type": "adult"}, {"type": "adult"}])["offers"]
    )
    seat_map = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"][0]
    seat = _free_seats(seat_map)[0]
    ids = [s["id"] for s in seat["available_services"]]
    assert len(ids) == 2
    body = instant_order_body(offer)
    body["passengers"] = [
        adult(id=p["id"], given_name=name)
        for p, name in zip(offer["passengers"], ("Amelia", "Fred"), strict=True)
    ]
    body["services"] = [{"id": i, "quantity": 1} for i in ids]
    assert_error(
        client.post("/api/orders", json=body, headers=auth),
        400,
        "duplicate_service",
        "services[1].id",
    )


def test_extra_bags_are_priced_per_unit(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    bag = offer["available_services"][0]
    assert bag["type"] == "baggage" and bag["maximum_quantity"] == 2
    assert bag["passenger_ids"] == [offer["passengers"][0]["id"]]
    body = instant_order_body(offer)
    body["services"] = [{"id": bag["id"], "quantity": 3}]
    assert_error(
        client.post("/api/orders", json=body, headers=auth),
        400,
        "invalid_quantity",
        "services[0].quantity",
    )
    body["services"] = [{"id": bag["id"], "quantity": 2}]
    due = Decimal(offer["total_amount"]) + 2 * Decimal(bag["total_amount"])
    body["payments"][0]["amount"] = str(due)
    created = client.post("/api/orders", json=body, headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert Decimal(order["total_amount"]) == due
    assert Decimal(order["services_amount"]) == 2 * Decimal(bag["total_amount"])
    assert order["services"][0]["quantity"] == 2
    assert order["services"][0]["slice_id"] == offer["slices"][0]["id"]


def test_the_api_prices_an_offer_with_its_extras(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    bag = offer["available_services"][0]
    seat_map = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"][0]
    seat = _free_seats(seat_map)[0]["available_services"][0]
    services = [{"id": bag["id"], "quantity": 2}, {"id": seat["id"], "quantity": 1}]
    priced = client.post(
        f"/api/offers/{offer['id']}/actions/price", headers=auth, json={"services": services}
    ).json()["data"]
    expected = (
        Decimal(offer["total_amount"])
        + 2 * Decimal(bag["total_amount"])
        + Decimal(seat["total_amount"])
    )
    assert Decimal(priced["total_amount"]) == expected
    assert Decimal(priced["services_amount"]) == expected - Decimal(offer["total_amount"])
    body = instant_order_body(offer)
    body["services"] = services
    body["payments"][0]["amount"] = priced["total_amount"]
    assert client.post("/api/orders", json=body, headers=auth).status_code == 201
    bad = client.post(
        f"/api/offers/{offer['id']}/actions/price",
        headers=auth,
        json={"services": [{"id": "asb_nope", "quantity": 1}]},
    )
    assert_error(bad, 400, "unknown_service", "services[0].id")


def _exit_row_seats(seat_map: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for cabin in seat_map["cabins"]
        for row in cabin["rows"]
        if any(e["type"] == "exit_row" for section in row["sections"] for e in section["elements"])
        for section in row["sections"]
        for element in section["elements"]
        if element["type"] == "seat" and element["available_services"]
    ]


def test_exit_rows_are_for_adults_only(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(
        search(client, auth, passengers=[{"type": "adult"}, {"type": "child"}])["offers"]
    )
    adult_id, child_id = (p["id"] for p in offer["passengers"])
    seat_map = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth).json()["data"][0]
    exit_seats = _exit_row_seats(seat_map)
    assert exit_seats
    assert all(
        [s["passenger_id"] for s in seat["available_services"]] == [adult_id] for seat in exit_seats
    )
    for_child = seat_service_id(seat_map["segment_id"], exit_seats[0]["designator"], child_id)
    body = instant_order_body(offer)
    body["passengers"] = [
        adult(id=adult_id),
        adult(id=child_id, type="child", given_name="Jo", born_on=f"{date.today().year - 9}-01-01"),
    ]
    body["services"] = [{"id": for_child, "quantity": 1}]
    assert_error(
        client.post("/api/orders", json=body, headers=auth),
        400,
        "seat_not_allowed_for_passenger",
        "services[0].id",
    )

"""Voluntary order changes over HTTP (``/api``, ADR 0012): a ticketed order gets a new
flight, new tickets, and the old seats back in the inventory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from farebridge.jobs.worker import Worker
from farebridge.services.ports import Dependencies
from farebridge.store.tables import sandbox_bookings, sandbox_inventory, sandbox_refunds
from tests.e2e.conftest import (
    airlines_flying,
    instant_order_body,
    offer_of_an_airline_flying_later,
    register,
    search,
    travel_date,
)

Json = dict[str, Any]


def ticketed_order(
    client: TestClient, headers: dict[str, str], worker: Worker, brand: str = "Flex"
) -> Json:
    offers = search(client, headers)["offers"]
    offer = offer_of_an_airline_flying_later(client, headers, offers, brand=brand)
    created = client.post("/api/orders", json=instant_order_body(offer), headers=headers)
    assert created.status_code == 201, created.text
    worker.drain()
    order: Json = client.get(f"/api/orders/{created.json()['data']['id']}", headers=headers).json()[
        "data"
    ]
    assert order["status"] == "ticketed" and order["documents"]
    return order


def change_request_body(order: Json, days: int = 32) -> Json:
    first = order["slices"][0]
    return {
        "order_id": order["id"],
        "slices": {
            "remove": [{"slice_id": first["id"]}],
            "add": [
                {
                    "origin": first["origin"]["iata_code"],
                    "destination": first["destination"]["iata_code"],
                    "departure_date": travel_date(days),
                    "cabin_class": "economy",
                }
            ],
        },
    }


def request_change(client: TestClient, headers: dict[str, str], order: Json) -> Json:
    response = client.post(
        "/api/order_change_requests", json=change_request_body(order), headers=headers
    )
    assert response.status_code == 201, response.text
    request: Json = response.json()["data"]
    return request


def change_offers(client: TestClient, headers: dict[str, str], request_id: str) -> list[Json]:
    url = f"/api/order_change_offers?order_change_request_id={request_id}&limit=200"
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    offers: list[Json] = response.json()["data"]
    assert offers, "the same airline flies JFK-LHR two days later"
    return offers


def dearest(offers: list[Json]) -> Json:
    return max(offers, key=lambda o: Decimal(o["change_total_amount"]))


def legs(engine: Engine, reference: str) -> list[tuple[str, date, str]]:
    with engine.connect() as db:
        stored = db.execute(
            select(sandbox_bookings.c.legs).where(sandbox_bookings.c.reference == reference)
        ).scalar_one()
    return [
        (leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"]) for leg in stored
    ]


def available(engine: Engine) -> dict[tuple[str, date, str], int]:
    with engine.connect() as db:
        rows = db.execute(select(sandbox_inventory)).all()
    return {(r.flight, r.departure_on, r.cabin): r.available for r in rows}


def booking_status(engine: Engine, reference: str) -> str:
    with engine.connect() as db:
        status: str = db.execute(
            select(sandbox_bookings.c.status).where(sandbox_bookings.c.reference == reference)
        ).scalar_one()
    return status


def test_a_ticketed_order_changes_flight_and_gets_new_tickets(
    client: TestClient, auth: dict[str, str], worker: Worker, engine: Engine
) -> None:
    order = ticketed_order(client, auth, worker)
    old_legs = legs(engine, order["booking_reference"])
    before = available(engine)
    request = request_change(client, auth, order)
    assert request["id"].startswith("ocr_") and request["order_change_offers"]
    fetched = client.get(f"/api/order_change_requests/{request['id']}", headers=auth)
    assert fetched.status_code == 200 and fetched.json()["data"] == request
    offers = change_offers(client, auth, request["id"])
    totals = [Decimal(o["change_total_amount"]) for o in offers]
    assert totals == sorted(totals), "cheapest change first"
    page = client.get(
        f"/api/order_change_offers?order_change_request_id={request['id']}&limit=1", headers=auth
    ).json()
    assert len(page["data"]) == 1 and page["meta"]["after"]
    offer = dearest(offers)
    assert Decimal(offer["change_total_amount"]) > 0, "a dearer fare costs the difference"
    assert offer["slices"]["remove"][0]["id"] == order["slices"][0]["id"]
    assert client.get(f"/api/order_change_offers/{offer['id']}", headers=auth).status_code == 200
    created = client.post(
        "/api/order_changes", json={"selected_order_change_offer": offer["id"]}, headers=auth
    )
    assert created.status_code == 201, created.text
    change = created.json()["data"]
    assert change["status"] == "pending" and change["id"].startswith("oce_")
    url = f"/api/order_changes/{change['id']}/actions/confirm"
    payment = {
        "type": "card",
        "card_token": "tok_visa",
        "amount": offer["change_total_amount"],
        "currency": offer["change_total_currency"],
    }
    confirmed = client.post(url, json={"payment": payment}, headers=auth)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["status"] == "confirmed"
    assert confirmed.json()["data"]["confirmed_at"]
    worker.drain()
    changed = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert [s["id"] for s in changed["slices"]] == [s["id"] for s in offer["slices"]["add"]]
    assert changed["total_amount"] == offer["new_total_amount"]
    assert changed["booking_reference"] != order["booking_reference"]
    assert changed["ticketing_status"] == "successful"
    old_tickets = {d["unique_identifier"] for d in order["documents"]}
    new_tickets = {d["unique_identifier"] for d in changed["documents"]}
    assert new_tickets and not new_tickets & old_tickets, "tickets reissued with new numbers"
    events = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
    assert {"order.changed", "order.tickets_reissued"} <= {e["type"] for e in events}
    after = available(engine)
    assert booking_status(engine, order["booking_reference"]) == "cancelled"
    assert all(after[key] == before[key] + 1 for key in old_legs), "old seats released"
    for key in legs(engine, changed["booking_reference"]):
        assert after[key] == before.get(key, after[key] + 1) - 1, "new seat taken once"


def test_change_errors(
    client: TestClient,
    auth: dict[str, str],
    worker: Worker,
    services: Dependencies,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = ticketed_order(client, auth, worker)
    request = request_change(client, auth, order)
    offer = dearest(change_offers(client, auth, request["id"]))
    change = client.post(
        "/api/order_changes", json={"selected_order_change_offer": offer["id"]}, headers=auth
    ).json()["data"]
    url = f"/api/order_changes/{change['id']}/actions/confirm"

    # Someone else's order, request, offer and change are all 404.
    other = register(client, "someone@test.com")
    stranger = client.post(
        "/api/order_change_requests", json=change_request_body(order), headers=other
    )
    assert stranger.status_code == 404
    for path in (
        f"/api/order_change_requests/{request['id']}",
        f"/api/order_change_offers/{offer['id']}",
        f"/api/order_change_offers?order_change_request_id={request['id']}",
        f"/api/order_changes/{change['id']}",
    ):
        assert client.get(path, headers=other).status_code == 404, path
    assert client.post(url, json={}, headers=other).status_code == 404

    # A date in the past names the field.
    past = change_request_body(order)
    past["slices"]["add"][0]["departure_date"] = "2001-01-01"
    refused = client.post("/api/order_change_requests", json=past, headers=auth)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["source"]["field"] == "slices.add[0].departure_date"

    # Payment: missing, then the wrong amount (the hold payment's 422 amount_mismatch).
    missing = client.post(url, json={}, headers=auth)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["source"]["field"] == "payment"
    wrong = {
        "type": "balance",
        "amount": str(Decimal(offer["change_total_amount"]) + 1),
        "currency": offer["change_total_currency"],
    }
    mismatch = client.post(url, json={"payment": wrong}, headers=auth)
    assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["code"] == "amount_mismatch"

    # Confirming twice.
    right = dict(wrong, amount=offer["change_total_amount"])
    assert client.post(url, json={"payment": right}, headers=auth).status_code == 200
    again = client.post(url, json={"payment": right}, headers=auth)
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "already_confirmed"

    # An expired change offer is gone.
    request = request_change(
        client, auth, order := client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    )
    offer = change_offers(client, auth, request["id"])[0]
    later = datetime.now(UTC) + timedelta(hours=2)
    monkeypatch.setattr(services.clock, "now", lambda: later)
    expired = client.get(f"/api/order_change_offers/{offer['id']}", headers=auth)
    assert expired.status_code == 404 and expired.json()["errors"][0]["code"] == "offer_expired"
    selected = client.post(
        "/api/order_changes", json={"selected_order_change_offer": offer["id"]}, headers=auth
    )
    assert selected.status_code == 404


def test_a_fare_that_forbids_changes_is_refused(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = ticketed_order(client, auth, worker, brand="Basic")
    response = client.post(
        "/api/order_change_requests", json=change_request_body(order), headers=auth
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "order_not_changeable"


# Each sandbox fare brand's change rule (pricing.FULL_SERVICE_BRANDS / LOW_COST_BRANDS):
# full service on JFK-LHR, low cost on a Ryanair route.
BRAND_ROUTES = [
    ("JFK", "LHR", "Basic"),
    ("JFK", "LHR", "Standard"),
    ("JFK", "LHR", "Flex"),
    ("STN", "DUB", "Basic"),
    ("STN", "DUB", "Plus"),
]


def ticketed_order_of_brand(
    client: TestClient, headers: dict[str, str], worker: Worker, route: tuple[str, str, str]
) -> Json:
    origin, destination, brand = route
    flying = airlines_flying(client, headers, origin, destination, 32)  # change_request_body's
    offers = [
        o
        for o in search(client, headers, origin=origin, destination=destination)["offers"]
        if o["owner"]["iata_code"] in flying
    ]
    offer = min(
        (o for o in offers if o["fare_brand_name"] == brand and not o["available_services"]),
        key=lambda o: Decimal(o["total_amount"]),
        default=None,
    ) or next(o for o in offers if o["fare_brand_name"] == brand)
    created = client.post("/api/orders", json=instant_order_body(offer), headers=headers)
    assert created.status_code == 201, created.text
    worker.drain()
    order: Json = client.get(f"/api/orders/{created.json()['data']['id']}", headers=headers).json()[
        "data"
    ]
    assert order["status"] == "ticketed"
    return order


@pytest.mark.parametrize("route", BRAND_ROUTES, ids=lambda r: f"{r[0]}{r[1]}-{r[2]}")
def test_each_brand_prices_a_change_by_its_fare_rules(
    client: TestClient,
    auth: dict[str, str],
    worker: Worker,
    engine: Engine,
    route: tuple[str, str, str],
) -> None:
    order = ticketed_order_of_brand(client, auth, worker, route)
    rule = order["conditions"]["change_before_departure"]
    refundable = order["conditions"]["refund_before_departure"]["allowed"]
    response = client.post(
        "/api/order_change_requests", json=change_request_body(order), headers=auth
    )
    if not rule["allowed"]:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["code"] == "order_not_changeable"
        return
    assert response.status_code == 201, response.text
    offers = change_offers(client, auth, response.json()["data"]["id"])
    penalty = Decimal(rule["penalty_amount"] or 0)
    old_total = Decimal(order["total_amount"])
    for offer in offers:
        assert Decimal(offer["penalty_total_amount"]) == penalty, offer["id"]
        difference = Decimal(offer["new_total_amount"]) - old_total
        if difference < 0 and not refundable:
            difference = Decimal(0)  # a non-refundable fare keeps what it was paid
        assert Decimal(offer["change_total_amount"]) == penalty + difference, offer["id"]
        assert (offer["refund_to"] is not None) == (Decimal(offer["change_total_amount"]) < 0)
        # The order keeps its conditions, so the new flights are sold in the same brand.
        assert {s["fare_brand_name"] for s in offer["slices"]["add"]} == {order["fare_brand_name"]}
    cheapest = offers[0]
    if not refundable:
        return
    # Fares vary by day (the sandbox's are fixed per day by its seed): look on, a day at
    # a time for up to a month, for a cheaper flight to change to.
    for days in range(32, 62):
        if Decimal(cheapest["change_total_amount"]) < 0:
            break
        later = client.post(
            "/api/order_change_requests", json=change_request_body(order, days), headers=auth
        )
        assert later.status_code == 201, later.text
        cheapest = change_offers(client, auth, later.json()["data"]["id"])[0]
    assert Decimal(cheapest["change_total_amount"]) < 0, "a cheaper Flex flight exists"
    # A refundable fare gets the difference back: nothing to pay, a refund queued.
    change = client.post(
        "/api/order_changes", json={"selected_order_change_offer": cheapest["id"]}, headers=auth
    ).json()["data"]
    url = f"/api/order_changes/{change['id']}/actions/confirm"
    confirmed = client.post(url, json={}, headers=auth)
    assert confirmed.status_code == 200, confirmed.text
    worker.drain()
    changed = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert changed["total_amount"] == cheapest["new_total_amount"]
    assert changed["fare_brand_name"] == order["fare_brand_name"]
    events = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
    assert "order.changed" in {e["type"] for e in events}
    with engine.connect() as db:
        refunded = db.execute(
            select(sandbox_refunds.c.amount_minor).where(
                sandbox_refunds.c.refund_id == f"refund_{change['id']}"
            )
        ).scalar_one()
    assert Decimal(refunded) / 100 == -Decimal(cheapest["change_total_amount"])

"""Seed 000 section 5, steps 1-7, over HTTP: instant, hold-then-pay, cancel."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from tests.e2e.conftest import adult, all_offers, first_offer, instant_order_body, search


def test_search_returns_offers_and_progress(client: TestClient, auth: dict[str, str]) -> None:
    body = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": "2099-01-01"}],
        "passengers": [{"type": "adult"}],
    }
    created = search(client, auth)
    assert created["id"].startswith("orq_")
    assert created["offers"], "JFK-LHR should have nonstop offers"
    assert created["slices"][0]["origin"]["iata_code"] == "JFK"
    fetched = client.get(f"/api/offer-requests/{created['id']}", headers=auth).json()["data"]
    assert fetched["status"] == "complete" and fetched["offers_count"] >= len(created["offers"])
    assert client.post("/api/offer-requests", json=body, headers=auth).status_code == 400
    nowhere = {**body, "slices": [{**body["slices"][0], "destination": "jfk"}]}
    refused = client.post("/api/offer-requests", json=nowhere, headers=auth)
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["source"]["field"] == "slices[0].destination"
    offset = {**body, "slices": [{**body["slices"][0], "departure_time": {"to": "09:00+01:00"}}]}
    refused = client.post("/api/offer-requests", json=offset, headers=auth)
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["source"]["field"].startswith("slices[0].departure_time")


def test_offers_sort_filter_and_paginate(client: TestClient, auth: dict[str, str]) -> None:
    request_id = search(client, auth, max_connections=1)["id"]
    url = f"/api/offers?offer_request_id={request_id}&limit=5"
    page = client.get(url, headers=auth).json()
    amounts = [Decimal(o["total_amount"]) for o in page["data"]]
    assert len(amounts) == 5 and page["meta"]["after"]
    assert {o["total_currency"] for o in page["data"]} == {"USD"}, "the server's default"
    assert amounts == sorted(amounts)
    second = client.get(f"{url}&after={page['meta']['after']}", headers=auth).json()
    assert not {o["id"] for o in page["data"]} & {o["id"] for o in second["data"]}
    assert Decimal(second["data"][0]["total_amount"]) >= amounts[-1]
    back = client.get(f"{url}&before={second['meta']['before']}", headers=auth).json()
    assert [o["id"] for o in back["data"]] == [o["id"] for o in page["data"]]
    # Empty cursors (a form sends every field) are no cursor: the first page, not a 400.
    empty = client.get(f"{url}&after=&before=", headers=auth)
    assert empty.status_code == 200, empty.text
    assert [o["id"] for o in empty.json()["data"]] == [o["id"] for o in page["data"]]
    orders = client.get("/api/orders?after=&before=", headers=auth)
    assert orders.status_code == 200, orders.text
    by_duration = client.get(f"{url}&sort=total_duration", headers=auth).json()["data"]
    durations = [o["total_duration"] for o in by_duration]
    assert len(durations) == 5
    direct = client.get(f"{url}&max_connections=0&limit=200", headers=auth).json()["data"]
    assert all(s["connections"] == 0 for o in direct for s in o["slices"])
    cheapest = min(Decimal(o["total_amount"]) for o in direct)
    capped = client.get(f"{url}&max_price={cheapest}&limit=200", headers=auth).json()["data"]
    assert capped, "the cheapest offer itself is within the cap"
    assert all(Decimal(o["total_amount"]) <= cheapest for o in capped)


def test_cursors_bound_a_window_and_foreign_cursors_are_refused(
    client: TestClient, auth: dict[str, str]
) -> None:
    request_id = search(client, auth, max_connections=1)["id"]
    url = f"/api/offers?offer_request_id={request_id}&limit=3"
    first = client.get(url, headers=auth).json()
    second = client.get(f"{url}&after={first['meta']['after']}", headers=auth).json()
    third = client.get(f"{url}&after={second['meta']['after']}", headers=auth).json()
    # Both cursors: the page after the first, ending before the third.
    window = client.get(
        f"{url.replace('limit=3', 'limit=50')}&after={first['meta']['after']}"
        f"&before={third['meta']['before']}",
        headers=auth,
    )
    assert window.status_code == 200, window.text
    assert [o["id"] for o in window.json()["data"]] == [o["id"] for o in second["data"]]
    # An order list's cursor (an instant) on the offers (sorted by an amount), a
    # cursor that is no JSON, one of the wrong shape, one with a NUL: 400, never a 500.
    orders_cursor = base64.urlsafe_b64encode(
        json.dumps(["2026-01-01T00:00:00+00:00", "ord_x"]).encode()
    ).decode()
    shapes = [["1", "off_x"], [1, 2], [1.5, "off_x"], [True, "off_x"], [1, "off\u0000x"]]
    foreign = [orders_cursor, "bm90IGpzb24", "W10"] + [
        base64.urlsafe_b64encode(json.dumps(shape).encode()).decode() for shape in shapes
    ]
    for cursor in foreign:
        for field in ("after", "before"):
            refused = client.get(f"{url}&{field}={cursor}", headers=auth)
            assert refused.status_code == 400, (cursor, refused.text)
            assert refused.json()["errors"][0]["source"]["field"] == field
            assert refused.json()["errors"][0]["code"] == "invalid_cursor"
    offers_cursor = first["meta"]["after"]
    refused = client.get(f"/api/orders?after={offers_cursor}", headers=auth)
    assert refused.status_code == 400, refused.text


def test_a_tiny_price_cap_is_a_cap_not_an_error(client: TestClient, auth: dict[str, str]) -> None:
    request_id = search(client, auth)["id"]
    for cap in ("5e-324", "0.0001", "1e12"):
        capped = client.get(
            f"/api/offers?offer_request_id={request_id}&max_price={cap}", headers=auth
        )
        assert capped.status_code == 200, capped.text
        assert (capped.json()["data"] == []) == (cap != "1e12")
    for cap in ("0", "-1", "1e13", "abc"):
        refused = client.get(
            f"/api/offers?offer_request_id={request_id}&max_price={cap}", headers=auth
        )
        assert refused.status_code == 400, (cap, refused.text)


def test_instant_order_is_ticketed(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    checked = client.get(f"/api/offers/{offer['id']}", headers=auth)
    assert checked.status_code == 200
    seat_maps = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=auth)
    assert seat_maps.status_code == 200 and seat_maps.json()["data"]
    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert order["status"] == "instant" and len(order["booking_reference"]) == 6
    assert order["documents"] == []
    worker.drain()
    polled = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert polled["status"] == "ticketed" and polled["ticketing_status"] == "successful"
    ticket = polled["documents"][0]
    assert ticket["type"] == "electronic_ticket"
    assert ticket["passenger_id"] == polled["passengers"][0]["id"]
    prefix, number = ticket["unique_identifier"].split("-")
    assert len(prefix) == 3 and len(number) == 10 and polled["synced_at"].endswith("Z")
    listed = client.get("/api/orders", headers=auth).json()["data"]
    assert [o["id"] for o in listed] == [order["id"]]


def test_hold_then_pay_then_ticket(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = first_offer(search(client, auth)["offers"], holdable=True)
    promised = offer["payment_requirements"]["payment_required_by"]
    assert promised.endswith("Z")
    assert offer["payment_requirements"]["price_guarantee_expires_at"] == promised
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
    order = client.post("/api/orders", json=body, headers=auth).json()["data"]
    assert order["status"] == "hold"
    assert order["payment_status"]["payment_required_by"] >= promised, "held after the search"
    assert order["payment_status"]["awaiting_payment"] is True
    assert order["payment_status"]["payment_required_by"].endswith("Z")
    payment = client.post(
        "/api/payments",
        headers=auth,
        json={
            "order_id": order["id"],
            "type": "card",
            "card_token": "tok_visa",
            "amount": order["total_amount"],
            "currency": order["total_currency"],
        },
    )
    assert payment.status_code == 201, payment.text
    assert payment.json()["data"]["status"] == "succeeded"
    assert client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]["status"] == "paid"
    worker.drain()
    ticketed = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert ticketed["status"] == "ticketed" and len(ticketed["documents"]) == 1


def test_cancel_with_refund_quote_then_confirm(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    order = client.post("/api/orders", json=instant_order_body(offer), headers=auth).json()["data"]
    worker.drain()
    quote = client.post(
        f"/api/orders/{order['id']}/actions/cancel",
        json={"reason": "requested_by_customer"},
        headers=auth,
    )
    assert quote.status_code == 201, quote.text
    quoted = quote.json()["data"]
    assert Decimal(quoted["refund_amount"]) + Decimal(quoted["penalty_amount"]) == Decimal(
        order["total_amount"]
    )
    still = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert still["status"] == "ticketed", "a quote alone must not cancel"
    confirmed = client.post(
        f"/api/orders/{order['id']}/actions/cancel/confirm",
        json={"cancellation_id": quoted["id"]},
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["order"]["status"] == "cancelled"
    assert confirmed.json()["data"]["cancellation"]["confirmed_at"]
    again = client.post(
        f"/api/orders/{order['id']}/actions/cancel/confirm",
        json={"cancellation_id": quoted["id"]},
        headers=auth,
    )
    assert again.status_code == 409
    worker.drain()


def test_idempotent_order_creation(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    headers = {**auth, "Idempotency-Key": "checkout-42"}
    first = client.post("/api/orders", json=instant_order_body(offer), headers=headers)
    second = client.post("/api/orders", json=instant_order_body(offer), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["data"]["id"] == second.json()["data"]["id"]
    assert len(client.get("/api/orders", headers=auth).json()["data"]) == 1


def test_metadata_can_be_set_and_cleared(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    order = client.post("/api/orders", json=instant_order_body(offer), headers=auth).json()["data"]
    url = f"/api/orders/{order['id']}"
    set_ = client.patch(
        url, json={"metadata": {"note": "window please", "trip": "honeymoon"}}, headers=auth
    )
    assert set_.json()["data"]["metadata"] == {"note": "window please", "trip": "honeymoon"}
    cleared = client.patch(url, json={"metadata": {"note": None}}, headers=auth)
    assert cleared.json()["data"]["metadata"] == {"trip": "honeymoon"}


def test_passport_numbers_are_masked(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    body = instant_order_body(offer)
    body["passengers"][0]["identity_documents"] = [
        {
            "type": "passport",
            "unique_identifier": "X1234567",
            "issuing_country_code": "US",
            "expires_on": "2035-01-01",
        }
    ]
    response = client.post("/api/orders", json=body, headers=auth)
    assert response.status_code == 201, response.text
    assert "X1234567" not in response.text
    document = response.json()["data"]["passengers"][0]["identity_documents"][0]
    assert document["unique_identifier"].endswith("567") and "*" in document["unique_identifier"]


def test_offers_filter_by_airline_and_departure_time(
    client: TestClient, auth: dict[str, str]
) -> None:
    request_id = search(client, auth, max_connections=1)["id"]
    summary = client.get(f"/api/offer-requests/{request_id}", headers=auth).json()["data"]
    codes = [a["iata_code"] for a in summary["airlines"]]
    assert len(codes) >= 2 and all(a["name"] for a in summary["airlines"])
    url = f"/api/offers?offer_request_id={request_id}&limit=200"
    everything = all_offers(client, auth, f"offer_request_id={request_id}")
    one = all_offers(client, auth, f"offer_request_id={request_id}&airlines={codes[0]}")
    assert one and {o["owner"]["iata_code"] for o in one} == {codes[0]}
    assert len(one) < len(everything)
    two = client.get(f"{url}&airlines={codes[0]},{codes[1].lower()}", headers=auth).json()["data"]
    assert {o["owner"]["iata_code"] for o in two} == {codes[0], codes[1]}
    morning = client.get(
        f"{url}&departure_time_from=06:00&departure_time_to=11:59", headers=auth
    ).json()["data"]
    hours = [int(o["slices"][0]["departing_at"][11:13]) for o in morning]
    assert all(6 <= hour <= 11 for hour in hours)
    expected = [o for o in everything if 6 <= int(o["slices"][0]["departing_at"][11:13]) <= 11]
    assert len(morning) == len(expected)
    bad = client.get(f"{url}&airlines=B", headers=auth)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["source"]["field"] == "airlines"

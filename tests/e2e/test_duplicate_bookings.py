"""Duplicate bookings over HTTP (ADR 0015): /api answers 409 ``duplicate_booking`` naming
the live order, ``confirm_duplicate`` books anyway, a cancelled order frees its passengers
and flights, a retry after a timeout books once; the Duffel dialect answers 422."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.e2e.conftest import adult, first_offer, search
from tests.e2e.test_duffel_dialect import V2, offer_request, passengers
from tests.e2e.test_error_table import assert_error


def _hold_body(offer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()], **extra}


def _holdable(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    return first_offer(search(client, auth)["offers"], holdable=True)


def _cancel(client: TestClient, auth: dict[str, str], order_id: str) -> None:
    quote = client.post(f"/api/orders/{order_id}/actions/cancel", headers=auth)
    assert quote.status_code == 201, quote.text
    confirmed = client.post(
        f"/api/orders/{order_id}/actions/cancel/confirm",
        json={"cancellation_id": quote.json()["data"]["id"]},
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text


def test_the_same_passengers_on_the_same_flights_need_a_confirmation(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = _holdable(client, auth)
    first = client.post("/api/orders", json=_hold_body(offer), headers=auth)
    assert first.status_code == 201, first.text
    first_id = first.json()["data"]["id"]
    # the same people written differently are the same people
    respelled = _hold_body(offer)
    respelled["passengers"] = [adult(given_name="AMELIA", family_name=" earhart", title="dr")]
    refused = client.post("/api/orders", json=respelled, headers=auth)
    assert_error(refused, 409, "duplicate_booking", "passengers")
    assert first_id in refused.json()["errors"][0]["message"]
    confirmed = client.post(
        "/api/orders", json=_hold_body(offer, confirm_duplicate=True), headers=auth
    )
    assert confirmed.status_code == 201, confirmed.text
    listed = client.get("/api/orders", headers=auth).json()["data"]
    assert {o["id"] for o in listed} == {first_id, confirmed.json()["data"]["id"]}


def test_a_cancelled_order_frees_its_passengers_and_flights(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = _holdable(client, auth)
    first = client.post("/api/orders", json=_hold_body(offer), headers=auth)
    assert first.status_code == 201, first.text
    _cancel(client, auth, first.json()["data"]["id"])
    again = client.post("/api/orders", json=_hold_body(offer), headers=auth)
    assert again.status_code == 201, again.text
    assert again.json()["data"]["id"] != first.json()["data"]["id"]


def test_a_retry_after_a_timeout_books_once(client: TestClient, auth: dict[str, str]) -> None:
    offer = _holdable(client, auth)
    keyed = {**auth, "Idempotency-Key": "dupes-retry-1"}
    timed_out = client.post(
        "/api/orders", json=_hold_body(offer), headers={**keyed, "Sandbox-Fault": "timeout"}
    )
    assert_error(timed_out, 504, "provider_timeout")
    booked = client.post("/api/orders", json=_hold_body(offer), headers=keyed)
    assert booked.status_code == 201, booked.text
    order_id = booked.json()["data"]["id"]
    replayed = client.post("/api/orders", json=_hold_body(offer), headers=keyed)
    assert replayed.status_code == 201 and replayed.json()["data"]["id"] == order_id
    unkeyed = client.post("/api/orders", json=_hold_body(offer), headers=auth)
    assert_error(unkeyed, 409, "duplicate_booking")
    other_key = {**auth, "Idempotency-Key": "dupes-retry-2"}
    assert_error(
        client.post("/api/orders", json=_hold_body(offer), headers=other_key),
        409,
        "duplicate_booking",
    )
    assert [o["id"] for o in client.get("/api/orders", headers=auth).json()["data"]] == [order_id]


def test_the_duffel_dialect_answers_a_duplicate_with_422(
    client: TestClient, auth: dict[str, str]
) -> None:
    created = client.post("/api/api-keys", json={"name": "duffel"}, headers=auth)
    assert created.status_code == 201, created.text
    key = {**V2, "Authorization": f"Bearer {created.json()['data']['secret']}"}
    offer = offer_request(client, key, days=45)["offers"][0]
    hold = {
        "data": {"type": "hold", "selected_offers": [offer["id"]], "passengers": passengers(offer)}
    }
    first = client.post("/duffel/air/orders", json=hold, headers=key)
    assert first.status_code == 201, first.text
    refused = client.post("/duffel/air/orders", json=hold, headers=key)
    assert refused.status_code == 422, refused.text
    error = refused.json()["errors"][0]
    assert error["code"] == "duplicate_booking" and error["type"] == "invalid_state_error"
    assert first.json()["data"]["id"] in error["message"]

"""Each native order says what its traveller may ask for (``available_actions``), so the
web site shows buttons from the API and holds no rule of its own."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.e2e.conftest import first_offer, hold_order, instant_order_body, search


def test_a_hold_may_be_cancelled_a_paid_order_changed_too_a_cancelled_one_nothing_more(
    client: TestClient, auth: dict[str, str]
) -> None:
    hold = hold_order(client, auth)
    assert hold["available_actions"] == ["cancel"]

    offer = first_offer(search(client, auth, days=40)["offers"])
    paid = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert paid.status_code == 201, paid.text
    expected = (
        ["cancel", "change"]
        if offer["conditions"]["change_before_departure"]["allowed"]
        else ["cancel"]
    )
    assert paid.json()["data"]["available_actions"] == expected

    quote = client.post(f"/api/orders/{hold['id']}/actions/cancel", json={}, headers=auth)
    assert quote.status_code in (200, 201), quote.text
    confirmed = client.post(
        f"/api/orders/{hold['id']}/actions/cancel/confirm",
        json={"cancellation_id": quote.json()["data"]["id"]},
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text
    again = client.get(f"/api/orders/{hold['id']}", headers=auth).json()["data"]
    # Nothing more to ask of it; its cancellation receipt is there to download.
    assert (again["status"], again["available_actions"]) == ("cancelled", ["documents"])

"""Airline-initiated changes over HTTP (``/api``, ADR 0020): the sandbox retimes or
cancels a flight, the order shows it, and the customer accepts it, changes to another
flight for free, or cancels with a full refund; and cancellation penalties by the time
left before departure (seed 002's schedule on Flex fares)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader

from farebridge.jobs.worker import Worker
from tests.e2e.conftest import instant_order_body, offer_of_an_airline_flying_later, search
from tests.e2e.test_error_table import assert_error

Json = dict[str, Any]


def book(
    client: TestClient,
    auth: dict[str, str],
    worker: Worker,
    *,
    brand: str = "Basic",
    fault: str | None = None,
    days: int = 30,
    connecting: bool = False,
    destination: str = "LHR",
) -> Json:
    """A ticketed order of one adult on the sandbox's JFK flights."""
    offers = search(
        client, auth, days=days, max_connections=1 if connecting else 0, destination=destination
    )["offers"]
    offer = offer_of_an_airline_flying_later(
        client,
        auth,
        offers,
        brand=brand,
        later=days + 2,
        where=lambda o: (o["slices"][0]["connections"] > 0) is connecting,
    )
    headers = {**auth, "Sandbox-Fault": fault} if fault else auth
    created = client.post("/api/orders", json=instant_order_body(offer), headers=headers)
    assert created.status_code == 201, created.text
    worker.drain()
    order: Json = client.get(f"/api/orders/{created.json()['data']['id']}", headers=auth).json()[
        "data"
    ]
    assert order["status"] == "ticketed", order
    return order


def sync(client: TestClient, auth: dict[str, str], order: Json) -> Json:
    response = client.post(f"/api/orders/{order['id']}/actions/sync", headers=auth)
    assert response.status_code == 200, response.text
    synced: Json = response.json()["data"]
    return synced


def local(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_retimed_flight_retimes_the_order_and_is_answered_once(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = book(client, auth, worker, fault="schedule_change")  # the worker synced it once
    synced = sync(client, auth, order)  # and another sync records nothing new
    [pending] = synced["airline_initiated_changes"]
    before = pending["before"][0]
    after = synced["slices"][0]["segments"][0]
    assert local(after["departing_at"]) - local(before["departing_at"]) == timedelta(minutes=55)
    assert local(after["arriving_at"]) - local(before["arriving_at"]) == timedelta(minutes=55)
    assert pending["kind"] == "retimed" and pending["status"] == "pending"
    assert pending["available_actions"] == ["accept", "change", "cancel"]
    assert pending["after"][0]["departing_at"] == after["departing_at"]
    assert before["segment_id"] == after["id"]
    assert pending["connection_broken"] is False
    assert after["cancelled"] is False
    # The newest e-ticket shows the new time (rendered again if one showed the old, ADR 0017).
    worker.drain()
    [ticket] = client.get(f"/api/orders/{order['id']}/documents", headers=auth).json()["data"]
    assert ticket["kind"] == "e_ticket"
    pdf = client.get(f"/api/orders/{order['id']}/documents/e_ticket", headers=auth).content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert after["departing_at"][11:16] in text and before["departing_at"][11:16] not in text
    listed = client.get(f"/api/orders/{order['id']}/schedule_changes", headers=auth).json()
    assert [c["id"] for c in listed["data"]] == [pending["id"]]
    events = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
    changed = [e for e in events if e["type"] == "order.schedule_changed"]
    assert len(changed) == 1 and changed[0]["data"]["schedule_change_id"] == pending["id"]
    assert changed[0]["data"]["segments"][0]["departing_at_after"].startswith(
        after["departing_at"][:16]
    )

    url = f"/api/orders/{order['id']}/schedule_changes/{pending['id']}/actions/accept"
    accepted = client.post(url, headers=auth)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["data"]["status"] == "accepted"
    assert accepted.json()["data"]["resolved_at"] is not None
    assert_error(client.post(url, headers=auth), 409, "schedule_change_resolved")
    now = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert now["airline_initiated_changes"] == []
    assert now["slices"][0]["segments"][0]["departing_at"] == after["departing_at"]


def test_another_customers_schedule_change_is_not_found(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    from tests.e2e.conftest import register

    order = book(client, auth, worker, fault="schedule_change")
    [pending] = sync(client, auth, order)["airline_initiated_changes"]
    other = register(client, "other@test.com")
    url = f"/api/orders/{order['id']}/schedule_changes/{pending['id']}/actions/accept"
    assert_error(client.post(url, headers=other), 404)
    assert_error(client.get(f"/api/orders/{order['id']}/schedule_changes", headers=other), 404)
    wrong = f"/api/orders/{order['id']}/schedule_changes/sch_nope/actions/accept"
    assert_error(client.post(wrong, headers=auth), 404, "schedule_change_not_found")


def test_a_cancelled_flight_is_refunded_in_full_even_on_a_non_refundable_fare(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = book(client, auth, worker, brand="Basic", fault="flight_cancelled")
    assert order["conditions"]["refund_before_departure"]["allowed"] is False
    synced = sync(client, auth, order)
    [pending] = synced["airline_initiated_changes"]
    assert pending["kind"] == "flight_cancelled" and pending["after"][0]["cancelled"] is True
    assert synced["slices"][0]["segments"][0]["cancelled"] is True, "the order shows it too"
    assert pending["available_actions"] == ["change", "cancel"]
    accept = f"/api/orders/{order['id']}/schedule_changes/{pending['id']}/actions/accept"
    assert_error(client.post(accept, headers=auth), 422, "schedule_change_not_acceptable")

    cancel = f"/api/orders/{order['id']}/actions/cancel"
    voluntary = client.post(cancel, json={"reason": "requested_by_customer"}, headers=auth)
    assert voluntary.status_code == 201, voluntary.text
    assert Decimal(voluntary.json()["data"]["penalty_amount"]) > 0, "Basic keeps the fare"
    quote = client.post(cancel, json={"reason": "schedule_change"}, headers=auth)
    assert quote.status_code == 201, quote.text
    charged = Decimal(order["total_amount"]) + Decimal(order["surcharge_amount"] or 0)
    assert Decimal(quote.json()["data"]["refund_amount"]) == charged
    assert Decimal(quote.json()["data"]["penalty_amount"]) == 0
    confirmed = client.post(
        f"{cancel}/confirm", json={"cancellation_id": quote.json()["data"]["id"]}, headers=auth
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["order"]["status"] == "cancelled"
    listed = client.get(f"/api/orders/{order['id']}/schedule_changes", headers=auth).json()
    assert listed["data"][0]["status"] == "cancelled"
    assert listed["data"][0]["available_actions"] == []


def test_an_involuntary_cancellation_needs_a_pending_airline_change(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = book(client, auth, worker)
    quote = client.post(
        f"/api/orders/{order['id']}/actions/cancel",
        json={"reason": "schedule_change"},
        headers=auth,
    )
    assert_error(quote, 422, "no_schedule_change", "reason")


def test_a_missed_connection_is_flagged_on_the_change(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = book(
        client, auth, worker, fault="missed_connection", connecting=True, destination="DUB"
    )
    segments = order["slices"][0]["segments"]
    assert len(segments) >= 2
    [pending] = sync(client, auth, order)["airline_initiated_changes"]
    assert pending["connection_broken"] is True
    after = pending["after"]
    left = local(after[1]["departing_at"]) - local(after[0]["arriving_at"])
    # both times are local at the connecting airport: 20 minutes are left to connect
    assert left == timedelta(minutes=20)


def test_a_free_change_to_another_flight_after_the_airline_cancelled_one(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = book(client, auth, worker, brand="Basic", fault="flight_cancelled")
    [pending] = sync(client, auth, order)["airline_initiated_changes"]
    first = order["slices"][0]
    body = {
        "order_id": order["id"],
        "slices": {
            "remove": [{"slice_id": first["id"]}],
            "add": [
                {
                    "origin": first["origin"]["iata_code"],
                    "destination": first["destination"]["iata_code"],
                    "departure_date": first["departing_at"][:10],
                    "cabin_class": "economy",
                }
            ],
        },
    }
    refused = client.post("/api/order_change_requests", json=body, headers=auth)
    assert_error(refused, 422, "order_not_changeable")  # Basic: no voluntary changes
    requested = client.post(
        "/api/order_change_requests",
        json={**body, "schedule_change_id": pending["id"]},
        headers=auth,
    )
    assert requested.status_code == 201, requested.text
    request = requested.json()["data"]
    assert request["schedule_change_id"] == pending["id"] and request["order_change_offers"]
    offers = client.get(
        f"/api/order_change_offers?order_change_request_id={request['id']}&limit=200",
        headers=auth,
    ).json()["data"]
    cancelled = pending["after"][0]["flight"]
    for offer in offers:
        assert Decimal(offer["penalty_total_amount"]) == 0
        assert Decimal(offer["change_total_amount"]) == 0, "no fare difference either way"
        assert offer["new_total_amount"] == order["total_amount"]
        flights = [
            f"{s['marketing_carrier']['iata_code']}{s['marketing_carrier_flight_number']}"
            for item in offer["slices"]["add"]
            for s in item["segments"]
        ]
        assert cancelled not in flights, "never rebooked on the cancelled flight"
    dearest = max(offers, key=lambda o: Decimal(o["new_total_amount"]))
    created = client.post(
        "/api/order_changes", json={"selected_order_change_offer": dearest["id"]}, headers=auth
    )
    assert created.status_code == 201, created.text
    change = created.json()["data"]
    confirmed = client.post(f"/api/order_changes/{change['id']}/actions/confirm", headers=auth)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["status"] == "confirmed"
    worker.drain()
    changed = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert changed["airline_initiated_changes"] == []
    assert changed["total_amount"] == order["total_amount"]
    assert changed["slices"][0]["id"] == dearest["slices"]["add"][0]["id"]
    listed = client.get(f"/api/orders/{order['id']}/schedule_changes", headers=auth).json()
    assert listed["data"][0]["status"] == "rebooked"
    accept = f"/api/orders/{order['id']}/schedule_changes/{pending['id']}/actions/accept"
    assert_error(client.post(accept, headers=auth), 409, "schedule_change_resolved")


def test_flex_fares_show_and_apply_seed_002s_penalty_schedule(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offers = search(client, auth, days=5)["offers"]
    offer = next(o for o in offers if o["fare_brand_name"] == "Flex")
    rules = client.get(f"/api/offers/{offer['id']}/fare-rules", headers=auth)
    assert rules.status_code == 200, rules.text
    terms = rules.json()["data"]["cancellation"]
    assert terms["cutoff"] == "PT2H"
    steps = terms["refund_penalty_schedule"]
    assert [s["more_than"] for s in steps] == ["P7D", "P3D", "PT0S"]
    assert Decimal(steps[0]["penalty_amount"]) == 0
    assert 0 < Decimal(steps[1]["penalty_amount"]) < Decimal(steps[2]["penalty_amount"])
    assert all(s["penalty_currency"] == offer["total_currency"] for s in steps)
    penalties = next(r for r in rules.json()["data"]["rules"] if r["code"] == "PE")
    assert "MORE THAN 7 DAYS BEFORE DEPARTURE: FREE OF CHARGE" in penalties["text"]

    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    worker.drain()
    order_id = created.json()["data"]["id"]
    quote = client.post(f"/api/orders/{order_id}/actions/cancel", headers=auth)
    assert quote.status_code == 201, quote.text
    # 5 days left: more than 3 days, not more than 7: the middle step, per passenger
    assert quote.json()["data"]["penalty_amount"] == steps[1]["penalty_amount"]

    far = next(o for o in search(client, auth, days=30)["offers"] if o["fare_brand_name"] == "Flex")
    created = client.post("/api/orders", json=instant_order_body(far), headers=auth)
    worker.drain()
    quote = client.post(f"/api/orders/{created.json()['data']['id']}/actions/cancel", headers=auth)
    assert Decimal(quote.json()["data"]["penalty_amount"]) == 0, "a month ahead: free"

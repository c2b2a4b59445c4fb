"""Each scripted sandbox fault does what it says (header ``Sandbox-Fault``)."""

from __future__ import annotations

import time
from decimal import Decimal

from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from farebridge.providers.sandbox.faults.plan import Fault, FaultPlan
from tests.e2e.conftest import adult, first_offer, instant_order_body, search, travel_date
from tests.e2e.test_error_table import assert_error
from tests.unit.sandbox.conftest import airline


def _fault(auth: dict[str, str], name: str) -> dict[str, str]:
    return {**auth, "Sandbox-Fault": name}


def test_unknown_fault_is_a_400_naming_the_header(client: TestClient) -> None:
    response = client.get("/api/places/suggestions?query=lon", headers={"Sandbox-Fault": "meteor"})
    assert_error(response, 400, "unknown_test_scenario", "Sandbox-Fault")
    # An empty name (the documents' pattern has none): a 400 too, on every dialect.
    for value in (",", "sold_out,,timeout", "sold_out ,"):
        response = client.get("/api/places/suggestions?query=lon", headers={"Sandbox-Fault": value})
        assert_error(response, 400, "unknown_test_scenario", "Sandbox-Fault")
    assert client.get(
        "/api/places/suggestions?query=lon", headers={"Sandbox-Fault": " "}
    ).is_success


def test_sold_out_at_order_time(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    response = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "sold_out")
    )
    assert_error(response, 409, "offer_no_longer_available")
    assert client.get("/api/orders", headers=auth).json()["data"] == []


def test_timeout_at_order_time_books_nothing(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    response = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "timeout")
    )
    assert_error(response, 504, "provider_timeout")
    assert client.get("/api/orders", headers=auth).json()["data"] == []
    assert (
        client.post("/api/orders", json=instant_order_body(offer), headers=auth).status_code == 201
    )


def test_price_change_then_order_at_the_new_price(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    changed = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "price_change")
    )
    assert_error(changed, 409, "offer_price_changed", "selected_offers")
    fresh = client.get(f"/api/offers/{offer['id']}", headers=auth).json()["data"]
    assert Decimal(fresh["total_amount"]) > Decimal(offer["total_amount"])
    stale = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert_error(stale, 422, "amount_mismatch")
    ordered = client.post("/api/orders", json=instant_order_body(fresh), headers=auth)
    assert ordered.status_code == 201
    assert ordered.json()["data"]["total_amount"] == fresh["total_amount"]


def test_ticketing_unknown_is_never_retried_blindly(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    order = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "ticketing_unknown")
    ).json()["data"]
    worker.drain()
    worker.drain()
    polled = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert polled["status"] == "ticketing"
    assert polled["ticketing_status"] == "unknown"
    assert polled["documents"] == []
    quote = client.post(f"/api/orders/{order['id']}/actions/cancel", headers=auth)
    assert_error(quote, 422, "invalid_transition")


def test_schedule_change_is_recorded_on_the_order_once(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    order = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "schedule_change")
    ).json()["data"]
    worker.drain()
    assert client.post(f"/api/orders/{order['id']}/actions/sync", headers=auth).status_code == 200
    events = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
    types = [e["type"] for e in events]
    assert types.count("order.schedule_changed") == 1
    change = next(e for e in events if e["type"] == "order.schedule_changed")
    assert change["data"]["minutes"] == 55 and "later" in change["data"]["message"]
    assert types[:3] == ["order.created", "order.ticketing_started", "order.ticketed"]


def test_search_timeout_fails_the_offer_request(client: TestClient, auth: dict[str, str]) -> None:
    body = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date()}],
        "passengers": [{"type": "adult"}],
    }
    response = client.post(
        "/api/offer-requests?return_offers=true", json=body, headers=_fault(auth, "search_timeout")
    )
    data = response.json()["data"]
    assert data["status"] == "failed" and data["error"]["code"] == "provider_timeout"


def test_a_fault_travels_through_the_job_queue(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    """Without ``return_offers`` the worker runs the search later: the fault went with it."""
    body = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date()}],
        "passengers": [{"type": "adult"}],
    }
    created = client.post("/api/offer-requests", json=body, headers=_fault(auth, "search_timeout"))
    assert created.json()["data"]["status"] == "pending"
    worker.drain()
    later = client.get(f"/api/offer-requests/{created.json()['data']['id']}", headers=auth)
    assert later.json()["data"]["status"] == "failed"
    assert later.json()["data"]["error"]["code"] == "provider_timeout"


def test_fault_rates_from_settings() -> None:
    always, never = FaultPlan({"timeout": 1.0}), FaultPlan({"timeout": 0.0})
    assert all(always.fires(Fault.TIMEOUT, frozenset()) for _ in range(20))
    assert not any(never.fires(Fault.TIMEOUT, frozenset()) for _ in range(20))
    sometimes = FaultPlan({"sold_out": 0.5}, seed=1)
    hits = sum(sometimes.fires(Fault.SOLD_OUT, frozenset()) for _ in range(400))
    assert 120 < hits < 280


def test_fare_rules_sections_for_full_service(client: TestClient, auth: dict[str, str]) -> None:
    offers = search(client, auth)["offers"]
    offer = next(o for o in offers if not airline(o["owner"]["iata_code"]).is_low_cost)
    rules = client.get(f"/api/offers/{offer['id']}/fare-rules", headers=auth).json()["data"]
    codes = {r["code"] for r in rules["rules"]}
    assert {"PE", "SO", "OD"} <= codes and rules["link"] is None
    penalties = next(r for r in rules["rules"] if r["code"] == "PE")["text"]
    refundable = offer["conditions"]["refund_before_departure"]["allowed"]
    assert ("REFUND NOT PERMITTED" in penalties) != refundable
    designators = {d["code"]: d["extension"] for d in rules["ticket_designators"]}
    assert designators["70|PEN"] == (
        "TICKETS ARE REFUNDABLE|" if refundable else "TICKETS ARE NON-REFUNDABLE|"
    )


def test_fare_rules_link_for_low_cost(client: TestClient, auth: dict[str, str]) -> None:
    carrier = airline("FR")
    low_cost = (
        o
        for days in range(30, 44)  # not every route flies every day
        for destination in ("DUB", "BGY", "MAD")
        for o in search(client, auth, origin=carrier.hubs[1], destination=destination, days=days)[
            "offers"
        ]
        if o["owner"]["iata_code"] == "FR"
    )
    offer = next(low_cost)
    assert offer["payment_requirements"]["payment_required_by"] is None, "instant payment only"
    rules = client.get(f"/api/offers/{offer['id']}/fare-rules", headers=auth).json()["data"]
    assert rules["rules"] == [] and rules["link"].endswith("/FR/terms")
    hold = client.post(
        "/api/orders",
        headers=auth,
        json={"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]},
    )
    assert_error(hold, 422, "instant_payment_required", "type")


def test_unavailable_at_order_time_books_nothing(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    response = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "unavailable")
    )
    assert_error(response, 503, "provider_unavailable")
    assert client.get("/api/orders", headers=auth).json()["data"] == []
    assert (
        client.post("/api/orders", json=instant_order_body(offer), headers=auth).status_code == 201
    )


def test_virtual_card_unavailable_fails_a_fare_paid_at_once_uncharged(
    client: TestClient, auth: dict[str, str]
) -> None:
    held = first_offer(search(client, auth)["offers"], holdable=True)
    fine = client.post(
        "/api/orders",
        json=instant_order_body(held),
        headers=_fault(auth, "virtual_card_unavailable"),
    )
    assert fine.status_code == 201, "only a fare paid at once pays the airline by virtual card"
    offers = search(client, auth, origin="BUD", destination="STN")["offers"]
    paid_at_once = first_offer(offers, holdable=False)
    response = client.post(
        "/api/orders",
        json=instant_order_body(paid_at_once),
        headers=_fault(auth, "virtual_card_unavailable"),
    )
    assert_error(response, 503, "virtual_card_unavailable")
    assert [o["id"] for o in client.get("/api/orders", headers=auth).json()["data"]] == [
        fine.json()["data"]["id"]
    ], "nothing booked or charged"


def test_pnr_query_failure_cancels_and_refunds_the_order(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    order = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "pnr_query_failed")
    ).json()["data"]
    worker.drain()
    polled = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert (polled["status"], polled["ticketing_status"]) == ("cancelled", "failed")
    assert polled["documents"] == []
    events = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
    failed = [e for e in events if e["type"] == "order.ticketing_failed"]
    assert failed and failed[0]["data"]["code"] == "pnr_query_failed"


def test_eticket_delayed_stays_ticketing_then_is_issued(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    order = client.post(
        "/api/orders", json=instant_order_body(offer), headers=_fault(auth, "eticket_delayed")
    ).json()["data"]
    worker.drain()
    polled = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert (polled["status"], polled["ticketing_status"]) == ("ticketing", "pending")
    assert polled["documents"] == [], "bought, but no e-ticket yet"
    time.sleep(2.1)  # the job's first backoff
    worker.drain()
    later = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert (later["status"], later["ticketing_status"]) == ("ticketed", "successful")
    assert len(later["documents"]) == 1

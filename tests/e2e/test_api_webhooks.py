"""Native webhooks (/api/webhooks) end to end: a real HTTP receiver on a free port
verifies every delivery's Standard Webhooks signature and records it.

Time moves by the services' manual clock (job ``run_after``), never by sleeping.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from farebridge.bootstrap import build
from farebridge.domain.clock import ManualClock
from farebridge.jobs.worker import Worker
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from tests.e2e.conftest import (
    adult,
    cancel_order,
    first_offer,
    instant_order_body,
    offer_of_an_airline_flying_later,
    register,
    search,
)
from tests.e2e.test_order_changes import change_offers, change_request_body, dearest
from tests.webhook_receiver import Receiver, running_receiver

ORDER_EVENTS = [
    "order.created",
    "order.paid",
    "order.ticketed",
    "order.cancelled",
    "order.changed",
    "order.schedule_changed",
    "payment.failed",
]


@pytest.fixture
def settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        search_rate_limit_per_minute=1000,
        booking_rate_limit_per_minute=1000,
        payment_rate_limit_per_minute=1000,
        search_wait_seconds=30,
        webhook_allow_http_localhost=True,
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def services(engine: Engine, settings: Settings, clock: ManualClock) -> Dependencies:
    return build(settings, engine=engine, clock=clock)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def create_hook(
    client: TestClient,
    auth: dict[str, str],
    receiver: Receiver,
    name: str,
    events: list[str] | None = None,
) -> dict[str, Any]:
    response = client.post(
        "/api/webhooks",
        json={"url": receiver.url(name), "events": events or ORDER_EVENTS, "description": name},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    hook: dict[str, Any] = response.json()["data"]
    assert hook["secret"].startswith("whsec_") and hook["active"] is True
    receiver.endpoint(name).secret = hook["secret"]
    return hook


def deliver(worker: Worker) -> None:
    """What the worker loop does: hand out new order events, run the due jobs."""
    for _ in range(3):
        worker.dispatch_webhooks()
        worker.drain()


def deliveries(client: TestClient, auth: dict[str, str], hook_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/webhooks/{hook_id}/deliveries?limit=200", headers=auth)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def pay(client: TestClient, auth: dict[str, str], order: dict[str, Any], token: str) -> int:
    response = client.post(
        "/api/payments",
        headers=auth,
        json={
            "order_id": order["id"],
            "type": "card",
            "card_token": token,
            "amount": order["total_amount"],
            "currency": order["total_currency"],
        },
    )
    return response.status_code


def hold(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    offer = first_offer(search(client, auth)["offers"], holdable=True)
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
    response = client.post("/api/orders", json=body, headers=auth)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()["data"]
    return order


def test_book_pay_ticket_cancel_each_event_arrives_once(
    client: TestClient, auth: dict[str, str], worker: Worker, receiver: Receiver
) -> None:
    worker.dispatch_webhooks()  # the worker was running before the webhook existed
    hook = create_hook(client, auth, receiver, "flow")
    other = create_hook(client, auth, receiver, "tickets-only", ["order.ticketed"])
    order = hold(client, auth)
    assert pay(client, auth, order, "tok_card_declined") == 402
    assert pay(client, auth, order, "tok_visa") == 201
    deliver(worker)  # ticketing runs, and its event is handed out on the next sweep
    cancel_order(client, auth, order["id"])
    deliver(worker)

    flow = receiver.endpoint("flow")
    assert not flow.rejected, flow.rejected
    assert flow.types() == [
        "order.created",
        "payment.failed",
        "order.paid",
        "order.ticketed",
        "order.cancelled",
    ]
    assert len({r.webhook_id for r in flow.received}) == len(flow.received), "once per id"
    for received in flow.received:
        assert received.event["id"] == received.webhook_id
        assert received.event["data"]["order"]["id"] == order["id"]
        assert received.event["data"]["order"]["booking_reference"] == order["booking_reference"]
    by_type = {r.event["type"]: r.event for r in flow.received}
    assert by_type["payment.failed"]["data"]["event"]["code"] == "card_declined"
    assert by_type["order.ticketed"]["data"]["event"]["tickets"]
    assert by_type["order.cancelled"]["data"]["order"]["status"] == "cancelled"
    assert by_type["order.created"]["data"]["order"]["total_amount"] == order["total_amount"]
    tickets_only = receiver.endpoint("tickets-only")
    assert tickets_only.types() == ["order.ticketed"]
    assert tickets_only.received[0].webhook_id == by_type["order.ticketed"]["id"], (
        "one event, one id, whichever webhook hears it"
    )

    log = deliveries(client, auth, hook["id"])
    # Newest first by when each delivery was queued; two queued in the same instant
    # (on SQLite's clock) may come in either order, so the order of the types is only
    # checked between different instants.
    assert sorted(d["event_type"] for d in log) == sorted(flow.types())
    queued = [d["created_at"] for d in log]
    assert queued == sorted(queued, reverse=True), "newest first"
    for newer, older in itertools.pairwise(log):
        if newer["created_at"] != older["created_at"]:
            types = flow.types()
            assert types.index(newer["event_type"]) > types.index(older["event_type"])
    assert {d["status"] for d in log} == {"delivered"}
    assert {(d["attempts"], d["last_status_code"]) for d in log} == {(1, 200)}
    assert len(deliveries(client, auth, other["id"])) == 1
    deliver(worker)
    assert len(flow.received) == 5, "nothing is delivered twice"


def test_failing_receiver_is_retried_with_backoff_and_the_same_id(
    client: TestClient,
    auth: dict[str, str],
    worker: Worker,
    receiver: Receiver,
    clock: ManualClock,
    services: Dependencies,
) -> None:
    worker.dispatch_webhooks()
    hook = create_hook(client, auth, receiver, "flaky", ["order.created"])
    endpoint = receiver.endpoint("flaky")
    endpoint.fail_times = 3
    endpoint.fail_status = 503
    hold(client, auth)
    deliver(worker)
    [pending] = deliveries(client, auth, hook["id"])
    assert pending["status"] == "pending" and pending["attempts"] == 1
    assert pending["last_status_code"] == 503
    assert pending["last_error"] == "The receiver answered 503."
    early = client.post(
        f"/api/webhooks/{hook['id']}/deliveries/{pending['id']}/actions/redeliver", headers=auth
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["code"] == "delivery_in_progress"
    policy = services.policies.webhook_retries
    waits = []
    for attempts in range(1, 4):
        [current] = deliveries(client, auth, hook["id"])
        next_at = datetime.fromisoformat(current["next_attempt_at"].replace("Z", "+00:00"))
        wait = next_at - clock.now()
        waits.append(wait)
        assert timedelta(seconds=-1) <= wait <= policy.ceiling(attempts), (attempts, wait)
        clock.advance(max(wait, timedelta(0)) + timedelta(seconds=1))
        worker.drain()
    [done] = deliveries(client, auth, hook["id"])
    assert done["status"] == "delivered" and done["attempts"] == 4, done
    assert done["last_status_code"] == 200 and done["delivered_at"]
    assert [r.answered for r in endpoint.received] == [503, 503, 503, 200]
    assert len({r.webhook_id for r in endpoint.received}) == 1, "the same id on every retry"
    assert not endpoint.rejected
    listed = client.get(f"/api/webhooks/{hook['id']}", headers=auth).json()["data"]
    assert listed["active"] is True and listed["disabled_reason"] is None


def test_always_failing_receiver_disables_the_webhook_then_redeliver(
    client: TestClient,
    auth: dict[str, str],
    worker: Worker,
    receiver: Receiver,
    clock: ManualClock,
) -> None:
    worker.dispatch_webhooks()
    hook = create_hook(client, auth, receiver, "down", ["order.created"])
    endpoint = receiver.endpoint("down")
    endpoint.always_fail = True
    hold(client, auth)
    deliver(worker)
    for _ in range(12):  # two days in 4-hour steps: the longest backoff
        clock.advance(timedelta(hours=4))
        worker.drain()
    [failed] = deliveries(client, auth, hook["id"])
    assert failed["status"] == "failed" and failed["next_attempt_at"] is None
    assert failed["attempts"] >= 3 and failed["attempts"] == len(endpoint.received)
    disabled = client.get(f"/api/webhooks/{hook['id']}", headers=auth).json()["data"]
    assert disabled["active"] is False and "failed" in disabled["disabled_reason"]
    attempts = failed["attempts"]

    url = f"/api/webhooks/{hook['id']}/deliveries/{failed['id']}/actions/redeliver"
    refused = client.post(url, headers=auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "webhook_disabled"
    on = client.patch(f"/api/webhooks/{hook['id']}", json={"active": True}, headers=auth)
    assert on.status_code == 200, on.text
    assert on.json()["data"]["active"] is True and on.json()["data"]["disabled_reason"] is None
    endpoint.always_fail = False
    again = client.post(url, headers=auth)
    assert again.status_code == 200, again.text
    redelivered = again.json()["data"]
    assert redelivered["status"] == "delivered" and redelivered["attempts"] == attempts + 1
    assert endpoint.received[-1].answered == 200
    assert {r.webhook_id for r in endpoint.received} == {failed["event_id"]}, "same id"
    twice = client.post(url, headers=auth)
    assert twice.status_code == 200 and twice.json()["data"]["attempts"] == attempts + 2


def test_ping_and_crud(
    client: TestClient, auth: dict[str, str], receiver: Receiver, worker: Worker
) -> None:
    hook = create_hook(client, auth, receiver, "ping", ["order.created"])
    pinged = client.post(f"/api/webhooks/{hook['id']}/actions/ping", headers=auth)
    assert pinged.status_code == 200, pinged.text
    delivery = pinged.json()["data"]
    assert delivery["event_type"] == "ping" and delivery["status"] == "delivered"
    [received] = receiver.endpoint("ping").received
    assert received.event["type"] == "ping" and received.webhook_id == delivery["event_id"]
    assert received.event["data"]["webhook"]["id"] == hook["id"]

    fetched = client.get(f"/api/webhooks/{hook['id']}", headers=auth).json()["data"]
    assert "secret" not in fetched and fetched["description"] == "ping"
    second = create_hook(client, auth, receiver, "second")
    page = client.get("/api/webhooks?limit=1", headers=auth).json()
    assert [w["id"] for w in page["data"]] == [second["id"]] and page["meta"]["after"]
    rest = client.get(f"/api/webhooks?limit=1&after={page['meta']['after']}", headers=auth)
    assert [w["id"] for w in rest.json()["data"]] == [hook["id"]]
    changed = client.patch(
        f"/api/webhooks/{hook['id']}",
        json={"events": ["order.paid", "order.paid"], "url": receiver.url("moved")},
        headers=auth,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["events"] == ["order.paid"]
    assert changed.json()["data"]["url"].endswith("/hooks/moved")
    paused = client.patch(f"/api/webhooks/{hook['id']}", json={"active": False}, headers=auth)
    assert paused.json()["data"]["active"] is False
    refused = client.post(f"/api/webhooks/{hook['id']}/actions/ping", headers=auth)
    assert refused.status_code == 422
    deleted = client.delete(f"/api/webhooks/{hook['id']}", headers=auth)
    assert deleted.status_code == 200 and deleted.json()["data"]["id"] == hook["id"]
    assert client.get(f"/api/webhooks/{hook['id']}", headers=auth).status_code == 404
    assert client.delete(f"/api/webhooks/{hook['id']}", headers=auth).status_code == 404


def test_another_accounts_webhook_is_not_found(
    client: TestClient, auth: dict[str, str], receiver: Receiver
) -> None:
    hook = create_hook(client, auth, receiver, "mine", ["order.created"])
    delivery = client.post(f"/api/webhooks/{hook['id']}/actions/ping", headers=auth).json()["data"]
    intruder = register(client, "mallory@test.com")
    base = f"/api/webhooks/{hook['id']}"
    attempts = [
        client.get(base, headers=intruder),
        client.patch(base, json={"active": False}, headers=intruder),
        client.delete(base, headers=intruder),
        client.post(f"{base}/actions/ping", headers=intruder),
        client.get(f"{base}/deliveries", headers=intruder),
        client.post(f"{base}/deliveries/{delivery['id']}/actions/redeliver", headers=intruder),
    ]
    assert [r.status_code for r in attempts] == [404] * 6
    assert client.get("/api/webhooks", headers=intruder).json()["data"] == []
    mine_again = client.get(base, headers=auth).json()["data"]
    assert mine_again["active"] is True, "the intruder changed nothing"
    theirs = create_hook(client, intruder, receiver, "theirs", ["order.created"])
    cross = client.post(
        f"{base}/deliveries/{delivery['id']}/actions/redeliver".replace(hook["id"], theirs["id"]),
        headers=intruder,
    )
    assert cross.status_code == 404, "a delivery of another webhook is not found"
    assert client.get("/api/webhooks/whk_missing", headers=auth).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"url": "not a url", "events": ["order.created"]}, "url", "invalid_url"),
        ({"url": "ftp://example.com/x", "events": ["order.created"]}, "url", "invalid_url"),
        ({"url": "http://example.com/x", "events": ["order.created"]}, "url", "https_required"),
        ({"url": "https://u:p@example.com/", "events": ["order.created"]}, "url", "invalid_url"),
        ({"url": "https://example.com/", "events": ["order.exploded"]}, "events[0]", None),
        ({"url": "https://example.com/", "events": []}, "events", None),
        ({"url": "https://example.com/"}, "events", None),
        ({"url": "https://example.com/\u0000", "events": ["ping"]}, "url", "invalid_character"),
        (
            {"url": "https://example.com/", "events": ["ping"], "description": "a\u0000b"},
            "description",
            "invalid_character",
        ),
        ({"url": "https://example.com/", "events": ["ping"], "secret": "x"}, "secret", None),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient,
    auth: dict[str, str],
    body: dict[str, Any],
    field: str,
    code: str | None,
) -> None:
    response = client.post("/api/webhooks", json=body, headers=auth)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["source"]["field"] == field, error
    if code is not None:
        assert error["code"] == code
    assert client.get("/api/webhooks", headers=auth).json()["data"] == [], "nothing half-written"


def test_http_urls_need_the_setting(
    client: TestClient, auth: dict[str, str], services: Dependencies
) -> None:
    assert services.policies.webhook_allow_http_localhost
    local = {"url": "http://localhost:9/hooks", "events": ["ping"]}
    assert client.post("/api/webhooks", json=local, headers=auth).status_code == 201
    elsewhere = {"url": "http://10.0.0.1/hooks", "events": ["ping"]}
    response = client.post("/api/webhooks", json=elsewhere, headers=auth)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "https_required"
    updated = client.patch(
        f"/api/webhooks/{client.get('/api/webhooks', headers=auth).json()['data'][0]['id']}",
        json={"events": ["nope"]},
        headers=auth,
    )
    assert updated.status_code == 400
    assert updated.json()["errors"][0]["source"]["field"] == "events[0]"


def test_events_counted_per_id(
    client: TestClient, auth: dict[str, str], worker: Worker, receiver: Receiver
) -> None:
    """Two webhooks of one account, one order: each hears order.created once, with one id."""
    worker.dispatch_webhooks()
    create_hook(client, auth, receiver, "a", ["order.created"])
    create_hook(client, auth, receiver, "b", ["order.created"])
    stranger = register(client, "stranger@test.com")
    create_hook(client, stranger, receiver, "c", ["order.created"])
    hold(client, auth)
    deliver(worker)
    a, b = receiver.endpoint("a"), receiver.endpoint("b")
    assert Counter(r.webhook_id for r in a.received) == Counter(r.webhook_id for r in b.received)
    assert len(a.received) == 1
    assert receiver.endpoint("c").received == [], "another account's order is not theirs"


def test_schedule_change_voluntary_change_and_a_declined_instant_order(
    client: TestClient, auth: dict[str, str], worker: Worker, receiver: Receiver
) -> None:
    worker.dispatch_webhooks()
    create_hook(client, auth, receiver, "service")
    offers = search(client, auth)["offers"]
    offer = offer_of_an_airline_flying_later(client, auth, offers, brand="Flex")
    faulted = {**auth, "Sandbox-Fault": "schedule_change"}
    created = client.post("/api/orders", json=instant_order_body(offer), headers=faulted)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    worker.drain()
    synced = client.post(f"/api/orders/{order['id']}/actions/sync", headers=auth)
    assert synced.status_code == 200
    declined = instant_order_body(first_offer(offers), token="tok_card_declined")
    declined["passengers"][0]["family_name"] = "Noonan"  # not a duplicate of the first
    assert client.post("/api/orders", json=declined, headers=auth).status_code == 402
    deliver(worker)
    endpoint = receiver.endpoint("service")
    by_type = {r.event["type"]: r.event for r in endpoint.received}
    assert set(endpoint.types()) == {
        "order.created",
        "order.ticketed",
        "order.schedule_changed",
        "payment.failed",
    }, endpoint.types()
    assert Counter(endpoint.types())["order.created"] == 1, "a declined order was never created"
    change = by_type["order.schedule_changed"]["data"]
    assert change["order"]["id"] == order["id"] and change["event"]["minutes"] == 55
    failed = by_type["payment.failed"]["data"]
    assert failed["order"]["status"] == "failed" and failed["event"]["code"] == "card_declined"

    request = client.post(
        "/api/order_change_requests", json=change_request_body(order), headers=auth
    )
    assert request.status_code == 201, request.text
    change_offer = dearest(change_offers(client, auth, request.json()["data"]["id"]))
    pending = client.post(
        "/api/order_changes", json={"selected_order_change_offer": change_offer["id"]}, headers=auth
    )
    assert pending.status_code == 201, pending.text
    payment = {
        "type": "card",
        "card_token": "tok_visa",
        "amount": change_offer["change_total_amount"],
        "currency": change_offer["change_total_currency"],
    }
    confirmed = client.post(
        f"/api/order_changes/{pending.json()['data']['id']}/actions/confirm",
        json={"payment": payment},
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text
    deliver(worker)
    changed = [r.event for r in endpoint.received if r.event["type"] == "order.changed"]
    assert len(changed) == 1 and changed[0]["data"]["order"]["id"] == order["id"]
    assert not endpoint.rejected
    assert len({r.webhook_id for r in endpoint.received}) == len(endpoint.received)

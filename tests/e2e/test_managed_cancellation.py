"""Cancel a booking with its manage token (ADR 0038): no account, a quote first, only
when the order offers ``cancel``, refunded and recorded as the owner's cancellation is."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from farebridge.jobs.worker import Worker
from farebridge.store.tables import sandbox_refunds
from tests.e2e.conftest import first_offer, instant_order_body, register, search
from tests.e2e.test_error_table import assert_error
from tests.e2e.test_sandbox_faults import _fault
from tests.e2e.test_self_service_reads import _manage_token, _ticketed

Json = dict[str, Any]
QUOTE = "/api/bookings/manage/cancellation-quote"
CONFIRM = "/api/bookings/manage/cancellation"


def _refunds(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as db:
        rows = db.execute(select(sandbox_refunds.c.refund_id, sandbox_refunds.c.amount_minor))
        return [(str(refund), int(amount)) for refund, amount in rows]


def test_a_manage_token_cancels_its_booking_after_a_quote_and_refunds_once(
    client: TestClient, auth: dict[str, str], worker: Worker, engine: Engine
) -> None:
    order = _ticketed(client, auth, worker)
    assert "cancel" in order["available_actions"]
    token = _manage_token(client, order)

    quote = client.post(QUOTE, headers=token)
    assert quote.status_code == 201, quote.text
    quoted = quote.json()["data"]
    assert quoted["order_id"] == order["id"] and quoted["confirmed_at"] is None
    owners_quote = client.post(f"/api/orders/{order['id']}/actions/cancel", headers=auth)
    assert quoted["refund_amount"] == owners_quote.json()["data"]["refund_amount"]
    still = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert still["status"] == "ticketed", "a quote alone cancels nothing"

    confirmed = client.post(CONFIRM, json={"cancellation_id": quoted["id"]}, headers=token)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["order"]["status"] == "cancelled"
    assert confirmed.json()["data"]["cancellation"]["confirmed_at"]
    again = client.post(CONFIRM, json={"cancellation_id": quoted["id"]}, headers=token)
    assert_error(again, 409, "already_cancelled")
    worker.drain()
    refunds = _refunds(engine)
    assert [refund for refund, _ in refunds] == [quoted["id"]], "one refund, not two"
    assert refunds[0][1] > 0

    events = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
    cancelled = [e for e in events if e["type"] == "order.cancelled"]
    assert len(cancelled) == 1 and cancelled[0]["to_status"] == "cancelled"
    managed = client.get("/api/bookings/manage/events", headers=token).json()["data"]
    assert managed == events
    assert_error(client.post(QUOTE, headers=token), 409, "already_cancelled")


def test_another_booking_s_quote_is_not_found_and_a_bad_token_is_refused(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    mine = _ticketed(client, auth, worker)
    someone_else = register(client, "bessie@test.com")
    theirs = _ticketed(client, someone_else, worker)
    my_token, their_token = _manage_token(client, mine), _manage_token(client, theirs)
    their_quote = client.post(QUOTE, headers=their_token).json()["data"]
    refused = client.post(CONFIRM, json={"cancellation_id": their_quote["id"]}, headers=my_token)
    assert_error(refused, 404, "cancellation_not_found")
    assert refused.json()["errors"][0]["source"]["field"] == "cancellation_id"
    for order, owner in ((mine, auth), (theirs, someone_else)):
        kept = client.get(f"/api/orders/{order['id']}", headers=owner).json()["data"]
        assert kept["status"] == "ticketed"
    assert_error(client.post(QUOTE, headers={"Manage-Token": "fbm_nope"}), 401)
    nope = {"Manage-Token": "fbm_nope"}
    assert_error(client.post(CONFIRM, json={"cancellation_id": "ore_x"}, headers=nope), 401)
    assert client.post(QUOTE).status_code == 400  # no Manage-Token header
    bearer = {"Authorization": f"Bearer {my_token['Manage-Token']}"}
    assert_error(client.post(f"/api/orders/{mine['id']}/actions/cancel", headers=bearer), 401)


def test_an_order_that_cannot_be_cancelled_says_why(
    client: TestClient, auth: dict[str, str], worker: Worker, engine: Engine
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    faulty = _fault(auth, "ticketing_unknown")  # the airline never says: stuck in ticketing
    order = client.post("/api/orders", json=instant_order_body(offer), headers=faulty)
    worker.drain()
    stuck = client.get(f"/api/orders/{order.json()['data']['id']}", headers=auth).json()["data"]
    assert stuck["status"] == "ticketing" and "cancel" not in stuck["available_actions"]
    refused = client.post(QUOTE, headers=_manage_token(client, stuck))
    error = assert_error(refused, 422, "not_cancellable")
    assert "tickets are being issued" in error["message"]
    assert stuck["booking_reference"] in error["message"]
    assert _refunds(engine) == []

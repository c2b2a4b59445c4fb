"""Roles over HTTP (ADR 0021): admin routes, agents booking for customers, the flight
manifest, the audit log and the booking-reference filter of ``GET /api/orders``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from farebridge.services.ports import Dependencies
from tests.e2e.conftest import adult, cancel_order, first_offer, instant_order_body, search
from tests.e2e.roles import ACTORS, World, make_world
from tests.e2e.test_error_table import assert_error
from tests.e2e.test_seats import _free_seats

Json = dict[str, Any]


@pytest.fixture
def world(client: TestClient, services: Dependencies) -> World:
    return make_world(client, services)


def _book(client: TestClient, headers: dict[str, str], **extra: Any) -> Json:
    offer = first_offer(search(client, headers)["offers"], holdable=True)
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()], **extra}
    response = client.post("/api/orders", json=body, headers=headers)
    assert response.status_code == 201, response.text
    order: Json = response.json()["data"]
    return order


ADMIN_ROUTES = [
    ("GET", "/api/admin/users", None),
    ("PATCH", "/api/admin/users/{owner}", {"role": "agent"}),
    ("GET", "/api/admin/manifest?flight=BA117&date=2026-12-20", None),
    ("GET", "/api/admin/audit", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_admin_routes_are_for_admins_only(
    client: TestClient, world: World, method: str, path: str, body: Json | None
) -> None:
    url = path.format(owner=world.ids["owner"])
    for actor in ACTORS:
        response = client.request(method, url, json=body, headers=world.headers[actor])
        if actor == "admin":
            assert response.status_code == 200, response.text
            continue
        assert_error(response, 403, "forbidden")
        assert "admin role" in response.json()["errors"][0]["message"]
    assert client.request(method, url, json=body).status_code == 401


def test_an_admin_gives_roles_and_agencies(client: TestClient, world: World) -> None:
    admin = world.headers["admin"]
    target = world.ids["customer_b"]
    url = f"/api/admin/users/{target}"
    made = client.patch(url, json={"role": "agent", "agency": "  East   Travel "}, headers=admin)
    assert made.status_code == 200, made.text
    data = made.json()["data"]
    assert data["role"] == "agent" and data["agency"]["name"] == "East Travel"
    kept = client.patch(url, json={"role": "customer"}, headers=admin).json()["data"]
    assert kept["role"] == "customer" and kept["agency"] == data["agency"], "agency kept"
    cleared = client.patch(url, json={"agency": None}, headers=admin).json()["data"]
    assert cleared["role"] == "customer" and cleared["agency"] is None
    assert_error(client.patch(url, json={"role": "pilot"}, headers=admin), 400)
    assert_error(client.patch(url, json={"rank": "x"}, headers=admin), 400)
    missing = client.patch("/api/admin/users/usr_nope", json={"role": "agent"}, headers=admin)
    assert_error(missing, 404, "user_not_found")
    users = client.get("/api/admin/users", headers=admin).json()["data"]
    assert {u["email"] for u in users} >= {"owner@test.com", "agent-same@test.com"}
    north = {u["email"] for u in users if u["agency"] and u["agency"]["name"] == "North"}
    assert north == {"owner@test.com", "agent-same@test.com"}
    log = client.get("/api/admin/audit", headers=admin).json()["data"]
    role_changes = [e for e in log if e["subject_user_id"] == target]
    newest_first = ["customer", "customer", "agent", "customer"]  # cleared, kept, made, setup
    assert [e["data"]["role"] for e in role_changes] == newest_first
    assert role_changes[0]["actor_id"] == world.ids["admin"]
    assert role_changes[-1]["actor_id"] is None, "the setup used the command line's path"


def test_an_agent_books_for_a_customer_of_its_agency(
    client: TestClient, world: World, worker: Worker
) -> None:
    agent = world.headers["agent_same"]
    owner_id = world.ids["owner"]
    order = _book(client, agent, customer_id=owner_id)
    # The customer owns it and sees it; the agent services it; the audit log names the agent.
    mine = client.get("/api/orders", headers=world.headers["owner"]).json()["data"]
    assert [o["id"] for o in mine] == [order["id"]]
    assert client.get(f"/api/orders/{order['id']}", headers=agent).status_code == 200
    cancel_order(client, agent, order["id"])
    audit = client.get(
        f"/api/admin/audit?order_id={order['id']}", headers=world.headers["admin"]
    ).json()["data"]
    assert [(e["action"], e["actor_id"]) for e in audit] == [
        ("order.cancelled", world.ids["agent_same"]),
        ("order.created", world.ids["agent_same"]),
    ]
    assert audit[1]["subject_user_id"] == owner_id

    # Not for a customer of another agency (as unknown as a missing one), not by a customer.
    other = _search_body(client, world.headers["agent_other"])
    refused = client.post(
        "/api/orders", json={**other, "customer_id": owner_id}, headers=world.headers["agent_other"]
    )
    assert_error(refused, 404, "customer_not_found", "customer_id")
    nobody = _search_body(client, agent)
    missing = client.post("/api/orders", json={**nobody, "customer_id": "usr_nope"}, headers=agent)
    assert_error(missing, 404, "customer_not_found", "customer_id")
    customer = world.headers["customer_b"]
    forbidden = client.post(
        "/api/orders",
        json={**_search_body(client, customer), "customer_id": owner_id},
        headers=customer,
    )
    assert_error(forbidden, 403, "forbidden")
    # An admin may book for anyone.
    by_admin = _book(client, world.headers["admin"], customer_id=world.ids["customer_b"])
    theirs = client.get("/api/orders", headers=customer).json()["data"]
    assert [o["id"] for o in theirs] == [by_admin["id"]]


def _search_body(client: TestClient, headers: dict[str, str]) -> Json:
    offer = first_offer(search(client, headers)["offers"], holdable=True)
    return {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}


def test_order_lists_follow_the_policy_and_filter_by_booking_reference(
    client: TestClient, world: World
) -> None:
    a = _book(client, world.headers["owner"])
    b = _book(client, world.headers["customer_b"], passengers=[adult(family_name="Other")])
    expected = {
        "owner": [a["id"]],
        "customer_b": [b["id"]],
        "agent_same": [a["id"]],
        "agent_other": [],
        "agent_none": [],
        "admin": [b["id"], a["id"]],
    }
    for actor, ids in expected.items():
        listed = client.get("/api/orders", headers=world.headers[actor]).json()["data"]
        assert [o["id"] for o in listed] == ids, actor
    reference = a["booking_reference"]
    for actor, ids in expected.items():
        url = f"/api/orders?booking_reference={reference.lower()}"
        listed = client.get(url, headers=world.headers[actor]).json()["data"]
        assert [o["id"] for o in listed] == [i for i in ids if i == a["id"]], actor
    nothing = client.get("/api/orders?booking_reference=ZZZZZZ", headers=world.headers["admin"])
    assert nothing.status_code == 200 and nothing.json()["data"] == []


def test_the_manifest_lists_every_booking_on_the_flight_and_date(
    client: TestClient, world: World, worker: Worker
) -> None:
    owner = world.headers["owner"]
    offer = first_offer(search(client, owner)["offers"])
    seat_map = client.get(f"/api/offers/{offer['id']}/seat-maps", headers=owner).json()["data"][0]
    seat = next(
        s for s in _free_seats(seat_map) if s["available_services"][0]["total_amount"] == "0.00"
    )
    body = instant_order_body(offer)
    body["services"] = [{"id": seat["available_services"][0]["id"], "quantity": 1}]
    first = client.post("/api/orders", json=body, headers=owner)
    assert first.status_code == 201, first.text
    a = first.json()["data"]
    same_flight = next(
        o
        for o in search(client, world.headers["customer_b"])["offers"]
        if o["slices"][0]["segments"][0]["id"] and _flight(o) == _flight(offer)
    )
    b_body = {
        "type": "hold",
        "selected_offers": [same_flight["id"]],
        "passengers": [adult(given_name="Bessie", family_name="Coleman")],
    }
    second = client.post("/api/orders", json=b_body, headers=world.headers["customer_b"])
    assert second.status_code == 201, second.text
    b = second.json()["data"]
    worker.drain()
    segment = offer["slices"][0]["segments"][0]
    flight, day = _flight(offer)
    url = f"/api/admin/manifest?flight={flight}&date={day}"
    manifest = client.get(url, headers=world.headers["admin"])
    assert manifest.status_code == 200, manifest.text
    data = manifest.json()["data"]
    assert data["flight"] == flight and data["departure_date"] == day
    bookings = {entry["order_id"]: entry for entry in data["bookings"]}
    assert set(bookings) == {a["id"], b["id"]}
    assert bookings[a["id"]]["booking_reference"] == a["booking_reference"]
    assert bookings[a["id"]]["status"] == "ticketed"
    assert bookings[b["id"]]["status"] == "hold"
    (pa,) = bookings[a["id"]]["passengers"]
    assert pa["seat"] == seat["designator"]
    assert pa["passenger"]["family_name"] == "Earhart"
    passport = pa["passenger"]["identity_documents"][0]["unique_identifier"]
    assert passport != "X1234567" and passport.endswith("567"), "masked"
    (pb,) = bookings[b["id"]]["passengers"]
    assert pb["seat"] is None and pb["passenger"]["family_name"] == "Coleman"
    assert bookings[a["id"]]["segment_id"] == segment["id"]
    # Another date, another flight: nobody.
    empty = client.get(f"/api/admin/manifest?flight={flight}&date=2001-01-01", headers=admin(world))
    assert empty.json()["data"]["bookings"] == []
    assert_error(client.get(f"/api/admin/manifest?flight=B&date={day}", headers=admin(world)), 400)
    bad = client.get(f"/api/admin/manifest?flight=BA-117&date={day}", headers=admin(world))
    assert_error(bad, 400, "invalid_flight", "flight")


def admin(world: World) -> dict[str, str]:
    return world.headers["admin"]


def _flight(offer: Json) -> tuple[str, str]:
    segment = offer["slices"][0]["segments"][0]
    number = segment["marketing_carrier"]["iata_code"] + segment["marketing_carrier_flight_number"]
    return number, segment["departing_at"][:10]


def test_the_audit_log_records_payments_and_updates(client: TestClient, world: World) -> None:
    owner = world.headers["owner"]
    order = _book(client, owner)
    patched = client.patch(
        f"/api/orders/{order['id']}", json={"metadata": {"ref": "x"}}, headers=owner
    )
    assert patched.status_code == 200
    paid = client.post(
        "/api/payments",
        json={
            "order_id": order["id"],
            "type": "balance",
            "amount": order["total_amount"],
            "currency": order["total_currency"],
        },
        headers=world.headers["agent_same"],
    )
    assert paid.status_code == 201, paid.text
    log = client.get(f"/api/admin/audit?order_id={order['id']}", headers=admin(world))
    entries = log.json()["data"]
    assert [(e["action"], e["actor_id"]) for e in entries] == [
        ("order.paid", world.ids["agent_same"]),
        ("order.updated", world.ids["owner"]),
        ("order.created", world.ids["owner"]),
    ]
    assert entries[0]["data"]["payment_id"] == paid.json()["data"]["id"]
    page = client.get("/api/admin/audit?limit=1", headers=admin(world)).json()
    assert len(page["data"]) == 1 and page["meta"]["before_id"] == page["data"][0]["id"]
    older = client.get(
        f"/api/admin/audit?limit=1&before_id={page['meta']['before_id']}", headers=admin(world)
    ).json()["data"]
    assert older[0]["id"] < page["data"][0]["id"]


def test_an_agents_retry_with_the_same_key_replays_the_customers_order(
    client: TestClient, world: World
) -> None:
    agent = world.headers["agent_same"]
    body = {**_search_body(client, agent), "customer_id": world.ids["owner"]}
    headers = {**agent, "Idempotency-Key": "agent-retry-1"}
    first = client.post("/api/orders", json=body, headers=headers)
    again = client.post("/api/orders", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json()["data"]["id"] == again.json()["data"]["id"]
    other = {**body, "customer_id": world.ids["agent_same"]}
    reused = client.post("/api/orders", json=other, headers=headers)
    assert reused.status_code == 201, "the key is the owner's: the agent's own order is new"
    assert reused.json()["data"]["id"] != first.json()["data"]["id"]

"""What the web site's servicing pages read (ADR 0036): a looked-up booking's PDFs and
history through its manage token, and an agent's list of the agency's customers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from farebridge.services.ports import Dependencies
from tests.e2e.conftest import cancel_order, hold_order, instant_order_body, search
from tests.e2e.roles import ACTORS, make_world
from tests.e2e.test_error_table import assert_error

Json = dict[str, Any]
MANAGE = "/api/bookings/manage"


def _ticketed(client: TestClient, auth: dict[str, str], worker: Worker) -> Json:
    offer = search(client, auth)["offers"][0]
    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    worker.drain()
    order: Json = client.get(f"/api/orders/{created.json()['data']['id']}", headers=auth).json()[
        "data"
    ]
    assert order["status"] == "ticketed", order["status"]
    return order


def _manage_token(client: TestClient, order: Json) -> dict[str, str]:
    body = {
        "booking_reference": order["booking_reference"],
        "family_name": order["passengers"][0]["family_name"],
    }
    found = client.post("/api/bookings/lookup", json=body)
    assert found.status_code == 200, found.text
    return {"Manage-Token": found.json()["data"]["manage_token"]}


def test_a_manage_token_reads_its_bookings_pdfs_and_history_only(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = _ticketed(client, auth, worker)
    token = _manage_token(client, order)

    listed = client.get(f"{MANAGE}/documents", headers=token)
    assert listed.status_code == 200, listed.text
    [ticket] = listed.json()["data"]
    assert ticket["kind"] == "e_ticket"
    assert ticket["url"] == f"{MANAGE}/documents/e_ticket"
    owners = client.get(f"/api/orders/{order['id']}/documents", headers=auth).json()["data"]
    assert ticket["sha256"] == owners[0]["sha256"]
    pdf = client.get(ticket["url"], headers=token)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert_error(
        client.get(f"{MANAGE}/documents/cancellation_receipt", headers=token),
        404,
        "document_not_ready",
    )

    history = client.get(f"{MANAGE}/events", headers=token)
    assert history.status_code == 200, history.text
    own = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
    assert history.json()["data"] == own
    assert own[-1]["to_status"] == "ticketed"

    # The token reads; it is no bearer token, and a wrong or missing one reads nothing.
    for path in ("/documents", "/documents/e_ticket", "/events"):
        assert_error(client.get(MANAGE + path, headers={"Manage-Token": "fbm_nope"}), 401)
        assert client.get(MANAGE + path).status_code == 400  # no Manage-Token header
    bearer = {"Authorization": f"Bearer {token['Manage-Token']}"}
    assert_error(client.get(f"/api/orders/{order['id']}/documents", headers=bearer), 401)

    # After a cancellation the receipt is there too, for the owner and the token alike.
    cancel_order(client, auth, order["id"])
    worker.drain()
    kinds = {d["kind"] for d in client.get(f"{MANAGE}/documents", headers=token).json()["data"]}
    assert kinds == {"e_ticket", "cancellation_receipt"}
    receipt = client.get(f"{MANAGE}/documents/cancellation_receipt", headers=token)
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF-")


def test_agents_list_their_agencys_customers_and_nobody_else(
    client: TestClient, services: Dependencies
) -> None:
    world = make_world(client, services)
    seen: dict[str, set[str]] = {}
    for actor in ACTORS:
        response = client.get("/api/agency/customers", headers=world.headers[actor])
        if actor in ("owner", "customer_b"):
            assert_error(response, 403, "forbidden")
            continue
        assert response.status_code == 200, response.text
        seen[actor] = {c["id"] for c in response.json()["data"]}
    ids = world.ids
    assert seen["agent_same"] == {ids["owner"]}  # North's customer, not North's agent
    assert seen["agent_other"] == set()  # South has no customer
    assert seen["agent_none"] == set()  # an agent of no agency reaches nobody
    assert seen["admin"] == {ids["owner"], ids["customer_b"]}
    listed = client.get("/api/agency/customers", headers=world.headers["agent_same"]).json()
    assert listed["data"][0]["agency"]["name"] == "North"
    assert listed["data"][0]["email"] == "owner@test.com"
    assert_error(client.get("/api/agency/customers"), 401)


def test_orders_filtered_by_customer_stay_within_reach(
    client: TestClient, services: Dependencies
) -> None:
    world = make_world(client, services)
    booked = {
        actor: hold_order(client, world.headers[actor])["id"] for actor in ("owner", "customer_b")
    }

    def listed(actor: str, customer: str) -> list[str]:
        url = f"/api/orders?customer_id={world.ids[customer]}"
        response = client.get(url, headers=world.headers[actor])
        assert response.status_code == 200, response.text
        return [order["id"] for order in response.json()["data"]]

    assert listed("agent_same", "owner") == [booked["owner"]]
    assert listed("agent_same", "customer_b") == []  # not the agency's: nothing, no error
    assert listed("agent_other", "owner") == []
    assert listed("customer_b", "owner") == []
    assert listed("owner", "owner") == [booked["owner"]]
    assert listed("admin", "customer_b") == [booked["customer_b"]]

"""API keys over HTTP: created once, used as a bearer token, listed without secrets, revoked."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.e2e.conftest import first_offer, instant_order_body, register, search


def test_a_server_books_with_an_api_key_until_it_is_revoked(
    client: TestClient, auth: dict[str, str]
) -> None:
    created = client.post("/api/api-keys", json={"name": "booking-server"}, headers=auth)
    assert created.status_code == 201, created.text
    key = created.json()["data"]
    assert key["secret"].startswith("fbk_") and key["secret"].startswith(key["prefix"])
    server = {"Authorization": f"Bearer {key['secret']}"}
    assert client.get("/api/me", headers=server).json()["data"]["email"] == "amelia@test.com"
    offer = first_offer(search(client, server)["offers"])
    order = client.post("/api/orders", json=instant_order_body(offer), headers=server)
    assert order.status_code == 201, order.text
    mine = client.get("/api/orders", headers=auth).json()["data"]
    assert [o["id"] for o in mine] == [order.json()["data"]["id"]], "the key acts as its owner"

    listed = client.get("/api/api-keys", headers=auth).json()["data"]
    assert [k["id"] for k in listed] == [key["id"]]
    assert "secret" not in listed[0] and listed[0]["last_used_at"] is not None

    revoked = client.delete(f"/api/api-keys/{key['id']}", headers=auth)
    assert revoked.status_code == 200 and revoked.json()["data"]["revoked_at"]
    refused = client.get("/api/me", headers=server)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["code"] == "invalid_api_key"


def test_keys_are_private_and_named(client: TestClient, auth: dict[str, str]) -> None:
    key = client.post("/api/api-keys", json={"name": "ci"}, headers=auth).json()["data"]
    other = register(client, "other@test.com")
    assert client.delete(f"/api/api-keys/{key['id']}", headers=other).status_code == 404
    assert client.get("/api/api-keys", headers=other).json()["data"] == []
    blank = client.post("/api/api-keys", json={"name": ""}, headers=auth)
    assert blank.status_code == 400
    assert blank.json()["errors"][0]["source"]["field"] == "name"
    assert client.post("/api/api-keys", json={"name": "x"}).status_code == 401

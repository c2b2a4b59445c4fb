"""Listing orders reads each order's tickets and schedule changes for the whole page at
once (issue 14: no query per order): the statements a page costs do not grow with it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.e2e.conftest import adult, first_offer, register, search


def _statements(engine: Engine, client: TestClient, path: str, auth: dict[str, str]) -> int:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = client.get(path, headers=auth)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 200, answer.text
    return len(seen)


def test_a_page_of_orders_costs_the_same_statements_as_one(
    client: TestClient, engine: Engine
) -> None:
    auth = register(client)
    offers = search(client, auth)["offers"]
    holdable = [o for o in offers if not o["payment_requirements"]["requires_instant_payment"]]
    for n, offer in enumerate(holdable[:4] or [first_offer(offers)]):
        body = {
            "type": "hold",
            "selected_offers": [offer["id"]],
            "passengers": [adult(given_name=f"Amelia{'abcd'[n]}")],
        }
        assert client.post("/api/orders", json=body, headers=auth).status_code == 201
    listed = client.get("/api/orders?limit=50", headers=auth).json()["data"]
    assert len(listed) >= 2, "several orders to list"
    client.get("/api/orders?limit=1", headers=auth)  # warm caches alike
    one = _statements(engine, client, "/api/orders?limit=1", auth)
    many = _statements(engine, client, "/api/orders?limit=50", auth)
    assert many == one, (one, many)

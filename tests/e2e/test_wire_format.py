"""The native dialect's wire format does not drift.

``wire_shapes.json`` was recorded from the hand-written presenters before the
API was re-laid as dialects with typed response models. A tour of every
operation records, for each JSON path of each response, the kinds of value
seen there: an object's exact keys in order, ``null``, ``bool``, ``int``,
``float``, or a string's format (amount, UTC instant, local time, date,
ISO duration, other). Every kind seen now must have been seen then, so a
renamed, dropped, added or reordered key, a lost ``null`` or a changed string
format fails (a value that is null today and was not then is allowed: that
depends on the day's flights, not on the code). Regenerate only on purpose:
``FAREBRIDGE_WRITE_WIRE_SHAPES=1``.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from tests.e2e.conftest import adult, first_offer, instant_order_body, register, search

GOLDEN = Path(__file__).with_name("wire_shapes.json")
Shapes = dict[str, set[str]]
STRING_KINDS = [
    ("amount", re.compile(r"-?\d+(\.\d+)?")),
    ("instant", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")),
    ("local", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")),
    ("date", re.compile(r"\d{4}-\d\d-\d\d")),
    ("duration", re.compile(r"P(\d+D)?(T(\d+H)?(\d+M)?)?")),
]


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return type(value).__name__
    assert isinstance(value, str), value
    return next((f"str:{n}" for n, p in STRING_KINDS if p.fullmatch(value)), "str")


def record(shapes: Shapes, path: str, value: Any) -> None:
    if isinstance(value, dict):
        shapes[path].add("{" + ",".join(value) + "}")
        for key, item in value.items():
            record(shapes, f"{path}.{key}", item)
    elif isinstance(value, list):
        shapes[path].add("[]")
        for item in value:
            record(shapes, f"{path}[]", item)
    else:
        shapes[path].add(kind(value))


class Tour:
    """Calls the API and records each response's shapes under ``METHOD template status``."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.shapes: Shapes = defaultdict(set)

    def call(self, template: str, method: str, url: str, **kwargs: Any) -> Any:
        response = self.client.request(method, url, **kwargs)
        operation = f"{method} {template} {response.status_code} $"
        body = response.json() if response.content else None
        if isinstance(body, dict) and "meta" in body and "request_id" in body["meta"]:
            body["meta"]["request_id"] = "req"
        record(self.shapes, operation, body)
        return body


def _accounts(tour: Tour) -> dict[str, str]:
    account = {"email": "wire@test.com", "password": "correct-horse"}
    register_body = {**account, "full_name": "W"}
    tour.call("/api/auth/register", "POST", "/api/auth/register", json=register_body)
    login = tour.call("/api/auth/login", "POST", "/api/auth/login", json=account)
    auth = {"Authorization": f"Bearer {login['data']['access_token']}"}
    tour.call("/api/me", "GET", "/api/me", headers=auth)
    tour.call("/api/me", "PATCH", "/api/me", json={"preferred_currency": "EUR"}, headers=auth)
    tour.call("/api/me", "PATCH", "/api/me", json={"preferred_currency": None}, headers=auth)
    tour.call("/api/currencies", "GET", "/api/currencies")
    for query in ("lon", "jfk"):
        url = f"/api/places/suggestions?query={query}"
        tour.call("/api/places/suggestions", "GET", url, headers=auth)
    return auth


def _search(tour: Tour, auth: dict[str, str]) -> dict[str, Any]:
    created = search(tour.client, auth)
    slices = [
        {"origin": "NYC", "destination": "LON", "departure_date": s["departure_date"]}
        for s in created["slices"]
    ]
    body = {"slices": slices, "passengers": [{"type": "adult"}], "currency": "GBP"}
    tour.call("/api/offer-requests", "POST", "/api/offer-requests", json=body, headers=auth)
    url = "/api/offer-requests?return_offers=true"
    tour.call("/api/offer-requests", "POST", url, json=body, headers=auth)
    template = "/api/offer-requests/{offer_request_id}"
    tour.call(template, "GET", f"/api/offer-requests/{created['id']}", headers=auth)
    url = f"/api/offers?offer_request_id={created['id']}&limit=200"
    tour.call("/api/offers", "GET", url, headers=auth)
    tour.call("/api/offers", "GET", f"{url}&group_by=itinerary", headers=auth)
    template = "/api/offer-requests/{offer_request_id}/calendar"
    url = f"/api/offer-requests/{created['id']}/calendar"
    tour.call(template, "GET", url, headers=auth)
    offer = first_offer(created["offers"])
    base = f"/api/offers/{offer['id']}"
    tour.call("/api/offers/{offer_id}", "GET", base, headers=auth)
    tour.call("/api/offers/{offer_id}/fare-rules", "GET", f"{base}/fare-rules", headers=auth)
    maps = tour.call("/api/offers/{offer_id}/seat-maps", "GET", f"{base}/seat-maps", headers=auth)
    seat = next(
        element["available_services"][0]
        for cabin in maps["data"][0]["cabins"]
        for row in cabin["rows"]
        for section in row["sections"]
        for element in section["elements"]
        if element["type"] == "seat" and element["available_services"]
    )
    extras = [{"id": offer["available_services"][0]["id"]}, {"id": seat["id"]}]
    priced = tour.call(
        "/api/offers/{offer_id}/actions/price",
        "POST",
        f"{base}/actions/price",
        json={"services": extras},
        headers=auth,
    )
    body = instant_order_body(offer)
    body["services"] = extras
    body["payments"][0]["amount"] = priced["data"]["total_amount"]
    body["passengers"][0]["identity_documents"] = [
        {"unique_identifier": "X1234567", "issuing_country_code": "US", "expires_on": "2035-01-01"}
    ]
    return body


def _orders(tour: Tour, auth: dict[str, str], body: dict[str, Any], worker: Worker) -> None:
    order = tour.call("/api/orders", "POST", "/api/orders", json=body, headers=auth)["data"]
    worker.drain()
    url, template = f"/api/orders/{order['id']}", "/api/orders/{order_id}"
    tour.call(template, "GET", url, headers=auth)
    tour.call(template, "PATCH", url, json={"metadata": {"trip": "honeymoon"}}, headers=auth)
    tour.call("/api/orders", "GET", "/api/orders", headers=auth)
    tour.call(f"{template}/actions/sync", "POST", f"{url}/actions/sync", headers=auth)
    tour.call(f"{template}/events", "GET", f"{url}/events", headers=auth)
    quote = tour.call(f"{template}/actions/cancel", "POST", f"{url}/actions/cancel", headers=auth)
    tour.call(
        f"{template}/actions/cancel/confirm",
        "POST",
        f"{url}/actions/cancel/confirm",
        json={"cancellation_id": quote["data"]["id"]},
        headers=auth,
    )


def _hold_and_pay(tour: Tour, auth: dict[str, str]) -> None:
    offer = first_offer(search(tour.client, auth)["offers"], holdable=True)
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
    order = tour.call("/api/orders", "POST", "/api/orders", json=body, headers=auth)["data"]
    pay = {
        "order_id": order["id"],
        "type": "balance",
        "amount": order["total_amount"],
        "currency": order["total_currency"],
    }
    tour.call("/api/payments", "POST", "/api/payments", json=pay, headers=auth)
    tour.call("/api/payments", "POST", "/api/payments", json=pay, headers=auth)


def _errors(tour: Tour, auth: dict[str, str]) -> None:
    tour.call("/api/orders", "GET", "/api/orders")
    tour.call("/api/orders/{order_id}", "GET", "/api/orders/ord_nope", headers=auth)
    tour.call("/api/orders", "POST", "/api/orders", json={"type": "x"}, headers=auth)
    fault = {**auth, "Sandbox-Fault": "meteor"}
    url = "/api/places/suggestions?query=lon"
    tour.call("/api/places/suggestions", "GET", url, headers=fault)
    tour.call("/api/nothing-here", "GET", "/api/nothing-here")
    tour.call("/api/auth/logout", "POST", "/api/auth/logout", headers=auth)


def allowed(golden: dict[str, list[str]], path: str) -> set[str]:
    """What ``path`` may hold now: what it held then, or ``null`` (which values are null
    depends on the day's flights; which keys exist does not)."""
    return set(golden[path]) | {"null"} if path in golden else set()


def test_the_wire_format_matches_the_recorded_shapes(client: TestClient, worker: Worker) -> None:
    tour = Tour(client)
    auth = _accounts(tour)
    _orders(tour, auth, _search(tour, auth), worker)
    _hold_and_pay(tour, register(client, "payer@test.com"))
    _errors(tour, auth)
    seen = {path: sorted(kinds) for path, kinds in sorted(tour.shapes.items())}
    if os.environ.get("FAREBRIDGE_WRITE_WIRE_SHAPES") == "1":
        lines = [f"{json.dumps(path)}: {json.dumps(kinds)}" for path, kinds in seen.items()]
        GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    golden: dict[str, list[str]] = json.loads(GOLDEN.read_text())
    drift = {
        path: sorted(extra)
        for path, kinds in seen.items()
        if (extra := set(kinds) - allowed(golden, path))
    }
    assert not drift, json.dumps(drift, indent=1)

"""The role matrix (ADR 0021): every id route of ``/api`` by every kind of caller.

One object (an order of customer A and everything under it, A's search and offers, A's
API key) is reached by A, a customer B, an agent of A's agency, an agent of another
agency, an agent of no agency and an admin. The access policy allows the owner, the
agent of the owner's agency and the admin (the route's success status); everyone else
gets 404, exactly as for an id that does not exist. A few of the Duffel and Allmyles
dialects' id routes are in the table too: they call the same use cases.

Adding a route (documents, webhooks, schedule changes…): one ``IdRoute`` line in
``ROUTES``; ``Subject`` builds what its path needs, lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from farebridge.services.ports import Dependencies
from tests.e2e.conftest import adult, amount_due, first_offer, instant_order_body, search
from tests.e2e.roles import ACTORS, ALLOWED, World, make_world
from tests.e2e.test_order_changes import change_request_body

Json = dict[str, Any]


class Subject:
    """Customer A's objects, made on first use with A's token."""

    def __init__(self, client: TestClient, world: World, worker: Worker) -> None:
        self.client = client
        self.auth = world.headers["owner"]
        self.worker = worker

    def _ok(self, response: Any, status: int = 201) -> Json:
        assert response.status_code == status, response.text
        data: Json = response.json()["data"]
        return data

    @cached_property
    def search(self) -> Json:
        return search(self.client, self.auth)

    @cached_property
    def offer(self) -> Json:
        return first_offer(self.search["offers"])

    @cached_property
    def order(self) -> Json:
        """A ticketed Flex order (changeable and refundable)."""
        offer = next(o for o in self.search["offers"] if o["fare_brand_name"] == "Flex")
        body = {**instant_order_body(offer), "confirm_duplicate": True}
        order = self._ok(self.client.post("/api/orders", json=body, headers=self.auth))
        self.worker.drain()
        return order

    @cached_property
    def hold(self) -> Json:
        offer = first_offer(self.search["offers"], holdable=True)
        body = {
            "type": "hold",
            "selected_offers": [offer["id"]],
            "passengers": [adult()],
            "confirm_duplicate": True,
        }
        return self._ok(self.client.post("/api/orders", json=body, headers=self.auth))

    @cached_property
    def quote(self) -> Json:
        url = f"/api/orders/{self.order['id']}/actions/cancel"
        return self._ok(self.client.post(url, headers=self.auth))

    @cached_property
    def change_request(self) -> Json:
        body = change_request_body(self.order)
        return self._ok(
            self.client.post("/api/order_change_requests", json=body, headers=self.auth)
        )

    @cached_property
    def change_offer(self) -> Json:
        url = f"/api/order_change_offers?order_change_request_id={self.change_request['id']}"
        offers: list[Json] = self._ok(self.client.get(url + "&limit=200", headers=self.auth), 200)
        return max(offers, key=lambda o: Decimal(o["change_total_amount"]))

    @cached_property
    def change(self) -> Json:
        body = {"selected_order_change_offer": self.change_offer["id"]}
        return self._ok(self.client.post("/api/order_changes", json=body, headers=self.auth))

    @cached_property
    def webhook(self) -> Json:
        body = {"url": "https://example.com/hooks", "events": ["order.ticketed"]}
        return self._ok(self.client.post("/api/webhooks", json=body, headers=self.auth))

    @cached_property
    def booking_record(self) -> Json:
        """A booking record (seed 004) on the order's first flight."""
        flight_id = self.order["slices"][0]["segments"][0]["flight_id"]
        body = {"flightId": flight_id, "seatNumber": "12A"}
        response = self.client.post("/v1/flight/booking", json=body, headers=self.auth)
        assert response.status_code == 201, response.text
        record: Json = response.json()
        return record

    @cached_property
    def api_key(self) -> Json:
        body = {"name": "server"}
        return self._ok(self.client.post("/api/api-keys", json=body, headers=self.auth))


def _hold_payment(s: Subject) -> Json:
    return {
        "order_id": s.hold["id"],
        "type": "card",
        "card_token": "tok_visa",
        "amount": amount_due(s.hold),
        "currency": s.hold["total_currency"],
    }


def _change_payment(s: Subject) -> Json:
    offer = s.change_offer
    payment = {
        "type": "card",
        "card_token": "tok_visa",
        "amount": offer["change_total_amount"],
        "currency": offer["change_total_currency"],
    }
    return {"payment": payment}


@dataclass(frozen=True)
class IdRoute:
    method: str
    path: Callable[[Subject], str]
    ok: int  # the status when the policy allows the caller
    body: Callable[[Subject], Json | None] = field(default=lambda s: None)
    # It changes the object for good (pays, cancels, confirms): every allowed caller
    # gets an object of its own.
    fresh: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # e.g. a dialect's version
    # The caller's credentials as the dialect wants them (default: Authorization: Bearer).
    credentials: Callable[[dict[str, str]], dict[str, str]] = field(default=lambda h: h)

    @property
    def name(self) -> str:
        sample = self.path(_Names())  # type: ignore[arg-type]
        return f"{self.method} {sample}"


class _Names:
    """Stands in for a Subject to name a route: every object's id is its name."""

    def __getattr__(self, name: str) -> Json:
        return {"id": f"{{{name}}}", "booking_reference": f"{{{name}.booking_reference}}"}


ORDER = "/api/orders/{}"
DUFFEL = {"Duffel-Version": "v2"}
RECORDS = "/v1/flight/booking"
ROUTES = [
    IdRoute("GET", lambda s: ORDER.format(s.order["id"]), 200),
    IdRoute(
        "PATCH", lambda s: ORDER.format(s.order["id"]), 200, lambda s: {"metadata": {"k": "v"}}
    ),
    IdRoute("GET", lambda s: ORDER.format(s.order["id"]) + "/events", 200),
    IdRoute("POST", lambda s: ORDER.format(s.order["id"]) + "/actions/sync", 200),
    IdRoute("POST", lambda s: ORDER.format(s.order["id"]) + "/actions/cancel", 201),
    IdRoute(
        "POST",
        lambda s: ORDER.format(s.order["id"]) + "/actions/cancel/confirm",
        200,
        lambda s: {"cancellation_id": s.quote["id"]},
        fresh=True,
    ),
    IdRoute("POST", lambda s: "/api/payments", 201, _hold_payment, fresh=True),
    IdRoute(
        "POST",
        lambda s: "/api/order_change_requests",
        201,
        lambda s: change_request_body(s.order),
    ),
    IdRoute("GET", lambda s: f"/api/order_change_requests/{s.change_request['id']}", 200),
    IdRoute(
        "GET",
        lambda s: f"/api/order_change_offers?order_change_request_id={s.change_request['id']}",
        200,
    ),
    IdRoute("GET", lambda s: f"/api/order_change_offers/{s.change_offer['id']}", 200),
    IdRoute(
        "POST",
        lambda s: "/api/order_changes",
        201,
        lambda s: {"selected_order_change_offer": s.change_offer["id"]},
    ),
    IdRoute("GET", lambda s: f"/api/order_changes/{s.change['id']}", 200),
    IdRoute(
        "POST",
        lambda s: f"/api/order_changes/{s.change['id']}/actions/confirm",
        200,
        _change_payment,
        fresh=True,
    ),
    IdRoute("GET", lambda s: f"/api/offer-requests/{s.search['id']}", 200),
    IdRoute("GET", lambda s: f"/api/offer-requests/{s.search['id']}/calendar", 200),
    IdRoute("GET", lambda s: f"/api/offers?offer_request_id={s.search['id']}", 200),
    IdRoute("GET", lambda s: f"/api/offers/{s.offer['id']}", 200),
    IdRoute("GET", lambda s: ORDER.format(s.order["id"]) + "/documents", 200),
    IdRoute("GET", lambda s: ORDER.format(s.order["id"]) + "/documents/e_ticket", 200),
    IdRoute("GET", lambda s: ORDER.format(s.order["id"]) + "/emails", 200),
    IdRoute("GET", lambda s: ORDER.format(s.order["id"]) + "/schedule_changes", 200),
    IdRoute("GET", lambda s: ORDER.format(s.order["id"]) + "/booking_records", 200),
    IdRoute("GET", lambda s: f"/api/webhooks/{s.webhook['id']}", 200),
    IdRoute("GET", lambda s: f"/api/webhooks/{s.webhook['id']}/deliveries", 200),
    IdRoute("POST", lambda s: f"/api/offers/{s.offer['id']}/actions/price", 200, lambda s: {}),
    IdRoute("GET", lambda s: f"/api/offers/{s.offer['id']}/fare-rules", 200),
    IdRoute("GET", lambda s: f"/api/offers/{s.offer['id']}/seat-maps", 200),
    IdRoute("DELETE", lambda s: f"/api/api-keys/{s.api_key['id']}", 200),
    # The dialects call the same use cases: a few of their id routes, to show it.
    IdRoute("GET", lambda s: f"/duffel/air/orders/{s.order['id']}", 200, headers=DUFFEL),
    IdRoute("GET", lambda s: f"/duffel/air/offer_requests/{s.search['id']}", 200, headers=DUFFEL),
    IdRoute("GET", lambda s: f"/duffel/air/offers/{s.offer['id']}", 200, headers=DUFFEL),
    IdRoute("GET", lambda s: f"/duffel/air/order_changes/{s.change['id']}", 200, headers=DUFFEL),
    IdRoute("GET", lambda s: f"{RECORDS}/{s.booking_record['id']}", 200),
    IdRoute("PUT", lambda s: f"{RECORDS}/{s.booking_record['id']}", 200, lambda s: {"notes": "n"}),
    IdRoute("DELETE", lambda s: f"{RECORDS}/{s.booking_record['id']}", 200, fresh=True),
    IdRoute(
        "GET",
        lambda s: f"/allmyles/books/{s.order['booking_reference']}",
        200,
        credentials=lambda h: {"X-Auth-Token": h["Authorization"].removeprefix("Bearer ")},
    ),
]


def _call(client: TestClient, route: IdRoute, subject: Subject, headers: dict[str, str]) -> Any:
    body = route.body(subject)
    path = route.path(subject)
    kwargs: dict[str, Any] = {"headers": {**route.credentials(headers), **route.headers}}
    if body is not None:
        kwargs["json"] = body
    return client.request(route.method, path, **kwargs)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_id_route_follows_the_access_policy(
    route: IdRoute, client: TestClient, services: Dependencies, worker: Worker
) -> None:
    world = make_world(client, services)
    shared = Subject(client, world, worker)
    # The refused first, while the object is as it was made; then the allowed.
    order = sorted(ACTORS, key=lambda actor: actor in ALLOWED)
    outcomes = {}
    for actor in order:
        subject = Subject(client, world, worker) if route.fresh and actor in ALLOWED else shared
        response = _call(client, route, subject, world.headers[actor])
        outcomes[actor] = response.status_code
        if actor not in ALLOWED:
            # every dialect's envelope says so: not_found, order_not_found, "PNR not found"
            assert "not found" in response.text.lower().replace("_", " "), response.text
        else:
            assert response.status_code == route.ok, (actor, response.text)
    expected = {actor: route.ok if actor in ALLOWED else 404 for actor in ACTORS}
    assert outcomes == expected

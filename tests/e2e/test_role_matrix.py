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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import count
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from farebridge.services import profiles
from farebridge.services.ports import Dependencies
from tests.e2e.conftest import (
    adult,
    amount_due,
    first_offer,
    instant_order_body,
    offer_of_an_airline_flying_later,
    search,
)
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
        """A ticketed Flex order (changeable and refundable), with an airline that flies
        the route on the day ``change_request_body`` asks for."""
        offers = self.search["offers"]
        offer = offer_of_an_airline_flying_later(self.client, self.auth, offers, brand="Flex")
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
    def schedule_change(self) -> Json:
        """A retimed flight (the sandbox's fault) waiting for the customer's answer."""
        offer = next(o for o in self.search["offers"] if o["fare_brand_name"] == "Flex")
        body = {**instant_order_body(offer), "confirm_duplicate": True}
        headers = {**self.auth, "Sandbox-Fault": "schedule_change"}
        order = self._ok(self.client.post("/api/orders", json=body, headers=headers))
        self.worker.drain()
        url = f"/api/orders/{order['id']}/schedule_changes"
        [change] = self._ok(self.client.get(url, headers=self.auth), 200)
        return {"order_id": order["id"], **change}

    @cached_property
    def delivery(self) -> Json:
        """A delivery of the webhook (its ping)."""
        self._ok(
            self.client.post(f"/api/webhooks/{self.webhook['id']}/actions/ping", headers=self.auth),
            200,
        )
        url = f"/api/webhooks/{self.webhook['id']}/deliveries"
        [delivery] = self._ok(self.client.get(url, headers=self.auth), 200)
        return delivery

    @cached_property
    def duffel_webhook(self) -> Json:
        body = {"data": {"url": "https://example.com/duffel", "events": ["order.created"]}}
        response = self.client.post("/duffel/air/webhooks", json=body, headers=self._duffel)
        return self._ok(response)

    @cached_property
    def duffel_cancellation(self) -> Json:
        body = {"data": {"order_id": self.order["id"]}}
        response = self.client.post(
            "/duffel/air/order_cancellations", json=body, headers=self._duffel
        )
        return self._ok(response)

    @property
    def _duffel(self) -> dict[str, str]:
        return {**self.auth, **DUFFEL}

    @cached_property
    def fa_booking(self) -> Json:
        """A one-way flight_api booking (held) of a domestic full-service flight."""
        day = (date.today() + timedelta(days=33)).strftime("%d-%m-%Y")
        headers = flight_api_session(self.auth)
        query = {"origin": "JFK", "destination": "LAX", "booking_date": day, "airlines": "AA"}
        flights = self.client.get(f"{FLIGHT_API}/flights", params=query, headers=headers)
        flight = flights.json()["departing_flights"][0]
        body = {
            "seat_class": "ECONOMY",
            "trip_type": "ONE_WAY",
            "flight_dep_date": day,
            "extra_baggage_booking_mode": "AT-AIRPORT",
            "passengers": [
                {
                    "first_name": next(FIRST_NAMES),  # each subject its own passenger
                    "last_name": "Goodman",
                    "gender": "MALE",
                    "age": 38,
                    "type": "Adult",
                    "seat_type": "AISLE",
                    "check_in_baggage": 12.0,
                }
            ],
        }
        response = self.client.post(
            f"{FLIGHT_API}/book_flight/{flight['id']}", json=body, headers=headers
        )
        assert response.status_code == 200, response.text
        booking: Json = response.json()
        return booking

    @cached_property
    def fa_ticketed(self) -> Json:
        """The flight_api booking paid (its confirm URL opened) and ticketed."""
        booking = self.fa_booking
        headers = flight_api_session(self.auth)
        ref = booking["booking_ref"]
        intent = self.client.post(f"{FLIGHT_API}/payments/{ref}", headers=headers).json()
        confirm = urlsplit(intent["url"]["use_stripe_sdk"]["stripe_js"])
        paid = self.client.get(f"{confirm.path}?{confirm.query}")
        assert paid.status_code == 200, paid.text
        self.worker.drain()
        return booking

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
        return _Fields(name)


class _Fields(dict[str, str]):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __missing__(self, key: str) -> str:
        return f"{{{self.name}}}" if key == "id" else f"{{{self.name}.{key}}}"


ORDER = "/api/orders/{}"
DUFFEL = {"Duffel-Version": "v2"}
RECORDS = "/v1/flight/booking"
FLIGHT_API = "/v1/flight_api"
FIRST_NAMES = (f"Saul{'abcdefghij'[n % 10]}{'klmnopqrst'[n // 10 % 10]}" for n in count())
SESSION_SCOPED = (
    "a result of the caller's own search session: sessions are keyed by (caller, "
    "cookie), so another account's cookie opens an empty session of its own"
)


def ALLMYLES(headers: dict[str, str]) -> dict[str, str]:  # noqa: N802
    return {"X-Auth-Token": headers["Authorization"].removeprefix("Bearer ")}


def flight_api_session(headers: dict[str, str]) -> dict[str, str]:
    """The caller's credential as flight_api's session cookie and its CSRF token."""
    secret = headers["Authorization"].removeprefix("Bearer ")
    return {"Cookie": f"sessionid={secret}", "X-CSRFToken": profiles.csrf_token(secret)}


def _duffel_change_payment(s: Subject) -> Json:
    offer = s.change_offer
    payment = {
        "type": "card",
        "three_d_secure_session_id": "tok_visa",
        "amount": offer["change_total_amount"],
        "currency": offer["change_total_currency"],
    }
    return {"data": {"payment": payment}}


def _schedule_change(s: Subject) -> str:
    change = s.schedule_change
    return f"/api/orders/{change['order_id']}/schedule_changes/{change['id']}/actions/accept"


def _fa_pdf(s: Subject) -> str:
    ref = s.fa_ticketed["booking_ref"]
    return f"{FLIGHT_API}/download_pdf/{ref}/ticket/booking_ticket_{ref}.pdf"


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
        credentials=ALLMYLES,
    ),
    IdRoute(
        "DELETE",
        lambda s: f"/allmyles/books/{s.hold['booking_reference']}",
        204,
        fresh=True,
        credentials=ALLMYLES,
    ),
    IdRoute("POST", _schedule_change, 200, fresh=True),
    IdRoute(
        "PATCH", lambda s: f"/api/webhooks/{s.webhook['id']}", 200, lambda s: {"active": False}
    ),
    IdRoute("POST", lambda s: f"/api/webhooks/{s.webhook['id']}/actions/ping", 200),
    IdRoute(
        "POST",
        lambda s: (
            f"/api/webhooks/{s.webhook['id']}/deliveries/{s.delivery['id']}/actions/redeliver"
        ),
        422,  # still being retried (example.com does not answer here): past the ownership check
    ),
    IdRoute("DELETE", lambda s: f"/api/webhooks/{s.webhook['id']}", 200, fresh=True),
    IdRoute(
        "PATCH",
        lambda s: f"/duffel/air/orders/{s.order['id']}",
        200,
        lambda s: {"data": {"metadata": {"k": "v"}}},
        headers=DUFFEL,
    ),
    IdRoute(
        "GET",
        lambda s: f"/duffel/air/order_cancellations/{s.duffel_cancellation['id']}",
        200,
        headers=DUFFEL,
    ),
    IdRoute(
        "POST",
        lambda s: f"/duffel/air/order_cancellations/{s.duffel_cancellation['id']}/actions/confirm",
        200,
        fresh=True,
        headers=DUFFEL,
    ),
    IdRoute(
        "GET",
        lambda s: f"/duffel/air/order_change_requests/{s.change_request['id']}",
        200,
        headers=DUFFEL,
    ),
    IdRoute(
        "GET",
        lambda s: f"/duffel/air/order_change_offers/{s.change_offer['id']}",
        200,
        headers=DUFFEL,
    ),
    IdRoute(
        "POST",
        lambda s: f"/duffel/air/order_changes/{s.change['id']}/actions/confirm",
        200,
        _duffel_change_payment,
        fresh=True,
        headers=DUFFEL,
    ),
    IdRoute(
        "PATCH",
        lambda s: f"/duffel/air/webhooks/{s.duffel_webhook['id']}",
        200,
        lambda s: {"data": {"active": False}},
        headers=DUFFEL,
    ),
    IdRoute(
        "POST",
        lambda s: f"/duffel/air/webhooks/{s.duffel_webhook['id']}/actions/ping",
        200,
        headers=DUFFEL,
    ),
    IdRoute(
        "DELETE",
        lambda s: f"/duffel/air/webhooks/{s.duffel_webhook['id']}",
        200,
        fresh=True,
        headers=DUFFEL,
    ),
    IdRoute(
        "GET",
        lambda s: f"{FLIGHT_API}/bookings/{s.fa_booking['booking_ref']}",
        200,
        credentials=flight_api_session,
    ),
    IdRoute(
        "PUT",
        lambda s: f"{FLIGHT_API}/bookings/{s.fa_booking['booking_ref']}",
        200,
        lambda s: {"booking_status": "CANCELED"},
        fresh=True,
        credentials=flight_api_session,
    ),
    IdRoute(
        "POST",
        lambda s: f"{FLIGHT_API}/payments/{s.fa_booking['booking_ref']}",
        200,
        credentials=flight_api_session,
    ),
    IdRoute("GET", _fa_pdf, 200, credentials=flight_api_session),
]

DRAFTS = (
    "a booking draft is its author's alone, not an order: no agent or admin reads it "
    "(ADR 0035; test_web_sessions: another account's is 404)"
)
# Id routes outside the table, and why (every other id route of every dialect is in it).
NOT_OWNED = {
    ("PATCH", "/api/admin/users/{}"): "admins only (a role check): test_roles",
    ("GET", "/duffel/air/airports/{}"): "public reference data",
    ("GET", "/duffel/air/airlines/{}"): "public reference data",
    ("GET", "/duffel/air/aircraft/{}"): "public reference data",
    ("GET", "/allmyles/flights/{}"): SESSION_SCOPED,
    ("GET", "/allmyles/flights/{}/rules"): SESSION_SCOPED,
    ("GET", "/allmyles/tickets/{}"): SESSION_SCOPED,
    ("GET", "/allmyles/tickets/{}/status"): SESSION_SCOPED,
    ("GET", "/v1/flight/booking/flight/{}"): "a flight's manifest lists only the records the "
    "caller may see: test_booking_records",
    ("POST", "/v1/flight_api/book_flight/{}"): "a timetable flight id: public",
    ("POST", "/v1/flight_api/book/{}"): "a timetable flight id: public",
    ("GET", "/v1/flight_api/payments/{}/authenticate"): "a capability URL: its one-time "
    "secret is the credential (test_flight_api_trips: a wrong secret is 404)",
    ("GET", "/api/bookings/manage/documents/{}"): "{} is a document kind; the Manage-Token "
    "header names the one booking it reads (test_self_service_reads: a wrong token is 401)",
    ("GET", "/api/booking-drafts/{}"): DRAFTS,
    ("PUT", "/api/booking-drafts/{}"): DRAFTS,
    ("DELETE", "/api/booking-drafts/{}"): DRAFTS,
}


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


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?")[0])


def test_every_id_route_of_every_dialect_is_in_the_matrix(client: TestClient) -> None:
    """Each dialect's OpenAPI document lists its routes: every one with an id in its
    path is in ``ROUTES`` or, with a reason, in ``NOT_OWNED``."""
    declared = set()
    for mount in client.app.routes:  # type: ignore[attr-defined]
        app = getattr(mount, "app", None)
        if not hasattr(app, "openapi"):
            continue
        for path, operations in app.openapi()["paths"].items():
            if "{" in path:
                declared |= {
                    (method.upper(), _shape(mount.path + path))
                    for method in operations
                    if method in ("get", "post", "put", "patch", "delete")
                }
    named = [(route.method, route.name.split(" ", 1)[1].split("?")[0]) for route in ROUTES]

    def covered(method: str, shape: str) -> bool:
        pattern = re.compile(re.escape(shape).replace(re.escape("{}"), "[^/]+") + "$")
        return any(m == method and pattern.match(path) for m, path in named)

    missing = {d for d in declared - set(NOT_OWNED) if not covered(*d)}
    assert missing == set(), "add an IdRoute (or a reason in NOT_OWNED) for each"
    assert set(NOT_OWNED) <= declared, "NOT_OWNED names a route that no longer exists"

"""One farebridge books through another: the upstream serves Duffel's dialect at
``/duffel`` over its sandbox, the downstream enables only the ``duffel`` provider
pointed at it, and a client uses the downstream's own ``/api``."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.providers.duffel.orders import flight_of
from farebridge.providers.duffel.provider import DuffelProvider
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.tables import duffel_webhook_events
from tests import live_server
from tests.duffel_clients.conftest import new_api_key
from tests.e2e.conftest import (
    adult,
    airlines_flying,
    all_offers,
    first_offer,
    register,
    search,
    travel_date,
)


def _database(template: Path, folder: Path) -> str:
    path = folder / "farebridge.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def upstream(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:<port>``: a farebridge selling its sandbox, also as Duffel."""
    settings = Settings(
        database_url=_database(sqlite_template, tmp_path_factory.mktemp("upstream")),
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        payment_rate_limit_per_minute=0,
        max_unpaid_holds_per_user=0,
        search_wait_seconds=30,
        sandbox_fault_rates={"schedule_change": 1.0},  # every flight booked is retimed
    )
    built: list[Dependencies] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(live_server, "build", lambda *a, **k: _kept(built, build(*a, **k)))
        with live_server.serve(settings, name="duffel-upstream") as base_url:
            yield base_url
    client = getattr(built[0].webhook_sender, "_client", None)  # its deliveries' connections
    if isinstance(client, httpx.Client):
        client.close()


@pytest.fixture
def downstream(
    upstream: str, sqlite_template: Path, tmp_path: Path
) -> Iterator[tuple[TestClient, Dependencies]]:
    settings = Settings(
        database_url=_database(sqlite_template, tmp_path),
        providers="duffel",
        duffel_api_url=f"{upstream}/duffel",
        duffel_access_token=new_api_key(upstream),
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        payment_rate_limit_per_minute=0,
        max_unpaid_holds_per_user=0,
        search_wait_seconds=60,
    )
    engine = make_engine(settings.database_url)
    services = build(settings, engine=engine)
    with TestClient(create_app(services, settings), raise_server_exceptions=False) as client:
        yield client, services
    _close(services)
    engine.dispose()


def _order(client: TestClient, auth: dict[str, str], order_id: str) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"/api/orders/{order_id}", headers=auth).json()["data"]
    return data


def test_search_instant_order_ticketing_and_cancellation_through_an_upstream(
    downstream: tuple[TestClient, Dependencies],
) -> None:
    client, services = downstream
    auth = register(client)
    request_id = search(client, auth, origin="STN", destination="DUB")["id"]
    offers = all_offers(client, auth, f"offer_request_id={request_id}")
    assert offers and all(o["id"].startswith("off_") for o in offers)
    # a low-cost fare: a Duffel instant order, paid from the balance upstream
    offer = first_offer(offers, holdable=False)
    checked = client.get(f"/api/offers/{offer['id']}", headers=auth)
    assert checked.status_code == 200, checked.text
    offer = checked.json()["data"]
    body = _instant_body(offer)
    created = client.post("/api/orders", json=body, headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert order["status"] == "instant" and order["booking_reference"]

    Worker(services).drain()

    ticketed = _order(client, auth, order["id"])
    assert ticketed["status"] == "ticketed", ticketed
    [ticket] = ticketed["documents"]
    assert ticket["passenger_id"] == ticketed["passengers"][0]["id"]
    assert len(ticket["unique_identifier"].split("-")[0]) == 3
    quote = client.post(
        f"/api/orders/{order['id']}/actions/cancel",
        json={"reason": "requested_by_customer"},
        headers=auth,
    )
    assert quote.status_code == 201, quote.text
    confirmed = client.post(
        f"/api/orders/{order['id']}/actions/cancel/confirm",
        json={"cancellation_id": quote.json()["data"]["id"]},
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["order"]["status"] == "cancelled"
    Worker(services).drain()


def test_hold_then_pay_then_ticketed_through_an_upstream(
    downstream: tuple[TestClient, Dependencies],
) -> None:
    client, services = downstream
    auth = register(client)
    offer = first_offer(search(client, auth)["offers"], holdable=True)
    body = {
        "type": "hold",
        "selected_offers": [offer["id"]],
        "passengers": [adult(id=offer["passengers"][0]["id"])],
    }
    created = client.post("/api/orders", json=body, headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert order["status"] == "hold"
    assert order["payment_status"]["awaiting_payment"] is True
    assert order["payment_status"]["payment_required_by"]
    payment = client.post(
        "/api/payments",
        headers=auth,
        json={
            "order_id": order["id"],
            "type": "card",
            "card_token": "tok_visa",
            "amount": order["total_amount"],
            "currency": order["total_currency"],
        },
    )
    assert payment.status_code == 201, payment.text

    Worker(services).drain()

    ticketed = _order(client, auth, order["id"])
    assert ticketed["status"] == "ticketed", ticketed
    assert len(ticketed["documents"]) == 1
    assert Decimal(ticketed["total_amount"]) == Decimal(order["total_amount"])


def test_a_flight_the_upstream_retimes_is_a_schedule_change_downstream(
    downstream: tuple[TestClient, Dependencies],
) -> None:
    """The upstream's sandbox retimes every flight it books (a fault rate of 1); its
    Duffel dialect shows that as an airline-initiated change, which the downstream's
    sync records once as ``order.schedule_changed``."""
    client, services = downstream
    auth = register(client)
    offer = first_offer(search(client, auth)["offers"])
    order = client.post("/api/orders", json=_instant_body(offer), headers=auth).json()["data"]
    Worker(services).drain()  # ticketed upstream, then the upstream's sync sees the change
    segment = offer["slices"][0]["segments"][0]
    flight = (
        f"{segment['marketing_carrier']['iata_code']}{segment['marketing_carrier_flight_number']}"
    )

    def changes() -> list[dict[str, Any]]:
        synced = client.post(f"/api/orders/{order['id']}/actions/sync", headers=auth)
        assert synced.status_code == 200, synced.text
        events = client.get(f"/api/orders/{order['id']}/events", headers=auth).json()["data"]
        return [e["data"] for e in events if e["type"] == "order.schedule_changed"]

    assert _wait_for(lambda: bool(changes())), "the downstream reads the upstream's change"
    [change] = changes()  # synced again: still one
    assert change["flight"] == flight and change["minutes"] > 0


def test_a_change_through_an_upstream_changes_its_booking_in_place(
    downstream: tuple[TestClient, Dependencies],
) -> None:
    """``/api`` order changes on a Duffel-held booking: the downstream asks the upstream
    for an order change with the chosen flights, charges its customer, confirms the change
    upstream (paying it from the balance), and keeps the booking: same reference, new
    flights, new tickets, nothing cancelled. The changed order then cancels as any."""
    client, services = downstream
    auth = register(client)
    offers = search(client, auth, days=30)["offers"]
    flying = airlines_flying(client, auth, "JFK", "LHR", 32)
    offer = next(
        o
        for o in offers
        if o["conditions"]["change_before_departure"]
        and o["conditions"]["change_before_departure"]["allowed"]
        and o["owner"]["iata_code"] in flying
    )
    order = client.post("/api/orders", json=_instant_body(offer), headers=auth).json()["data"]
    Worker(services).drain()
    order = _order(client, auth, order["id"])
    assert order["status"] == "ticketed", order
    upstream_id = _upstream_order(services, order["booking_reference"])["id"]
    first = order["slices"][0]
    request = client.post(
        "/api/order_change_requests",
        json={
            "order_id": order["id"],
            "slices": {
                "remove": [{"slice_id": first["id"]}],
                "add": [
                    {
                        "origin": first["origin"]["iata_code"],
                        "destination": first["destination"]["iata_code"],
                        "departure_date": travel_date(32),
                        "cabin_class": "economy",
                    }
                ],
            },
        },
        headers=auth,
    )
    assert request.status_code == 201, request.text
    listed = client.get(
        "/api/order_change_offers",
        params={"order_change_request_id": request.json()["data"]["id"], "limit": 200},
        headers=auth,
    )
    options = listed.json()["data"]
    assert options, "the same airline flies the route two days later"
    # Every option listed is one the upstream itself offers as a change: else its confirm
    # is a 409 (a connection on a flight the airline sells as a codeshare, AA4822 +
    # AA7785, was listed but missing from the upstream's change offers: its sandbox
    # read "flights the airline sells" as "flights it operates").
    upstream_flights = _upstream_change_flights(services, upstream_id, travel_date(32))
    listed_flights = {_flights(o["slices"]["add"]) for o in options}
    assert listed_flights <= upstream_flights, listed_flights - upstream_flights
    option = min(options, key=lambda o: (Decimal(o["change_total_amount"]), o["id"]))
    change = client.post(
        "/api/order_changes", json={"selected_order_change_offer": option["id"]}, headers=auth
    )
    assert change.status_code == 201, change.text
    body: dict[str, Any] = {}
    if Decimal(option["change_total_amount"]) > 0:
        body["payment"] = {
            "type": "card",
            "card_token": "tok_visa",
            "amount": option["change_total_amount"],
            "currency": option["change_total_currency"],
        }
    confirmed = client.post(
        f"/api/order_changes/{change.json()['data']['id']}/actions/confirm",
        json=body,
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["status"] == "confirmed"

    def reissued() -> bool:
        Worker(services).drain()
        now = _order(client, auth, order["id"])
        return now["ticketing_status"] == "successful" and bool(now["documents"])

    assert _wait_for(reissued), "the new tickets arrive from the upstream"
    changed = _order(client, auth, order["id"])
    assert changed["slices"][0]["segments"][0]["departing_at"].startswith(travel_date(32))
    old = {d["unique_identifier"] for d in order["documents"]}
    assert not old & {d["unique_identifier"] for d in changed["documents"]}, "new numbers"
    upstream_order = _upstream_order(services, changed["booking_reference"])
    assert upstream_order["cancelled_at"] is None, "the upstream booking was never cancelled"
    # the same upstream order, changed (another farebridge gives it a new reference)
    assert upstream_order["id"] == upstream_id
    assert upstream_order["booking_reference"] == changed["booking_reference"]
    assert upstream_order["slices"][0]["segments"][0]["departing_at"].startswith(travel_date(32))
    quote = client.post(
        f"/api/orders/{order['id']}/actions/cancel",
        json={"reason": "requested_by_customer"},
        headers=auth,
    ).json()["data"]
    cancelled = client.post(
        f"/api/orders/{order['id']}/actions/cancel/confirm",
        json={"cancellation_id": quote["id"]},
        headers=auth,
    )
    assert cancelled.status_code == 200, cancelled.text
    Worker(services).drain()
    assert _upstream_order(services, changed["booking_reference"])["cancelled_at"]


def _upstream_order(services: Dependencies, booking_reference: str) -> dict[str, Any]:
    """The upstream's own view of a booking, read with the downstream's Duffel key."""
    provider = services.providers.get("duffel")
    assert isinstance(provider, DuffelProvider)
    made = provider._record(booking_reference)  # the test looks behind the provider
    return provider._order(made)


def _flights(slices: list[dict[str, Any]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(flight_of(segment) for segment in item["segments"]) for item in slices)


def _upstream_change_flights(
    services: Dependencies, order_id: str, day: str
) -> set[tuple[tuple[str, ...], ...]]:
    """The flights of the upstream's own change offers for the order's first slice moved
    to ``day``: an order change request made straight at the upstream (it changes
    nothing until a change is confirmed)."""
    provider = services.providers.get("duffel")
    assert isinstance(provider, DuffelProvider)
    order = provider._client.get(f"/air/orders/{order_id}", timeout=10)["data"]
    first = order["slices"][0]
    body = {
        "order_id": order_id,
        "slices": {
            "remove": [{"slice_id": first["id"]}],
            "add": [
                {
                    "origin": first["origin"]["iata_code"],
                    "destination": first["destination"]["iata_code"],
                    "departure_date": day,
                    "cabin_class": "economy",
                }
            ],
        },
    }
    request = provider._client.post("/air/order_change_requests", body, timeout=30, safe=True)
    offers = request["data"]["order_change_offers"]
    assert offers, "the upstream offers changes"
    return {_flights(offer["slices"]["add"]) for offer in offers}


def _instant_body(offer: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "instant",
        "selected_offers": [offer["id"]],
        "passengers": [adult(id=offer["passengers"][0]["id"])],
        "payments": [
            {
                "type": "card",
                "card_token": "tok_visa",
                "amount": offer["total_amount"],
                "currency": offer["total_currency"],
            }
        ],
    }


def _rows(url: str, query: Any) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as db:
            return list(db.execute(query).all())
    finally:
        engine.dispose()


def _wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_the_upstreams_signed_webhooks_reach_the_downstream(
    upstream: str, sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upstream signs its deliveries like Duffel; the downstream verifies them and
    records each event (a forged or stale one would be refused with 401)."""
    key = new_api_key(upstream)
    port = live_server.free_port()
    created = httpx.post(
        f"{upstream}/duffel/air/webhooks",
        json={
            "data": {
                "url": f"http://127.0.0.1:{port}/hooks/duffel",
                "events": ["order.ticketed", "order_cancellation.confirmed"],
            }
        },
        headers={"Authorization": f"Bearer {key}", "Duffel-Version": "v2"},
    )
    assert created.status_code == 201, created.text
    settings = Settings(
        database_url=_database(sqlite_template, tmp_path),
        providers="duffel",
        duffel_api_url=f"{upstream}/duffel",
        duffel_access_token=key,
        duffel_webhook_secret=created.json()["data"]["secret"],
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        payment_rate_limit_per_minute=0,
        max_unpaid_holds_per_user=0,
        search_wait_seconds=60,
    )
    monkeypatch.setattr(live_server, "free_port", lambda: port)
    built: list[Dependencies] = []
    monkeypatch.setattr(live_server, "build", lambda *a, **k: _kept(built, build(*a, **k)))
    with (
        live_server.serve(settings, name="duffel-downstream") as downstream,
        httpx.Client(base_url=downstream, timeout=60) as client,
    ):
        auth = _login(client)
        offers = client.post(
            "/api/offer-requests?return_offers=true",
            json={"data": _search_body("STN", "DUB")},
            headers=auth,
        ).json()["data"]["offers"]
        offer = first_offer(offers, holdable=False)
        body = _instant_body(offer)
        order = client.post("/api/orders", json=body, headers=auth).json()["data"]
        assert _wait_for(lambda: _order_status(client, auth, order["id"]) == "ticketed"), (
            "the downstream's worker tickets the order"
        )
        quote = client.post(
            f"/api/orders/{order['id']}/actions/cancel",
            json={"reason": "requested_by_customer"},
            headers=auth,
        ).json()["data"]
        confirmed = client.post(
            f"/api/orders/{order['id']}/actions/cancel/confirm",
            json={"cancellation_id": quote["id"]},
            headers=auth,
        )
        assert confirmed.status_code == 200, confirmed.text

        def received() -> set[str]:
            rows = _rows(settings.database_url, select(duffel_webhook_events.c.type))
            return {row.type for row in rows}

        assert _wait_for(
            lambda: received() == {"order.ticketed", "order_cancellation.confirmed"}
        ), received()
    _close(built[0])


def _kept(built: list[Dependencies], services: Dependencies) -> Dependencies:
    built.append(services)
    return services


def _close(services: Dependencies) -> None:
    provider = services.providers.get("duffel")
    assert isinstance(provider, DuffelProvider)
    provider.close()


def _login(client: httpx.Client) -> dict[str, str]:
    email = {"email": "webhooks@example.com", "password": "correct-horse"}
    assert client.post("/api/auth/register", json=email).status_code == 201
    token = client.post("/api/auth/login", json=email).json()["data"]["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _search_body(origin: str, destination: str) -> dict[str, Any]:
    return {
        "slices": [
            {"origin": origin, "destination": destination, "departure_date": travel_date(30)}
        ],
        "passengers": [{"type": "adult"}],
        "max_connections": 0,
    }


def _order_status(client: httpx.Client, auth: dict[str, str], order_id: str) -> str:
    status: str = client.get(f"/api/orders/{order_id}", headers=auth).json()["data"]["status"]
    return status

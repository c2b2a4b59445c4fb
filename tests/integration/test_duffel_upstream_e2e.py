"""One farebridge books through another: the upstream serves Duffel's dialect at
``/duffel`` over its sandbox, the downstream enables only the ``duffel`` provider
pointed at it, and a client uses the downstream's own ``/api``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.providers.duffel.provider import DuffelProvider
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from tests.duffel_clients.conftest import new_api_key
from tests.e2e.conftest import adult, all_offers, first_offer, register, search
from tests.live_server import serve


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
        search_wait_seconds=30,
    )
    with serve(settings, name="duffel-upstream") as base_url:
        yield base_url


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
        search_wait_seconds=60,
    )
    engine = make_engine(settings.database_url)
    services = build(settings, engine=engine)
    with TestClient(create_app(services, settings), raise_server_exceptions=False) as client:
        yield client, services
    provider = services.providers.get("duffel")
    assert isinstance(provider, DuffelProvider)
    provider.close()
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
    body = {
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

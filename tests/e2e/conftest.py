"""HTTP through the real app, on a migrated database, with the sandbox GDS.

Every response any ``TestClient`` sees here is recorded; at the end of the
session each one must be declared, with a matching body, by its dialect's
OpenAPI document (see ``recorder.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from tests.e2e.recorder import Recorder

RECORDER = Recorder()


@pytest.fixture(scope="session", autouse=True)
def _responses_are_documented() -> Iterator[None]:
    yield
    assert not RECORDER.problems, "Undocumented responses:\n" + "\n".join(RECORDER.problems)


@pytest.fixture(autouse=True)
def _record_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    send = TestClient.request

    def request(self: TestClient, *args: Any, **kwargs: Any) -> Any:
        response = send(self, *args, **kwargs)
        RECORDER.record(self.app, response)
        return response

    monkeypatch.setattr(TestClient, "request", request)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        search_rate_limit_per_minute=1000,
        booking_rate_limit_per_minute=1000,
        payment_rate_limit_per_minute=1000,
        search_wait_seconds=30,
    )


@pytest.fixture
def services(engine: Engine, settings: Settings) -> Dependencies:
    return build(settings, engine=engine)


@pytest.fixture
def client(services: Dependencies, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(services, settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def worker(services: Dependencies) -> Worker:
    return Worker(services)


def register(client: TestClient, email: str = "amelia@test.com") -> dict[str, str]:
    response = client.post("/api/auth/register", json={"email": email, "password": "correct-horse"})
    assert response.status_code == 201, response.text
    response = client.post("/api/auth/login", json={"email": email, "password": "correct-horse"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    return register(client)


def travel_date(days: int = 30) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def search(
    client: TestClient,
    headers: dict[str, str],
    *,
    origin: str = "JFK",
    destination: str = "LHR",
    days: int = 30,
    passengers: list[dict[str, Any]] | None = None,
    max_connections: int = 0,
    currency: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slices": [
            {"origin": origin, "destination": destination, "departure_date": travel_date(days)}
        ],
        "passengers": passengers or [{"type": "adult"}],
        "max_connections": max_connections,
    }
    if currency is not None:
        body["currency"] = currency
    response = client.post(
        "/api/offer-requests?return_offers=true", json={"data": body}, headers=headers
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    assert data["status"] == "complete", data
    return data


def airlines_flying(
    client: TestClient, headers: dict[str, str], origin: str, destination: str, days: int
) -> set[str]:
    """The airlines with offers on ``origin``-``destination`` on day ``days``. The
    sandbox's network is real: Kuwait Airways flies JFK-LHR only on some days of the
    week, and on some dates the cheapest offer is theirs, so a test that changes an order
    to another day picks an airline that flies on it."""
    offers = search(client, headers, origin=origin, destination=destination, days=days)
    return {offer["owner"]["iata_code"] for offer in offers["offers"]}


def offer_of_an_airline_flying_later(
    client: TestClient,
    headers: dict[str, str],
    offers: list[dict[str, Any]],
    *,
    brand: str,
    later: int = 32,
    where: Callable[[dict[str, Any]], bool] = lambda offer: True,
) -> dict[str, Any]:
    """The first offer of ``brand`` (and ``where``) whose airline flies the route more
    than once that day and also on day ``later``, so that a change to that day, or to
    another flight after a disruption, finds that airline's flights."""
    first = offers[0]["slices"][0]
    flying = airlines_flying(
        client, headers, first["origin"]["iata_code"], first["destination"]["iata_code"], later
    )
    return offer_of_one_of(offers, flying, brand=brand, where=where)


def offer_of_one_of(
    offers: list[dict[str, Any]],
    flying: set[str],
    *,
    brand: str,
    where: Callable[[dict[str, Any]], bool] = lambda offer: True,
) -> dict[str, Any]:
    """The first offer of ``brand`` (and ``where``) owned by one of the airlines
    ``flying`` that has more than one departure among ``offers``."""
    departures: dict[str, set[str]] = {}
    for offer in offers:
        owner = offer["owner"]["iata_code"]
        departures.setdefault(owner, set()).add(offer["slices"][0]["segments"][0]["departing_at"])
    return next(
        offer
        for offer in offers
        if offer["fare_brand_name"] == brand
        and where(offer)
        and offer["owner"]["iata_code"] in flying
        and len(departures[offer["owner"]["iata_code"]]) > 1
    )


PASSPORT = {
    "type": "passport",
    "unique_identifier": "X1234567",
    "issuing_country_code": "US",
    "expires_on": "2040-01-01",
}


def adult(**overrides: Any) -> dict[str, Any]:
    """An adult passenger body with a passport (international trips need one)."""
    passenger = {
        "type": "adult",
        "title": "ms",
        "given_name": "Amelia",
        "family_name": "Earhart",
        "born_on": "1987-07-24",
        "gender": "f",
        "email": "amelia@test.com",
        "phone_number": "+15550109999",
        "identity_documents": [PASSPORT],
    }
    passenger.update(overrides)
    return passenger


def first_offer(offers: list[dict[str, Any]], *, holdable: bool | None = None) -> dict[str, Any]:
    for offer in offers:
        instant_only = offer["payment_requirements"]["requires_instant_payment"]
        if holdable is None or holdable != instant_only:
            return offer
    raise AssertionError("no suitable offer in the search results")


CARD_TYPES = {"tok_visa": "VI", "tok_mastercard": "CA", "tok_amex": "AX", "tok_visa_debit": "VD"}


def amount_due(offer: dict[str, Any], token: str | None = "tok_visa") -> str:
    """The offer's total plus the card surcharge of the sandbox token's card type."""
    card_type = CARD_TYPES.get(token or "")
    fee = next((s["amount"] for s in offer["card_surcharges"] if s["card_type"] == card_type), "0")
    return str(Decimal(offer["total_amount"]) + Decimal(fee))


def instant_order_body(offer: dict[str, Any], token: str = "tok_visa") -> dict[str, Any]:
    return {
        "type": "instant",
        "selected_offers": [offer["id"]],
        "passengers": [adult(id=offer["passengers"][0]["id"])],
        "payments": [
            {
                "type": "card",
                "card_token": token,
                "amount": amount_due(offer, token),
                "currency": offer["total_currency"],
            }
        ],
    }


def hold_order(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """Search JFK-LHR and hold the first offer that allows a hold, for one adult."""
    offer = first_offer(search(client, headers)["offers"], holdable=True)
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
    response = client.post("/api/orders", json=body, headers=headers)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()["data"]
    return order


def all_offers(client: TestClient, headers: dict[str, str], query: str) -> list[dict[str, Any]]:
    """Every offer of ``GET /api/offers?{query}``, page after page (a search of 200
    itineraries in several fare brands has more than one page)."""
    offers: list[dict[str, Any]] = []
    after = None
    while True:
        url = f"/api/offers?{query}&limit=200" + (f"&after={after}" if after else "")
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        offers += page["data"]
        after = page["meta"]["after"]
        if not after:
            return offers


def cancel_order(client: TestClient, headers: dict[str, str], order_id: str) -> dict[str, Any]:
    """Quote the cancellation of ``order_id``, then confirm it; the confirmed quote."""
    quote = client.post(f"/api/orders/{order_id}/actions/cancel", headers=headers)
    assert quote.status_code == 201, quote.text
    confirmed = client.post(
        f"/api/orders/{order_id}/actions/cancel/confirm",
        json={"cancellation_id": quote.json()["data"]["id"]},
        headers=headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    cancellation: dict[str, Any] = quote.json()["data"]
    return cancellation

"""One test per row of seed 000's error table (section 4), plus 401/403/429/503/504."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.domain.errors import UpstreamTimeout, UpstreamUnavailable
from farebridge.domain.offer import Offer
from farebridge.domain.order import Passenger
from farebridge.providers.base import Booking
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.sandbox_inventory import SqlSandboxInventory
from farebridge.store.tables import offers
from tests.e2e.conftest import (
    first_offer,
    hold_order,
    instant_order_body,
    register,
    search,
    travel_date,
)


def assert_error(
    response: Any, status: int, code: str | None = None, field: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["meta"]["status"] == status
    assert body["meta"]["request_id"] == response.headers["x-request-id"]
    error: dict[str, Any] = body["errors"][0]
    assert {"type", "title", "message", "code"} <= set(error)
    if code:
        assert error["code"] == code
    if field:
        assert error["source"]["field"] == field
    return error


def test_400_malformed_json(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/api/offer-requests",
        content=b"{not json",
        headers={**auth, "content-type": "application/json"},
    )
    assert_error(response, 400, "malformed_json")


def test_400_past_date_names_the_field(client: TestClient, auth: dict[str, str]) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    body = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": yesterday}],
        "passengers": [{"type": "adult"}],
    }
    response = client.post("/api/offer-requests", json=body, headers=auth)
    assert_error(response, 400, "past_date", "slices[0].departure_date")


def test_400_invalid_field_and_unknown_field(client: TestClient, auth: dict[str, str]) -> None:
    body = {
        "slices": [{"origin": "J1K", "destination": "LHR", "departure_date": travel_date()}],
        "passengers": [{"type": "adult"}],
        "status": "ticketed",
    }
    response = client.post("/api/offer-requests", json=body, headers=auth)
    assert response.status_code == 400
    fields = {e["source"]["field"] for e in response.json()["errors"]}
    assert fields == {"slices[0].origin", "status"}


def test_400_more_infants_than_adults(client: TestClient, auth: dict[str, str]) -> None:
    body = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date()}],
        "passengers": [{"type": "adult"}, {"age": 1}, {"age": 0}],
    }
    assert_error(
        client.post("/api/offer-requests", json=body, headers=auth),
        400,
        "too_many_infants",
        "passengers",
    )


def test_400_card_numbers_are_refused(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    response = client.post(
        "/api/orders", json=instant_order_body(offer, "4242424242424242"), headers=auth
    )
    assert response.status_code == 400
    assert "4242424242424242" not in response.text


def test_401_without_or_with_a_bad_token(client: TestClient, auth: dict[str, str]) -> None:
    assert_error(client.get("/api/orders"), 401, "not_authenticated")
    assert_error(
        client.get("/api/me", headers={"Authorization": "Bearer nope"}), 401, "invalid_token"
    )
    client.post("/api/auth/logout", headers=auth)
    assert_error(client.get("/api/me", headers=auth), 401, "invalid_token")


def test_401_wrong_password(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/auth/login", json={"email": "amelia@test.com", "password": "x"})
    assert_error(response, 401, "invalid_credentials")


def test_402_declined_card_writes_nothing(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    response = client.post(
        "/api/orders", json=instant_order_body(offer, "tok_card_declined"), headers=auth
    )
    assert_error(response, 402, "card_declined")
    assert client.get("/api/orders", headers=auth).json()["data"] == []
    retry = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert retry.status_code == 201


def test_402_on_hold_payment_then_retry(client: TestClient, auth: dict[str, str]) -> None:
    order = hold_order(client, auth)
    pay = {
        "order_id": order["id"],
        "type": "card",
        "card_token": "tok_insufficient_funds",
        "amount": order["total_amount"],
        "currency": order["total_currency"],
    }
    assert_error(client.post("/api/payments", json=pay, headers=auth), 402, "insufficient_funds")
    pay["card_token"] = "tok_visa"
    assert client.post("/api/payments", json=pay, headers=auth).status_code == 201


def test_404_unknown_and_expired_offer(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    assert_error(client.get("/api/offers/off_nope", headers=auth), 404, "offer_not_found")
    offer = first_offer(search(client, auth)["offers"])
    with engine.begin() as db:
        db.execute(
            update(offers)
            .where(offers.c.id == offer["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert_error(client.get(f"/api/offers/{offer['id']}", headers=auth), 404, "offer_expired")
    response = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert_error(response, 404, "offer_expired", "offer_id")


def test_404_someone_elses_order(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    order = client.post("/api/orders", json=instant_order_body(offer), headers=auth).json()["data"]
    intruder = register(client, "mallory@test.com")
    assert_error(client.get(f"/api/orders/{order['id']}", headers=intruder), 404, "order_not_found")
    assert_error(client.post(f"/api/orders/{order['id']}/actions/cancel", headers=intruder), 404)
    assert client.get("/api/orders", headers=intruder).json()["data"] == []
    assert_error(client.get("/api/orders/ord_unknown", headers=auth), 404)


def test_404_someone_elses_search_and_offer(client: TestClient, auth: dict[str, str]) -> None:
    created = search(client, auth)
    intruder = register(client, "mallory@test.com")
    assert_error(client.get(f"/api/offer-requests/{created['id']}", headers=intruder), 404)
    offer_id = created["offers"][0]["id"]
    assert_error(client.get(f"/api/offers/{offer_id}", headers=intruder), 404, "offer_not_found")
    assert_error(client.get(f"/api/offers?offer_request_id={created['id']}", headers=intruder), 404)
    body = instant_order_body(created["offers"][0])
    assert_error(client.post("/api/orders", json=body, headers=intruder), 404, "offer_not_found")


def _legs(services: Dependencies, offer_id: str) -> list[LegKey]:
    with services.uow(read_only=True) as uow:
        stored = uow.offers.get(offer_id)
    assert stored is not None
    return [
        LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])
        for leg in stored.provider_reference["legs"]
    ]


def test_409_sold_out_between_offer_and_order(
    client: TestClient, auth: dict[str, str], services: Dependencies, engine: Engine
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    for key in _legs(services, offer["id"]):
        SqlSandboxInventory(engine).set_available(key, 0)
    response = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert_error(response, 409, "offer_no_longer_available")
    assert client.get("/api/orders", headers=auth).json()["data"] == []


def test_409_already_paid_and_422_amount_mismatch(client: TestClient, auth: dict[str, str]) -> None:
    order = hold_order(client, auth)
    pay = {
        "order_id": order["id"],
        "type": "balance",
        "amount": "1.00",
        "currency": order["total_currency"],
    }
    assert_error(client.post("/api/payments", json=pay, headers=auth), 422, "amount_mismatch")
    pay["amount"] = order["total_amount"]
    assert client.post("/api/payments", json=pay, headers=auth).status_code == 201
    assert_error(client.post("/api/payments", json=pay, headers=auth), 409, "already_paid")


def test_422_instant_order_amount_mismatch(client: TestClient, auth: dict[str, str]) -> None:
    offer = first_offer(search(client, auth)["offers"])
    body = instant_order_body(offer)
    body["payments"][0]["amount"] = "0.01"
    assert_error(
        client.post("/api/orders", json=body, headers=auth),
        422,
        "amount_mismatch",
        "payments[0].amount",
    )


def test_409_already_cancelled(client: TestClient, auth: dict[str, str]) -> None:
    order = hold_order(client, auth)
    quote = client.post(f"/api/orders/{order['id']}/actions/cancel", headers=auth).json()["data"]
    confirm = client.post(
        f"/api/orders/{order['id']}/actions/cancel/confirm",
        json={"cancellation_id": quote["id"]},
        headers=auth,
    )
    assert confirm.status_code == 200
    assert_error(
        client.post(f"/api/orders/{order['id']}/actions/cancel", headers=auth),
        409,
        "already_cancelled",
    )
    pay = {
        "order_id": order["id"],
        "type": "balance",
        "amount": order["total_amount"],
        "currency": order["total_currency"],
    }
    assert_error(client.post("/api/payments", json=pay, headers=auth), 409, "already_cancelled")


def test_429_rate_limited_search(services: Dependencies) -> None:
    settings = Settings(database_url="sqlite://", search_rate_limit_per_minute=2)
    with TestClient(create_app(services, settings)) as client:
        body = {
            "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date()}],
            "passengers": [{"type": "adult"}],
        }
        for _ in range(2):
            client.post("/api/offer-requests", json=body)
        response = client.post("/api/offer-requests", json=body)
        assert_error(response, 429, "rate_limited")
        assert int(response.headers["Retry-After"]) > 0


class _FailingProvider:
    """Wraps the sandbox; booking fails the way a broken upstream does."""

    def __init__(self, inner: Any, error: Exception) -> None:
        self._inner = inner
        self._error = error
        self.name = "failing"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_booking(
        self,
        offer: Offer,
        passengers: Sequence[Passenger],
        **_options: Any,
    ) -> Booking:
        raise self._error


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (UpstreamUnavailable("The airline system is down."), 503),
        (UpstreamTimeout("The airline did not answer in 30 s."), 504),
    ],
)
def test_5xx_upstream_failure(
    engine: Engine, settings: Settings, error: Exception, status: int
) -> None:
    sandbox = build(settings, engine=engine).providers.get("sandbox")
    services = build(settings, engine=engine, providers=[_FailingProvider(sandbox, error)])  # type: ignore[list-item]
    with TestClient(create_app(services, settings)) as client:
        auth = register(client)
        offer = first_offer(search(client, auth)["offers"])
        response = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
        assert_error(response, status)
        assert client.get("/api/orders", headers=auth).json()["data"] == []


def test_409_departure_too_soon(engine: Engine, settings: Settings) -> None:
    """An offer found earlier whose flight now leaves within the lead time is refused."""
    with TestClient(create_app(build(settings, engine=engine), settings)) as client:
        auth = register(client)
        offers = search(client, auth, origin="LON", destination="NYC", days=1)["offers"]
    later = settings.model_copy(update={"min_departure_lead": timedelta(days=3)})
    with TestClient(create_app(build(later, engine=engine), later)) as client:
        body = instant_order_body(first_offer(offers))
        response = client.post("/api/orders", json=body, headers=auth)
        error = assert_error(response, 409, "departure_too_soon", "selected_offers")
        assert "Search again" in error["message"]
        assert client.get("/api/orders", headers=auth).json()["data"] == []


def test_unknown_route_is_json_404(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404)


def test_nul_characters_never_reach_the_database(client: TestClient, auth: dict[str, str]) -> None:
    """PostgreSQL cannot store NUL: an id holding one names nothing, a text holding one
    is invalid input naming its field, on every database."""
    assert client.get("/api/offers/off_a%00b", headers=auth).status_code == 404
    assert client.get("/api/orders/ord_a%00b", headers=auth).status_code == 404
    body = {"data": {"order_id": "ord_a\u0000b", "amount": "1.00", "currency": "USD"}}
    refused = client.post("/api/payments", json=body, headers=auth)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["source"]["field"] == "order_id"

"""Find a booking by reference and family name, without an account (ADR 0021)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from farebridge.settings import Settings
from farebridge.store.tables import manage_tokens
from tests.e2e.conftest import adult, first_offer, search
from tests.e2e.test_error_table import assert_error

Json = dict[str, Any]
LOOKUPS_PER_MINUTE = 8


@pytest.fixture
def settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        search_rate_limit_per_minute=1000,
        booking_rate_limit_per_minute=1000,
        payment_rate_limit_per_minute=1000,
        lookup_rate_limit_per_minute=LOOKUPS_PER_MINUTE,
        search_wait_seconds=30,
    )


def _order(client: TestClient, auth: dict[str, str]) -> Json:
    offer = first_offer(search(client, auth)["offers"], holdable=True)
    passengers = [
        adult(
            id=offer["passengers"][0]["id"], given_name="Amelia", family_name="Müller-Lüdenscheidt"
        )
    ]
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": passengers}
    response = client.post("/api/orders", json=body, headers=auth)
    assert response.status_code == 201, response.text
    order: Json = response.json()["data"]
    return order


def _look_up(client: TestClient, reference: str, name: str) -> Any:
    body = {"booking_reference": reference, "family_name": name}
    return client.post("/api/bookings/lookup", json=body)


def test_a_booking_is_found_by_reference_and_family_name(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    order = _order(client, auth)
    reference = order["booking_reference"]
    found = _look_up(client, reference, "Müller-Lüdenscheidt")
    assert found.status_code == 200, found.text
    data = found.json()["data"]
    assert data["order"] == client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    document = data["order"]["passengers"][0]["identity_documents"][0]
    assert document["unique_identifier"] != "X1234567", "passport masked"
    token = data["manage_token"]
    assert token.startswith("fbm_") and data["manage_token_expires_at"]

    # Case, accents, spaces and hyphens do not count; the reference's case neither.
    for name in ("muller-ludenscheidt", "MÜLLER LÜDENSCHEIDT", " mullerludenscheidt "):
        assert _look_up(client, f" {reference.lower()} ", name).status_code == 200, name

    # The manage token reads that order, and only that.
    managed = client.get("/api/bookings/manage", headers={"Manage-Token": token})
    assert managed.status_code == 200 and managed.json()["data"]["id"] == order["id"]
    as_bearer = client.get(
        f"/api/orders/{order['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert as_bearer.status_code == 401
    assert_error(
        client.get("/api/bookings/manage", headers={"Manage-Token": "fbm_nope"}),
        401,
        "invalid_manage_token",
    )
    with engine.begin() as db:
        db.execute(update(manage_tokens).values(expires_at=datetime.now(UTC) - timedelta(1)))
    expired = client.get("/api/bookings/manage", headers={"Manage-Token": token})
    assert_error(expired, 401, "invalid_manage_token")


def test_a_wrong_name_and_a_wrong_reference_are_the_same_404(
    client: TestClient, auth: dict[str, str]
) -> None:
    order = _order(client, auth)
    reference = order["booking_reference"]
    wrong_name = _look_up(client, reference, "Earhart")
    wrong_reference = _look_up(client, "ZZZZZZ", "Müller-Lüdenscheidt")
    for response in (wrong_name, wrong_reference):
        assert_error(response, 404, "booking_not_found")
    assert wrong_name.json()["errors"] == wrong_reference.json()["errors"]
    assert wrong_name.headers.keys() == wrong_reference.headers.keys()
    # A prefix of the name is not the name; blank input names its field.
    assert _look_up(client, reference, "Müller").status_code == 404
    assert_error(_look_up(client, reference, "   "), 400, field="family_name")
    assert_error(_look_up(client, "   ", "Earhart"), 400, field="booking_reference")
    assert_error(client.post("/api/bookings/lookup", json={"booking_reference": "X"}), 400)


def test_look_ups_are_rate_limited_per_address(client: TestClient, auth: dict[str, str]) -> None:
    order = _order(client, auth)
    for _ in range(LOOKUPS_PER_MINUTE - 1):
        assert _look_up(client, "ZZZZZZ", "Nobody").status_code == 404
    assert _look_up(client, order["booking_reference"], "muller ludenscheidt").status_code == 200
    limited = _look_up(client, order["booking_reference"], "muller ludenscheidt")
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0


def test_cancelling_with_a_manage_token_counts_against_the_same_limit(
    client: TestClient, auth: dict[str, str]
) -> None:
    order = _order(client, auth)
    found = _look_up(client, order["booking_reference"], "muller ludenscheidt")
    token = {"Manage-Token": found.json()["data"]["manage_token"]}
    for _ in range(LOOKUPS_PER_MINUTE - 1):  # the look-up was the first of the minute
        quote = client.post("/api/bookings/manage/cancellation-quote", headers=token)
        assert quote.status_code == 201, quote.text
    limited = client.post("/api/bookings/manage/cancellation-quote", headers=token)
    assert_error(limited, 429, "rate_limited")
    confirm = client.post(
        "/api/bookings/manage/cancellation", json={"cancellation_id": "ore_x"}, headers=token
    )
    assert_error(confirm, 429, "rate_limited")

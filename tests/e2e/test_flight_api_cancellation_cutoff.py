"""The flight_api dialect's cancellation cut-off: the seed's 400, with the operator's
cut-off (``FAREBRIDGE_CANCELLATION_CUTOFF``, set long here so a bookable flight is
inside it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from farebridge.settings import Settings
from tests.e2e.flight_api import PREFIX, example, log_in, register
from tests.e2e.test_flight_api_bookings import a_flight, one_way


@pytest.fixture
def settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        search_rate_limit_per_minute=1000,
        booking_rate_limit_per_minute=1000,
        payment_rate_limit_per_minute=1000,
        search_wait_seconds=30,
        cancellation_cutoff=timedelta(days=10),
    )


def test_no_cancellation_within_the_cut_off(client: TestClient) -> None:
    register(client)
    csrf = log_in(client)
    flight, day = a_flight(client, days=5)
    body = one_way(day, passengers=[example("002_book_request.json")["passengers"][1]])
    booked = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf)
    assert booked.status_code == 200, booked.text
    url = f"{PREFIX}/bookings/{booked.json()['booking_ref']}"
    response = client.put(url, json={"booking_status": "CANCELED"}, headers=csrf)
    assert response.status_code == 400
    assert response.json() == {
        "message": "tickets cannot be cancelled less than 240 hours before departure time"
    }
    assert client.get(url).json()["booking_status"] == "PENDING"

"""The online cancellation cut-off (ADR 0020), set long here
(``FAREBRIDGE_CANCELLATION_CUTOFF=P10D``) so that a bookable flight falls inside it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from farebridge.settings import Settings
from tests.e2e.conftest import instant_order_body, search
from tests.e2e.test_error_table import assert_error


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


def test_no_online_cancellation_within_the_cut_off_naming_departure_and_cut_off(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offers = search(client, auth, days=5)["offers"]
    offer = next(o for o in offers if o["fare_brand_name"] == "Flex")
    rules = client.get(f"/api/offers/{offer['id']}/fare-rules", headers=auth).json()["data"]
    assert rules["cancellation"]["cutoff"] == "P10D"
    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    worker.drain()
    order_id = created.json()["data"]["id"]
    cancel = f"/api/orders/{order_id}/actions/cancel"
    error = assert_error(client.post(cancel, headers=auth), 422, "cancellation_window_closed")
    departing = offer["slices"][0]["departing_at"]
    departs_at = datetime.fromisoformat(departing)
    assert departs_at.strftime("%Y-%m-%dT%H:%M") in error["message"]
    assert "240 h before departure" in error["message"]
    order = client.get(f"/api/orders/{order_id}", headers=auth).json()["data"]
    assert order["status"] == "ticketed", "nothing was cancelled"

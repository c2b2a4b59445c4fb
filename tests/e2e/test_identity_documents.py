"""International trips need a passport per passenger; passport numbers never leave unmasked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from farebridge.jobs.worker import Worker
from farebridge.observability import mask_sensitive
from farebridge.store.tables import orders, sandbox_bookings
from tests.e2e.conftest import PASSPORT, adult, first_offer, instant_order_body, search
from tests.e2e.test_error_table import assert_error

NUMBER = "K47115XQ2"


def _passport(**overrides: str) -> dict[str, str]:
    return {**PASSPORT, "unique_identifier": NUMBER, **overrides}


def _nothing_written(engine: Engine) -> bool:
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(orders)).scalar_one()
        bookings = connection.execute(select(func.count()).select_from(sandbox_bookings))
        return count == 0 and bookings.scalar_one() == 0


@pytest.fixture
def captured_logs() -> Iterator[list[dict[str, Any]]]:
    with structlog.testing.capture_logs() as logs:
        yield logs


def test_international_offers_require_documents_and_domestic_ones_do_not(
    client: TestClient, auth: dict[str, str]
) -> None:
    abroad = search(client, auth)["offers"]
    at_home = search(client, auth, destination="LAX")["offers"]
    assert abroad and all(o["passenger_identity_documents_required"] for o in abroad)
    assert at_home and not any(o["passenger_identity_documents_required"] for o in at_home)
    body = instant_order_body(first_offer(at_home))
    del body["passengers"][0]["identity_documents"]
    assert client.post("/api/orders", json=body, headers=auth).status_code == 201


@pytest.mark.parametrize(
    ("passenger", "code", "field"),
    [
        ({"identity_documents": []}, "identity_document_required", "identity_documents"),
        (
            {"identity_documents": [_passport(issuing_country_code="ZZ")]},
            "unknown_country",
            "identity_documents[0].issuing_country_code",
        ),
        (
            {"identity_documents": [_passport(expires_on=date.today().isoformat())]},
            "document_expires_too_soon",
            "identity_documents[0].expires_on",
        ),
        (
            {"identity_documents": [_passport(unique_identifier="K4711-5XQ")]},
            "string_pattern_mismatch",
            "identity_documents[0].unique_identifier",
        ),
        ({"born_on": "1890-01-01"}, "invalid_birth_date", "born_on"),
    ],
)
def test_a_bad_or_missing_passport_is_400_and_nothing_is_written(
    client: TestClient,
    auth: dict[str, str],
    engine: Engine,
    passenger: dict[str, Any],
    code: str,
    field: str,
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    body = instant_order_body(offer)
    body["passengers"][0].update(passenger)
    error = assert_error(
        client.post("/api/orders", json=body, headers=auth), 400, code, f"passengers[0].{field}"
    )
    assert NUMBER not in error["message"]
    assert _nothing_written(engine)


def test_the_second_passenger_is_named_and_lower_case_countries_are_accepted(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(
        search(client, auth, passengers=[{"type": "adult"}, {"type": "adult"}])["offers"]
    )
    body = instant_order_body(offer)
    first, second = (p["id"] for p in offer["passengers"])
    body["passengers"] = [
        adult(id=first, identity_documents=[_passport(issuing_country_code="gb")]),
        adult(id=second, given_name="Fred", identity_documents=[]),
    ]
    assert_error(
        client.post("/api/orders", json=body, headers=auth),
        400,
        "identity_document_required",
        "passengers[1].identity_documents",
    )
    body["passengers"][1]["identity_documents"] = [_passport()]
    created = client.post("/api/orders", json=body, headers=auth)
    assert created.status_code == 201, created.text
    documents = [p["identity_documents"][0] for p in created.json()["data"]["passengers"]]
    assert [d["issuing_country_code"] for d in documents] == ["GB", "US"]


def test_passport_numbers_are_masked_in_every_response_and_log(
    client: TestClient,
    auth: dict[str, str],
    worker: Worker,
    captured_logs: list[dict[str, Any]],
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    body = instant_order_body(offer)
    body["passengers"][0]["identity_documents"] = [_passport(issuing_country_code="ZZ")]
    seen = [client.post("/api/orders", json=body, headers=auth)]
    body["passengers"][0]["identity_documents"] = [_passport()]
    created = client.post("/api/orders", json=body, headers=auth)
    order_id = created.json()["data"]["id"]
    worker.drain()
    seen += [
        created,
        client.get(f"/api/orders/{order_id}", headers=auth),
        client.get("/api/orders", headers=auth),
        client.post(f"/api/orders/{order_id}/actions/sync", headers=auth),
    ]
    document = created.json()["data"]["passengers"][0]["identity_documents"][0]
    assert document["unique_identifier"] == "******XQ2"
    assert [r.status_code for r in seen] == [400, 201, 200, 200, 200]
    assert all(NUMBER not in response.text for response in seen)
    written = [str(mask_sensitive(None, "info", dict(event))) for event in captured_logs]
    assert any("orders" in line for line in written), "the access log was captured"
    assert all(NUMBER not in line for line in written)


def test_a_passport_must_outlast_the_return_flight(
    client: TestClient, auth: dict[str, str]
) -> None:
    outbound, back = (date.today() + timedelta(days=days) for days in (30, 40))
    request = {
        "slices": [
            {"origin": "JFK", "destination": "LHR", "departure_date": outbound.isoformat()},
            {"origin": "LHR", "destination": "JFK", "departure_date": back.isoformat()},
        ],
        "passengers": [{"type": "adult"}],
        "max_connections": 0,
    }
    created = client.post("/api/offer-requests?return_offers=true", json=request, headers=auth)
    offer = first_offer(created.json()["data"]["offers"])
    body = instant_order_body(offer)
    body["passengers"][0]["identity_documents"] = [_passport(expires_on=back.isoformat())]
    assert client.post("/api/orders", json=body, headers=auth).status_code == 201
    early = (back - timedelta(days=1)).isoformat()
    body["passengers"][0]["identity_documents"] = [_passport(expires_on=early)]
    assert_error(
        client.post("/api/orders", json=body, headers=auth),
        400,
        "document_expires_too_soon",
        "passengers[0].identity_documents[0].expires_on",
    )

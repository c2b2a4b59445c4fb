"""A second dialect is one folder (``toy_dialect/``) plus one entry in the registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.api.app import DIALECTS, create_app
from farebridge.api.errors import status_for
from farebridge.domain import errors as e
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from tests.e2e import toy_dialect
from tests.e2e.conftest import hold_order


@pytest.fixture
def toy(services: Dependencies, settings: Settings) -> Iterator[TestClient]:
    app = create_app(services, settings, dialects=[*DIALECTS, toy_dialect.dialect])
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def toy_error(response: Any, category: type[e.FarebridgeError], reason: str) -> None:
    """The toy envelope, with the status that the shared map gives ``category``."""
    status = status_for(category)[0]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"reason", "detail", "http"}
    assert body["error"]["reason"] == reason and body["error"]["http"] == status
    assert response.headers["x-request-id"]


def test_it_serves_a_real_use_case_with_the_shared_dependencies(toy: TestClient) -> None:
    response = toy.get("/toy/places?q=london", headers={"Sandbox-Fault": "sold_out"})
    assert response.status_code == 200 and response.headers["x-request-id"]
    reply = response.json()
    assert {"code": "LON", "label": "London", "kind": "city"} in reply["places"]
    assert reply["scenarios"] == ["sold_out"]


def test_a_native_booking_reads_through_the_toy_dialect(toy: TestClient) -> None:
    auth = {"Authorization": "Bearer " + _token(toy)}
    order = hold_order(toy, auth)
    reply = toy.get(f"/toy/bookings/{order['id']}", headers=auth).json()
    assert reply == {"booking": {"ref": order["booking_reference"], "state": "hold"}}


def _token(client: TestClient) -> str:
    account = {"email": "toy@test.com", "password": "correct-horse"}
    assert client.post("/api/auth/register", json=account).status_code == 201
    token: str = client.post("/api/auth/login", json=account).json()["data"]["access_token"]
    return token


def test_its_errors_use_its_envelope_and_the_shared_statuses(toy: TestClient) -> None:
    toy_error(toy.get("/toy/places?q=x"), e.InvalidRequest, "string_too_short")
    fault = toy.get("/toy/places?q=lon", headers={"Sandbox-Fault": "meteor"})
    toy_error(fault, e.InvalidRequest, "unknown_test_scenario")
    toy_error(toy.get("/toy/bookings/ord_nope"), e.NotAuthenticated, "not_authenticated")
    auth = {"Authorization": "Bearer " + _token(toy)}
    toy_error(toy.get("/toy/bookings/ord_nope", headers=auth), e.NotFound, "order_not_found")
    toy_error(toy.get("/toy/nothing-here"), e.NotFound, "no_such_thing")


def test_it_has_its_own_document(toy: TestClient) -> None:
    document = toy.get("/toy/openapi.json").json()
    assert document["info"]["title"] == "toy"
    assert set(document["paths"]) == {"/places", "/bookings/{order_id}"}
    schemas = set(document["components"]["schemas"])
    assert "ToyError" in schemas and not schemas & {"ErrorResponse", "Order", "Offer"}
    assert toy.get("/toy/docs").status_code == 200


def test_the_native_dialect_is_unaffected(toy: TestClient, client: TestClient) -> None:
    assert toy.get("/api/openapi.json").json() == client.get("/api/openapi.json").json()
    response = toy.get("/api/me")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert toy.get("/api/places/suggestions?query=lon").json()["data"]

"""Passenger names as a passport prints them (issue 15): the API refuses digits and
symbols at the field, keeps accents, and states the rule in its OpenAPI document."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import adult, first_offer, search


@pytest.mark.parametrize(
    ("field", "name"),
    [("given_name", "R2D2"), ("family_name", "Earhart 2"), ("given_name", "Ann_")],
)
def test_a_name_with_digits_or_symbols_is_refused_at_its_field(
    client: TestClient, auth: dict[str, str], field: str, name: str
) -> None:
    offer = first_offer(search(client, auth)["offers"], holdable=True)
    body = {
        "type": "hold",
        "selected_offers": [offer["id"]],
        "passengers": [adult(**{field: name})],
    }

    response = client.post("/api/orders", json=body, headers=auth)

    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["source"]["field"] == f"passengers[0].{field}"
    assert "as in the passport" in error["message"]
    assert client.get("/api/orders", headers=auth).json()["data"] == []  # nothing half-written


def test_accents_hyphens_and_apostrophes_are_kept_in_one_form(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(search(client, auth)["offers"], holdable=True)
    passenger = adult(given_name="Zoe\u0308", family_name="O'Brien-Łukasiewicz")
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [passenger]}

    response = client.post("/api/orders", json=body, headers=auth)

    assert response.status_code == 201, response.text
    booked = response.json()["data"]["passengers"][0]
    assert (booked["given_name"], booked["family_name"]) == ("Zoë", "O'Brien-Łukasiewicz")


def test_the_openapi_document_states_the_name_rule(client: TestClient) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    passenger = next(s for n, s in schemas.items() if n.startswith("PassengerBody"))
    pattern = passenger["properties"]["given_name"]["pattern"]
    assert re.fullmatch(pattern, "Jean-Luc") and not re.fullmatch(pattern, "R2D2")

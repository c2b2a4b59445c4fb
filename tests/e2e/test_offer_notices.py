"""Each offer says what a traveller should know before choosing it (issue 15): a return
from another airport, airlines mixed, code-shares; worked out by the API, not the site."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.e2e.conftest import travel_date


def _round_trip(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    body = {
        "slices": [
            {"origin": "NYC", "destination": "LON", "departure_date": travel_date(30)},
            {"origin": "LON", "destination": "NYC", "departure_date": travel_date(37)},
        ],
        "passengers": [{"type": "adult"}],
        "max_connections": 1,
    }
    response = client.post(
        "/api/offer-requests?return_offers=true", json={"data": body}, headers=headers
    )
    assert response.status_code == 201, response.text
    offers: list[dict[str, Any]] = response.json()["data"]["offers"]
    return offers


def _codes(offer: dict[str, Any]) -> list[str]:
    return [notice["code"] for notice in offer["notices"]]


def test_every_offer_flags_what_its_own_flights_show(
    client: TestClient, auth: dict[str, str]
) -> None:
    offers = _round_trip(client, auth)
    flagged = 0
    for offer in offers:
        out, back = offer["slices"]
        other_airport = (
            back["origin"]["iata_code"] != out["destination"]["iata_code"]
            or back["destination"]["iata_code"] != out["origin"]["iata_code"]
        )
        assert ("return_airport_differs" in _codes(offer)) is other_airport, offer["notices"]
        segments = [s for item in offer["slices"] for s in item["segments"]]
        sellers = {s["marketing_carrier"]["iata_code"] for s in segments}
        assert ("mixed_airlines" in _codes(offer)) is (len(sellers) > 1)
        code_shares = [
            s
            for s in segments
            if s["operating_carrier"]["iata_code"] != s["marketing_carrier"]["iata_code"]
        ]
        assert _codes(offer).count("operated_by_other_airline") == len(code_shares)
        flagged += other_airport
        for notice in offer["notices"]:
            assert notice["message"] and notice["slice_index"] in (None, 0, 1)
    assert flagged, "a New York - London round trip always has some return via another airport"
    # The same notices on the offer alone (re-checked), as on the list.
    offer = next(o for o in offers if o["notices"])
    again = client.get(f"/api/offers/{offer['id']}", headers=auth)
    assert again.status_code == 200, again.text
    assert again.json()["data"]["notices"] == offer["notices"]

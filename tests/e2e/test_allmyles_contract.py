"""Every example request and response of seeds 001 and 003 (the files in
allmyles_examples/) as a contract test: each example request is accepted as it is,
and each response has every field of its example, with the example's JSON type."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.settings import Settings
from tests.e2e.conftest import travel_date
from tests.e2e.test_allmyles_dialect import combination, search, search_body

EXAMPLES = Path(__file__).parent / "allmyles_examples"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A travel site that shows prices in three currencies, as the examples do."""
    return settings.model_copy(update={"preferred_currencies": ("EUR", "GBP", "USD")})


@pytest.fixture
def key(client: TestClient, auth: dict[str, str]) -> dict[str, str]:
    created = client.post("/api/api-keys", json={"name": "allmyles"}, headers=auth)
    return {"X-Auth-Token": created.json()["data"]["secret"]}


def example(name: str, **values: str) -> Any:
    text = (EXAMPLES / name).read_text()
    for placeholder, value in values.items():
        text = text.replace("{" + placeholder + "}", value)
    return json.loads(text)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def mismatches(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where ``actual`` lacks a field of ``expected`` or has another JSON type there."""
    if expected is None:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where or '/'}: an object was expected, not {_kind(actual)}"]
        if set(expected) == {"_comment"}:
            return []  # trimmed in the example: only its presence counts
        found = []
        for name, value in expected.items():
            if name not in actual:
                found.append(f"{where}/{name}: missing")
            else:
                found += mismatches(value, actual[name], f"{where}/{name}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: an array was expected, not {_kind(actual)}"]
        if not expected:
            return []
        if not actual:
            return [f"{where}: empty, the example has items"]
        return [
            p
            for i, item in enumerate(actual)
            for p in mismatches(expected[0], item, f"{where}/{i}")
        ]
    if _kind(expected) != _kind(actual):
        return [f"{where}: {_kind(expected)} was expected, not {_kind(actual)} ({actual!r})"]
    return []


def check(name: str, response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    body: dict[str, Any] = response.json()
    assert mismatches(example(name), body) == [], name
    return body


def expiry() -> str:
    return (date.today() + timedelta(days=3000)).isoformat()


def test_the_mismatch_finder_finds_mismatches() -> None:
    assert mismatches({"a": 1.5, "b": [{"c": "x"}]}, {"a": 2, "b": [{"c": "y"}]}) == []
    assert mismatches({"a": 1.5}, {"a": "2"}) == ["/a: number was expected, not str ('2')"]
    assert mismatches({"a": [{"c": "x"}]}, {"a": [{}]}) == ["/a/0/c: missing"]
    assert mismatches({"a": [1]}, {"a": []}) == ["/a: empty, the example has items"]


def test_search_request_and_response_of_seed_001(client: TestClient, key: dict[str, str]) -> None:
    request = example(
        "001_search_request.json", departure=travel_date(30), **{"return": travel_date(35)}
    )
    headers = {**key, "Cookie": "contract-search"}
    first = client.post("/allmyles/flights", json=request, headers=headers)
    assert first.status_code == 202 and first.content == b""
    answer = client.post("/allmyles/flights", json=request, headers=headers)
    body = check("001_search_response.json", answer)
    for result in body["flightResultSet"]:
        assert isinstance(result["total_fare"], float)
        assert {b["passengerFare"]["type"] for b in result["breakdown"]} == {"ADT", "CHD"}
        totals = {c["bookingId"] for c in result["combinations"]}
        assert len(totals) == len(result["combinations"])
        for item in result["combinations"]:
            legs = [item["firstLeg"], item["returnLeg"]]
            assert all(
                len(leg["elapsedTime"]) == 4 and leg["elapsedTime"].isdigit() for leg in legs
            )


@pytest.mark.parametrize("seed", ["001", "003"])
def test_traditional_examples(client: TestClient, key: dict[str, str], seed: str) -> None:
    headers = {**key, "Cookie": f"contract-traditional-{seed}"}
    results = search(client, headers, search_body())
    booking_id = combination(results, "AmadeusProvider")["bookingId"]
    details = client.get(f"/allmyles/flights/{booking_id}", headers=headers)
    fields = check(f"{seed}_details_response.json", details)["flightDetails"]["fields"]
    selects = [f for f in fields["passengers"] if f["tag"] == "select"]
    assert selects and all(f["options"] for f in selects)
    assert fields["documentType"] == {"required": True, "per_person": True}  # BUD-LON: passports
    rules = client.get(f"/allmyles/flights/{booking_id}/rules", headers=headers)
    check("003_rules_traditional_response.json", rules)
    request = example(f"{seed}_book_request.json", bookingId=booking_id, expiry=expiry())
    booked = check(
        f"{seed}_book_response.json", client.post("/allmyles/books", json=request, headers=headers)
    )
    ticket = client.get(f"/allmyles/tickets/{booking_id}", headers=headers)
    check(f"{seed}_ticket_traditional_response.json", ticket)
    status = client.get(f"/allmyles/tickets/{booking_id}/status", headers=headers)
    check("003_ticket_status_response.json", status)
    found = client.get(f"/allmyles/books/{booked['pnr']}", headers=key)
    check("003_get_booking_response.json", found)


@pytest.mark.parametrize("seed", ["001", "003"])
def test_lcc_examples(client: TestClient, key: dict[str, str], seed: str) -> None:
    headers = {**key, "Cookie": f"contract-lcc-{seed}"}
    results = search(client, headers, search_body(providerType="OnlyLowCost"))
    booking_id = combination(results, "TravelFusionProvider")["bookingId"]
    check(
        f"{seed}_details_response.json",
        client.get(f"/allmyles/flights/{booking_id}", headers=headers),
    )
    rules = client.get(f"/allmyles/flights/{booking_id}/rules", headers=headers)
    check("003_rules_lcc_response.json", rules)
    request = example(f"{seed}_book_request.json", bookingId=booking_id, expiry=expiry())
    booked = client.post("/allmyles/books", json=request, headers=headers)
    assert booked.status_code == 204 and booked.content == b"", booked.text
    payment = example(f"{seed}_payment_request.json", bookingId=booking_id)
    paid = client.post("/allmyles/payment", json=payment, headers=headers)
    assert paid.status_code == 204 and paid.content == b"", paid.text
    ticket = client.get(f"/allmyles/tickets/{booking_id}", headers=headers)
    check(f"{seed}_ticket_lcc_response.json", ticket)

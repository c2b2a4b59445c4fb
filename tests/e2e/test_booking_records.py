"""The booking records dialect (seed 004) at ``/v1/flight/booking``, over HTTP: the
seed's examples as contract tests, the whole flow, bad input, ownership, and the
records on an order in ``/api``."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.services.ports import Dependencies
from tests.e2e.conftest import adult, first_offer, register, search
from tests.e2e.roles import ACTORS, ALLOWED, World, make_world

Json = dict[str, Any]
SEED = json.loads((Path(__file__).parent / "booking_records_examples/seed_004.json").read_text())
BASE = "/v1/flight/booking"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")
FIELDS = ["bookingCode", "seatNumber", "seatType", "seatingClass", "reason", "notes"]


def flight_of(client: TestClient, headers: dict[str, str]) -> str:
    """A flight of the timetable, as /api shows it on a segment."""
    segment = search(client, headers)["offers"][0]["slices"][0]["segments"][0]
    flight_id: str = segment["flight_id"]
    return flight_id


def assert_error(response: Any, status: int, *words: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == SEED["error_body_keys"], body
    assert body["statusCode"] == status and isinstance(body["message"], str)
    assert body["error"] == {400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}[status]
    for word in words:
        assert word in body["message"], body
    message: str = body["message"]
    return message


def create(client: TestClient, headers: dict[str, str], **body: Any) -> Json:
    response = client.post(BASE, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created


# --- the seed's examples ------------------------------------------------------
def test_the_seeds_create_example_names_an_unknown_flight(
    client: TestClient, auth: dict[str, str]
) -> None:
    """``flight_abc123`` is no flight of the timetable: 400, "flight not found"."""
    response = client.post(BASE, json=SEED["create_request"], headers=auth)
    assert_error(response, 400, "flightId", "flight_abc123")


def test_the_seeds_create_example_on_a_real_flight(
    client: TestClient, auth: dict[str, str]
) -> None:
    flight_id = flight_of(client, auth)
    body = {**SEED["create_request"], "flightId": flight_id}
    created = create(client, auth, **body)
    example = SEED["response_example"]
    assert [key for key in created if key in example] == list(example)  # the seed's order
    assert set(created) == {*example, "orderId"}
    for key, value in example.items():
        assert type(created[key]) is type(value), key
    for key in FIELDS:
        assert created[key] == body[key]
    assert created["flightId"] == flight_id and created["orderId"] is None
    assert created["id"].startswith("booking_")
    assert ISO.match(created["createdAt"]) and created["createdAt"] == created["updatedAt"]
    me = client.get("/api/me", headers=auth)
    assert me.status_code == 200, me.text
    assert created["userId"] == me.json()["data"]["id"]
    assert client.get(f"{BASE}/{created['id']}", headers=auth).json() == created


@pytest.mark.parametrize("field", ["seatType", "seatingClass", "reason"])
def test_every_value_of_the_seeds_enums_is_accepted(
    client: TestClient, auth: dict[str, str], field: str
) -> None:
    flight_id = flight_of(client, auth)
    record = create(client, auth, flightId=flight_id)
    for value in SEED["enums"][field]:
        response = client.put(f"{BASE}/{record['id']}", json={field: value}, headers=auth)
        assert response.status_code == 200, response.text
        assert response.json()[field] == value


def test_the_documented_errors_are_declared(client: TestClient) -> None:
    document = client.get("/v1/flight/openapi.json").json()
    for operation, statuses in SEED["errors"].items():
        method, path = operation.split(" ")
        declared = document["paths"][path][method.lower()]["responses"]
        assert {str(s) for s in statuses} <= set(declared), operation
        assert "default" in declared
    schema = document["components"]["schemas"]
    assert schema["ErrorResponse"]["required"] == SEED["error_body_keys"]
    for field, values in SEED["enums"].items():
        create_body = schema["CreateBooking"]["properties"][field]["anyOf"][0]
        enum = schema[create_body["$ref"].rsplit("/", 1)[1]]["enum"]
        assert enum == values, field
    for field, limit in SEED["limits"].items():
        assert schema["CreateBooking"]["properties"][field]["anyOf"][0]["maxLength"] == limit


# --- the whole flow --------------------------------------------------------------
def test_create_read_update_list_delete(client: TestClient, auth: dict[str, str]) -> None:
    flight_id = flight_of(client, auth)
    first = create(client, auth, flightId=flight_id, seatNumber="12A", notes="aisle please")
    assert first["reason"] == "personal"  # the source's default
    assert first["bookingCode"] is None and first["seatType"] is None
    second = create(client, auth, flightId=flight_id.lower(), bookingCode="XY7Q2P")
    assert second["flightId"] == flight_id

    url = f"{BASE}/{first['id']}"
    response = client.put(url, json={"seatType": "window", "seatNumber": None}, headers=auth)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["seatType"] == "window" and updated["seatNumber"] is None
    assert updated["notes"] == "aisle please" and updated["reason"] == "personal"  # untouched
    assert updated["createdAt"] == first["createdAt"] and updated["updatedAt"] >= first["updatedAt"]
    assert client.put(url, json={}, headers=auth).json()["seatType"] == "window"
    assert client.put(url, json={"notes": ""}, headers=auth).json()["notes"] is None
    assert client.get(url, headers=auth).json()["notes"] is None

    listed = client.get(f"{BASE}/flight/{flight_id}", headers=auth)
    assert listed.status_code == 200, listed.text
    assert [b["id"] for b in listed.json()] == [second["id"], first["id"]]  # newest first

    deleted = client.delete(url, headers=auth)
    assert deleted.status_code == 200 and deleted.json() == SEED["delete_response"]
    assert_error(client.get(url, headers=auth), 404)
    assert_error(client.delete(url, headers=auth), 404)
    assert_error(client.put(url, json={"notes": "back?"}, headers=auth), 404)
    assert [b["id"] for b in client.get(f"{BASE}/flight/{flight_id}", headers=auth).json()] == [
        second["id"]
    ]


def test_a_record_annotates_the_callers_order_on_that_flight(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(search(client, auth)["offers"], holdable=True)
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
    response = client.post("/api/orders", json=body, headers=auth)
    assert response.status_code == 201, response.text
    order = response.json()["data"]
    flight_id = order["slices"][0]["segments"][0]["flight_id"]
    segment = order["slices"][0]["segments"][0]
    number = segment["marketing_carrier"]["iata_code"] + segment["marketing_carrier_flight_number"]
    assert flight_id == f"{number}-{segment['departing_at'][:10]}"

    record = create(client, auth, flightId=flight_id, seatNumber="3C", reason="business")
    assert record["orderId"] == order["id"]
    response = client.get(f"/api/orders/{order['id']}/booking_records", headers=auth)
    assert response.status_code == 200, response.text
    [shown] = response.json()["data"]
    assert shown["id"] == record["id"] and shown["seat_number"] == "3C"
    assert shown["reason"] == "business" and shown["flight_id"] == flight_id

    other = register(client, "grace@test.com")
    standalone = create(client, other, flightId=flight_id)
    assert standalone["orderId"] is None  # not the caller's order
    response = client.get(f"/api/orders/{order['id']}/booking_records", headers=other)
    assert response.status_code == 404


# --- bad input -------------------------------------------------------------------
BAD_CREATES: list[tuple[Json, str]] = [
    ({}, "flightId should not be empty"),
    ({"flightId": 5}, "flightId must be a string"),
    ({"flightId": ""}, "flightId"),
    ({"flightId": "B" * 41}, "flightId must be shorter than or equal to 40 characters"),
    ({"bookingCode": "A" * 51}, "bookingCode must be shorter than or equal to 50 characters"),
    ({"bookingCode": 123}, "bookingCode must be a string"),
    ({"seatNumber": "12345678901"}, "seatNumber must be shorter than or equal to 10 characters"),
    ({"notes": "n" * 501}, "notes must be shorter than or equal to 500 characters"),
    ({"seatType": "aisle_seat"}, "seatType must be one of the following values: window,"),
    ({"seatType": 1}, "seatType must be one of the following values"),
    ({"seatingClass": "cargo"}, "seatingClass must be one of the following values: economy"),
    ({"reason": "fun"}, "reason must be one of the following values: personal"),
    ({"userId": "usr_x"}, "property userId should not exist"),
    ({"notes": "a\x00b"}, "notes"),
    ({"bookingCode": "\x00"}, "bookingCode"),
]


@pytest.mark.parametrize(("extra", "words"), BAD_CREATES)
def test_bad_input_is_a_400_naming_the_field(
    client: TestClient, auth: dict[str, str], extra: Json, words: str
) -> None:
    body = {"flightId": "BA117-2027-01-15", **extra}
    if "flightId" in extra or extra == {}:
        body = extra
    response = client.post(BASE, json=body, headers=auth)
    assert_error(response, 400, words)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"flightId": "BA117-2027-01-15"}, "property flightId should not exist"),
        ({"notes": "n" * 501}, "notes must be shorter than or equal to 500"),
        ({"seatType": "WINDOW"}, "seatType must be one of the following values"),
        ({"seatNumber": 12}, "seatNumber must be a string"),
        ({"notes": "x\x00"}, "notes"),
    ],
)
def test_bad_updates_are_a_400_and_change_nothing(
    client: TestClient, auth: dict[str, str], body: Json, words: str
) -> None:
    flight_id = flight_of(client, auth)
    record = create(client, auth, flightId=flight_id, notes="keep")
    assert_error(client.put(f"{BASE}/{record['id']}", json=body, headers=auth), 400, words)
    assert client.get(f"{BASE}/{record['id']}", headers=auth).json() == record


def test_malformed_bodies_are_a_400(client: TestClient, auth: dict[str, str]) -> None:
    headers = {**auth, "content-type": "application/json"}
    assert_error(client.post(BASE, content=b"{", headers=headers), 400, "JSON")
    assert_error(client.post(BASE, json=["BA117"], headers=auth), 400, "JSON object")


@pytest.mark.parametrize(
    "flight_id",
    [
        "ZZ9999-2027-01-15",  # no such flight
        "BA117-2027-02-30",  # no such date
        "BA117",
        "flight_abc123",
    ],
)
def test_an_unknown_flight_is_a_400(
    client: TestClient, auth: dict[str, str], flight_id: str
) -> None:
    assert_error(client.post(BASE, json={"flightId": flight_id}, headers=auth), 400, "flightId")
    assert_error(client.get(f"{BASE}/flight/{flight_id}", headers=auth), 400, "flightId")


def test_a_flight_that_does_not_operate_that_day_is_a_400(
    client: TestClient, auth: dict[str, str], services: Dependencies
) -> None:
    flight_id = flight_of(client, auth)
    number, day = flight_id.split("-", 1)
    flown = date.fromisoformat(day)
    days = [flown + timedelta(days=n) for n in range(1, 8)]
    from farebridge.domain.booking_records import parse_flight_id

    idle = [d for d in days if not services.providers.operates(parse_flight_id(f"{number}-{d}"))]
    if not idle:
        pytest.skip(f"{number} flies every day")
    response = client.post(BASE, json={"flightId": f"{number}-{idle[0]}"}, headers=auth)
    assert_error(response, 400, "flightId")


# --- authentication and ownership ------------------------------------------------
def test_every_route_needs_a_caller(client: TestClient) -> None:
    routes = [
        ("POST", BASE, {"flightId": "BA117-2027-01-15"}),
        ("GET", f"{BASE}/booking_x", None),
        ("PUT", f"{BASE}/booking_x", {"notes": "x"}),
        ("DELETE", f"{BASE}/booking_x", None),
        ("GET", f"{BASE}/flight/BA117-2027-01-15", None),
    ]
    for method, url, body in routes:
        assert_error(client.request(method, url, json=body), 401)
        bad = {"Authorization": "Bearer not-a-token"}
        assert_error(client.request(method, url, json=body, headers=bad), 401)


def test_someone_elses_booking_is_a_404_and_an_admin_sees_all(
    client: TestClient, services: Dependencies
) -> None:
    world: World = make_world(client, services)
    owner = world.headers["owner"]
    flight_id = flight_of(client, owner)
    record = create(client, owner, flightId=flight_id, notes="mine")
    url = f"{BASE}/{record['id']}"
    for actor in ACTORS:
        headers = world.headers[actor]
        if actor in ALLOWED:
            assert client.get(url, headers=headers).json() == record
            continue
        assert_error(client.get(url, headers=headers), 404)
        assert_error(client.put(url, json={"notes": "theirs"}, headers=headers), 404)
        assert_error(client.delete(url, headers=headers), 404)
        assert client.get(f"{BASE}/flight/{flight_id}", headers=headers).json() == []
    assert client.get(url, headers=owner).json()["notes"] == "mine"
    admin_view = client.get(f"{BASE}/flight/{flight_id}", headers=world.headers["admin"])
    assert [b["id"] for b in admin_view.json()] == [record["id"]]
    agent_view = client.get(f"{BASE}/flight/{flight_id}", headers=world.headers["agent_same"])
    assert [b["id"] for b in agent_view.json()] == [record["id"]]
    theirs = create(client, world.headers["customer_b"], flightId=flight_id)
    own_view = client.get(f"{BASE}/flight/{flight_id}", headers=owner).json()
    assert [b["id"] for b in own_view] == [record["id"]]
    assert {b["id"] for b in admin_view.json()} | {theirs["id"]} == {
        b["id"]
        for b in client.get(f"{BASE}/flight/{flight_id}", headers=world.headers["admin"]).json()
    }


def test_unknown_paths_answer_in_the_dialects_body(client: TestClient, auth: Json) -> None:
    response = client.get("/v1/flight/nothing", headers=auth)
    assert_error(response, 404, "Cannot GET /v1/flight/nothing")


def test_the_dialects_document_is_typed_and_never_fastapis_422(client: TestClient) -> None:
    document = client.get("/v1/flight/openapi.json").json()
    assert "ValidationError" not in json.dumps(document)
    envelope = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = operation["responses"]
            assert {"400", "401", "default"} <= set(statuses), (method, path)
            for status, response in statuses.items():
                schema = response["content"]["application/json"]["schema"]
                if status.startswith("2"):
                    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
                    name = ref.removeprefix("#/components/schemas/")
                    assert document["components"]["schemas"][name]["properties"], (method, path)
                else:
                    assert schema == envelope, (method, path, status)


def test_a_nul_byte_in_an_id_names_nothing(client: TestClient, auth: dict[str, str]) -> None:
    assert_error(client.get(f"{BASE}/booking_%00x", headers=auth), 404)

"""Input hygiene through the real app, on both databases (ADR 0027): refused
characters in paths, query strings and bodies of every dialect (each in its own
error body), the body size cap, metadata caps, card numbers with any separators,
date and time-window sanity, logout with a made-up token, and passport numbers that
the database never holds in plain text."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from farebridge.settings import Settings
from farebridge.store.tables import metadata
from tests.e2e.conftest import PASSPORT, adult, first_offer, search

MAX_BODY = 4096


@pytest.fixture
def settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        search_rate_limit_per_minute=1000,
        booking_rate_limit_per_minute=1000,
        search_wait_seconds=30,
        max_body_bytes=MAX_BODY,
    )


def native_field(response: Any) -> tuple[str, str | None]:
    error = response.json()["errors"][0]
    return error["code"], error.get("source", {}).get("field")


# Each dialect: a POST route and a body builder putting ``text`` into one string
# field, then how its error body names the field.
# Each checks the dialect's status for invalid input (Duffel's is 422) and its body.
def _native(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    assert native_field(response)[1] == field


def _duffel(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["source"]["field"] == field


def _allmyles(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"message"}
    assert field in response.json()["message"]


def _flight_api(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    assert field in response.json(), response.json()


def _records(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["statusCode"] == response.status_code
    assert field in body["message"]


DIALECTS = [
    pytest.param(
        "/api/auth/login",
        lambda t: {"email": t, "password": "x" * 8},
        "email",
        _native,
        id="native",
    ),
    pytest.param(
        "/duffel/air/offer_requests",
        lambda t: {
            "data": {
                "slices": [{"origin": t, "destination": "JFK", "departure_date": "2030-01-01"}],
                "passengers": [{"type": "adult"}],
            }
        },
        "slices[0].origin",
        _duffel,
        id="duffel",
    ),
    pytest.param(
        "/allmyles/flights",
        lambda t: {"fromLocation": t, "toLocation": "LON"},
        "fromLocation",
        _allmyles,
        id="allmyles",
    ),
    pytest.param(
        "/v1/flight_api/login",
        lambda t: {"username": t, "password": "x"},
        "username",
        _flight_api,
        id="flight_api",
    ),
    pytest.param(
        "/v1/flight/booking", lambda t: {"notes": t}, "notes", _records, id="booking_records"
    ),
]
BAD_TEXT = ["a\x00b", "a\x07b", "a\x1bb", "a\x85b", "Ad\u202eam"]


@pytest.mark.parametrize(("path", "body", "field", "names"), DIALECTS)
@pytest.mark.parametrize("text", BAD_TEXT)
def test_refused_characters_in_a_body_are_refused_naming_the_field(
    client: TestClient, path: str, body: Any, field: str, names: Any, text: str
) -> None:
    names(client.post(path, json=body(text)), field)


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/api/orders", _native),
        ("/duffel/air/airports", _duffel),
        ("/allmyles/flights/res_1", _allmyles),
        ("/v1/flight_api/flights", _flight_api),
        ("/v1/flight/booking/flight/BA117-2030-01-01", _records),
    ],
)
@pytest.mark.parametrize("text", ["a%00b", "a%01b", "a%0Ab", "a%C2%85b", "a%E2%80%AEb"])
def test_refused_characters_in_a_query_are_refused_naming_the_parameter(
    client: TestClient, path: str, names: Any, text: str
) -> None:
    names(client.get(f"{path}?booking_reference={text}"), "booking_reference")


@pytest.mark.parametrize(
    "path",
    [
        "/api/orders/ord_a%00b",
        "/api/offers/off_a%1Bb",
        "/duffel/air/orders/ord_a%00b",
        "/allmyles/books/AB%00C",
        "/v1/flight_api/bookings/AB%07C",
        "/v1/flight/booking/booking_%E2%80%AEx",
    ],
)
def test_an_id_with_a_refused_character_names_nothing(
    client: TestClient, auth: dict[str, str], path: str
) -> None:
    assert client.get(path, headers=auth).status_code == 404


@pytest.mark.parametrize(("path", "body", "field", "names"), DIALECTS)
def test_a_body_over_the_cap_is_413(
    client: TestClient, path: str, body: Any, field: str, names: Any
) -> None:
    response = client.post(path, json=body("x" * (MAX_BODY + 1)))
    assert response.status_code == 413, response.text
    assert "larger than 4096 bytes" in response.text


def test_a_streamed_body_over_the_cap_is_413_too(client: TestClient) -> None:
    def chunks() -> Any:
        yield b'{"email": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'", "password": "12345678"}'

    response = client.post(
        "/api/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert native_field(response)[0] == "payload_too_large"


def test_the_default_cap_is_one_megabyte() -> None:
    assert Settings().max_body_bytes == 1_048_576


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"metadata": {"note": "4111.1111.1111.1111"}}, "metadata.note"),
        ({"metadata": {"note": "4111_1111_1111_1111"}}, "metadata.note"),
        ({"metadata": {"4111/1111/1111/1111": "key"}}, "metadata.4111/1111/1111/1111"),
        ({"passengers": [adult(given_name="4111 1111 1111 1111")]}, "passengers[0].given_name"),
    ],
)
def test_card_numbers_with_any_separators_are_refused_in_free_text(
    client: TestClient, auth: dict[str, str], change: dict[str, Any], field: str
) -> None:
    body = {"type": "hold", "selected_offers": ["off_x"], "passengers": [adult()], **change}
    response = client.post("/api/orders", json=body, headers=auth)
    assert response.status_code == 400, response.text
    assert native_field(response) == ("card_number_refused", field)
    assert "never send card numbers" in response.json()["errors"][0]["message"]


def test_a_card_number_as_the_idempotency_key_is_refused(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = {"type": "hold", "selected_offers": ["off_x"], "passengers": [adult()]}
    headers = {**auth, "Idempotency-Key": "4111/1111/1111/1111"}
    response = client.post("/api/orders", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert native_field(response) == ("card_number_refused", "Idempotency-Key")


def test_logging_out_with_a_made_up_token_is_401(client: TestClient, auth: dict[str, str]) -> None:
    forged = client.post("/api/auth/logout", headers={"Authorization": "Bearer made-up"})
    assert forged.status_code == 401, forged.text
    assert client.post("/api/auth/logout", headers=auth).status_code == 204
    assert client.post("/api/auth/logout", headers=auth).status_code == 401


def test_a_departure_window_from_after_to_is_400(client: TestClient, auth: dict[str, str]) -> None:
    day = (date.today() + timedelta(days=30)).isoformat()
    window = {"from": "18:00", "to": "06:00"}
    body = {
        "slices": [
            {"origin": "JFK", "destination": "LHR", "departure_date": day, "departure_time": window}
        ],
        "passengers": [{"type": "adult"}],
    }
    response = client.post("/api/offer-requests", json={"data": body}, headers=auth)
    assert response.status_code == 400, response.text
    assert native_field(response) == ("invalid_time_window", "slices[0].departure_time.from")


def _every_stored_text(engine: Engine) -> str:
    with engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))  # a Row's own repr cuts long values short
            for table in metadata.sorted_tables
            for row in connection.execute(select(table))
        )


def test_orders_check_dates_cap_metadata_and_never_store_a_plain_passport_number(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    found = search(client, auth)
    offer = first_offer(found["offers"], holdable=True)
    last_day = date.fromisoformat(offer["slices"][-1]["segments"][-1]["departing_at"][:10])

    def hold(**change: Any) -> Any:
        body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
        body.update(change)
        return client.post("/api/orders", json=body, headers=auth)

    absurd = hold(passengers=[adult(born_on="0001-01-01")])
    assert absurd.status_code == 400 and native_field(absurd)[1] == "passengers[0].born_on"
    expired = {**PASSPORT, "expires_on": (last_day - timedelta(days=1)).isoformat()}
    early = hold(passengers=[adult(identity_documents=[expired])])
    assert early.status_code == 400, early.text
    assert native_field(early)[1] == "passengers[0].identity_documents[0].expires_on"
    too_many = hold(metadata={f"k{i}": "v" for i in range(51)})
    assert too_many.status_code == 400 and native_field(too_many) == (
        "metadata_too_large",
        "metadata",
    )

    number = "P9K4Q7Z2M"
    passport = {**PASSPORT, "unique_identifier": number}
    made = hold(passengers=[adult(identity_documents=[passport])], metadata={"ref": "a"})
    assert made.status_code == 201, made.text
    order_id = made.json()["data"]["id"]
    shown = client.get(f"/api/orders/{order_id}", headers=auth).json()["data"]
    assert shown["passengers"][0]["identity_documents"][0]["unique_identifier"] == "******Z2M"
    stored = _every_stored_text(engine)
    assert number not in stored
    assert "identity_documents" in stored and "enc:v1:" in stored

    # Fifty keys in all after a merge; the fifty-first is refused.
    full = {f"k{i}": "v" for i in range(49)}
    grown = client.patch(f"/api/orders/{order_id}", json={"metadata": full}, headers=auth)
    assert grown.status_code == 200, grown.text
    over = client.patch(
        f"/api/orders/{order_id}", json={"metadata": {"one_more": "v"}}, headers=auth
    )
    assert over.status_code == 400 and native_field(over) == ("metadata_too_large", "metadata")
    big = client.patch(
        f"/api/orders/{order_id}", json={"metadata": {"ref": "v" * 501}}, headers=auth
    )
    assert big.status_code == 400 and native_field(big) == ("metadata_too_large", "metadata.ref")


def test_deeply_nested_json_is_400_not_a_crash(client: TestClient) -> None:
    body = "[" * 2000 + "]" * 2000
    response = client.post(
        "/api/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert native_field(response)[0] == "json_too_deep"


def test_form_bodies_are_checked_too(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        content="email=a%00b&password=12345678",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400, response.text
    assert native_field(response) == ("invalid_character", "email")

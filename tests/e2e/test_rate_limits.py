"""Rate limits on the wire: RateLimit-* headers, 429 + Retry-After in each dialect's body,
login back-off (/api and flight_api) and the cap on unpaid holds (seat spinning)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.api.app import create_app
from farebridge.settings import Settings
from tests.e2e import flight_api
from tests.e2e.conftest import (
    adult,
    cancel_order,
    first_offer,
    hold_order,
    register,
    search,
    travel_date,
)
from tests.e2e.test_duffel_dialect import V2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "search_rate_limit_per_minute": 2,
            "login_rate_limit_per_minute": 1000,
            "login_free_failures": 5,
            "login_backoff_seconds": 30.0,
            "max_unpaid_holds_per_user": 1,
        }
    )


def search_body() -> dict[str, Any]:
    return {
        "data": {
            "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date()}],
            "passengers": [{"type": "adult"}],
        }
    }


def limit_headers(response: Any) -> tuple[int, int, str]:
    headers = response.headers
    return (
        int(headers["RateLimit-Limit"]),
        int(headers["RateLimit-Remaining"]),
        headers["RateLimit-Reset"],
    )


def test_native_search_counts_down_then_429_with_retry_after(
    client: TestClient, auth: dict[str, str]
) -> None:
    first = client.post("/api/offer-requests", json=search_body(), headers=auth)
    second = client.post("/api/offer-requests", json=search_body(), headers=auth)
    assert first.status_code == second.status_code == 201, second.text
    assert limit_headers(first)[:2] == (2, 1) and limit_headers(second)[:2] == (2, 0)
    assert 1 <= int(limit_headers(first)[2]) <= 60
    refused = client.post("/api/offer-requests", json=search_body(), headers=auth)
    assert refused.status_code == 429, refused.text
    assert refused.json()["errors"][0]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert limit_headers(refused)[:2] == (2, 0)
    assert "RateLimit-Limit" not in client.get("/health").headers, "only limited routes"


def test_duffel_429_is_duffels_body_with_an_http_date_reset(
    client: TestClient, auth: dict[str, str]
) -> None:
    created = client.post("/api/api-keys", json={"name": "duffel"}, headers=auth)
    headers = {**V2, "Authorization": f"Bearer {created.json()['data']['secret']}"}
    statuses = [
        client.post("/duffel/air/offer_requests", json=search_body(), headers=headers)
        for _ in range(3)
    ]
    assert [r.status_code for r in statuses] == [201, 201, 429], statuses[-1].text
    refused = statuses[-1]
    body = refused.json()
    assert set(body) == {"meta", "errors"} and body["meta"]["status"] == 429
    assert body["errors"][0]["type"] == "rate_limit_error"
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["ratelimit-remaining"] == "0"
    assert parsedate_to_datetime(refused.headers["ratelimit-reset"]) is not None
    assert parsedate_to_datetime(statuses[0].headers["ratelimit-reset"]) is not None
    assert statuses[0].headers["ratelimit-limit"] == "2"


def _native_login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_native_login_backs_off_after_five_failures(client: TestClient) -> None:
    register(client, "victim@test.com")
    register(client, "bystander@test.com")
    wrong = [_native_login(client, "victim@test.com", "wrong-horse") for _ in range(5)]
    assert [r.status_code for r in wrong] == [401] * 5
    refused = _native_login(client, "victim@test.com", "correct-horse")
    assert refused.status_code == 429, refused.text
    assert refused.json()["errors"][0]["code"] == "login_backoff"
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    other = _native_login(client, "bystander@test.com", "correct-horse")
    assert other.status_code == 200, "another account is not held back"


def test_a_successful_login_clears_the_failures(client: TestClient) -> None:
    register(client, "forgetful@test.com")
    for _ in range(3):
        assert _native_login(client, "forgetful@test.com", "wrong-horse").status_code == 401
    assert _native_login(client, "forgetful@test.com", "correct-horse").status_code == 200
    for _ in range(4):
        assert _native_login(client, "forgetful@test.com", "wrong-horse").status_code == 401
    assert _native_login(client, "forgetful@test.com", "correct-horse").status_code == 200


def test_flight_api_login_backs_off_with_its_own_body(client: TestClient) -> None:
    flight_api.register(client, "rakesh")
    body = {"username": "rakesh", "password": "wrong-horse"}
    wrong = [client.post(f"{flight_api.PREFIX}/login", json=body) for _ in range(5)]
    assert [r.status_code for r in wrong] == [401] * 5
    body["password"] = flight_api.PASSWORD
    refused = client.post(f"{flight_api.PREFIX}/login", json=body)
    assert refused.status_code == 429, refused.text
    assert set(refused.json()) == {"message"}
    assert int(refused.headers["Retry-After"]) >= 1


def test_login_per_address_limit_has_headers(services: Any, settings: Settings) -> None:
    tight = settings.model_copy(update={"login_rate_limit_per_minute": 2})
    with TestClient(create_app(services, tight), raise_server_exceptions=False) as client:
        body = {"username": "nobody", "password": "wrong-horse"}
        answers = [client.post(f"{flight_api.PREFIX}/login", json=body) for _ in range(3)]
        assert [r.status_code for r in answers] == [401, 401, 429]
        assert limit_headers(answers[0])[:2] == (2, 1)
        assert limit_headers(answers[2])[:2] == (2, 0)
        assert answers[2].json().keys() == {"message"}
        assert int(answers[2].headers["Retry-After"]) >= 1


def test_unpaid_holds_are_capped_per_account(services: Any, settings: Settings) -> None:
    searches = settings.model_copy(update={"search_rate_limit_per_minute": 1000})
    with TestClient(create_app(services, searches), raise_server_exceptions=False) as client:
        spinner = register(client, "spinner@test.com")
        first = hold_order(client, spinner)
        offer = first_offer(search(client, spinner)["offers"], holdable=True)
        body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
        refused = client.post("/api/orders", json=body, headers=spinner)
        assert refused.status_code == 409, refused.text
        assert refused.json()["errors"][0]["code"] == "too_many_holds"
        other = register(client, "honest@test.com")
        assert hold_order(client, other)["type"] == "hold", "the cap is per account"
        cancel_order(client, spinner, first["id"])
        assert hold_order(client, spinner)["type"] == "hold", "a cancelled hold frees its place"


def test_allmyles_refuses_with_its_413_and_the_same_headers(client: TestClient) -> None:
    from tests.e2e.test_allmyles_dialect import search_body as allmyles_search
    from tests.e2e.test_allmyles_rate_limits import _key

    headers = _key(client, "site@test.com")
    answers = [
        client.post("/allmyles/flights", json=allmyles_search(), headers=headers) for _ in range(3)
    ]
    assert [a.status_code for a in answers[:2]] != [413, 413]
    assert answers[2].status_code == 413, answers[2].text
    assert limit_headers(answers[0])[:2] == (2, 1)
    assert limit_headers(answers[2])[:2] == (2, 0)
    assert int(answers[2].headers["Retry-After"]) >= 1


def test_booking_records_429_is_the_nest_body(services: Any, settings: Settings) -> None:
    from tests.e2e.test_booking_records import BASE, SEED

    tight = settings.model_copy(update={"booking_rate_limit_per_minute": 2})
    with TestClient(create_app(services, tight), raise_server_exceptions=False) as client:
        auth = register(client, "records@test.com")
        answers = [client.post(BASE, json=SEED["create_request"], headers=auth) for _ in range(3)]
        assert [a.status_code for a in answers] == [400, 400, 429], answers[2].text
        assert answers[2].json() == {
            "statusCode": 429,
            "message": answers[2].json()["message"],
            "error": "Too Many Requests",
        }
        assert int(answers[2].headers["Retry-After"]) >= 1
        assert limit_headers(answers[1])[:2] == (2, 0)


def test_registrations_are_limited_per_address(services: Any, settings: Settings) -> None:
    few = settings.model_copy(update={"register_rate_limit_per_minute": 2})
    with TestClient(create_app(services, few), raise_server_exceptions=False) as client:
        answers = [
            client.post(
                "/api/auth/register",
                json={"email": f"new{n}@test.com", "password": "correct-horse"},
            )
            for n in range(3)
        ]
        assert [a.status_code for a in answers] == [201, 201, 429], answers[2].text
        assert limit_headers(answers[1])[:2] == (2, 0)
        assert answers[2].json()["errors"][0]["code"] == "rate_limited"
        assert int(answers[2].headers["Retry-After"]) >= 1
        # One budget per address for every dialect's registration.
        account = {
            "username": "latecomer",
            "email": "latecomer@test.com",
            "first_name": "Late",
            "last_name": "Comer",
            "mobile_no": "+91-243589072",
            "password": "correct-horse",
            "confirmation": "correct-horse",
        }
        refused = client.post("/v1/flight_api/register", json=account)
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["Retry-After"]) >= 1

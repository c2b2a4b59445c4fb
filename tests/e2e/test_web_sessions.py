"""The web site's state that survives a reload (ADR 0035): the sign-in cookie handed
over with a one-time code, and booking drafts kept for the signed-in traveller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from farebridge.api.dialects.native.models.web_sessions import DraftPassenger
from farebridge.bootstrap import build
from farebridge.domain.clock import ManualClock
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from tests.e2e.conftest import register

SITE = "http://127.0.0.1:8501"
COOKIE = "farebridge_session"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def services(engine: Engine, settings: Settings, clock: ManualClock) -> Dependencies:
    return build(settings, engine=engine, clock=clock)


def new_code(client: TestClient, auth: dict[str, str]) -> str:
    response = client.post("/api/auth/web-session/codes", headers=auth)
    assert response.status_code == 201, response.text
    code: str = response.json()["data"]["code"]
    return code


def redeem(client: TestClient, code: str, next_url: str = f"{SITE}/?step=results") -> Any:
    return client.get(
        "/api/auth/web-session", params={"code": code, "next": next_url}, follow_redirects=False
    )


def field_of(response: Any) -> str:
    field: str = response.json()["errors"][0]["source"]["field"]
    return field


def test_a_code_becomes_an_http_only_cookie_and_the_asking_token_ends(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = redeem(client, new_code(client, auth))
    assert response.status_code == 303
    assert response.headers["location"] == f"{SITE}/?step=results"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in attributes  # the site is served over plain http here
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token not in response.headers["location"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert client.get("/api/me", headers=auth).status_code == 401  # handed over, revoked


def test_a_code_works_once(client: TestClient, auth: dict[str, str]) -> None:
    code = new_code(client, auth)
    assert redeem(client, code).status_code == 303
    again = redeem(client, code)
    assert again.status_code == 404
    assert field_of(again) == "code"
    assert "set-cookie" not in again.headers


def test_a_code_expires_after_a_minute(
    client: TestClient, auth: dict[str, str], clock: ManualClock
) -> None:
    code = new_code(client, auth)
    clock.advance(timedelta(seconds=61))
    response = redeem(client, code)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "sign_in_code_invalid"
    assert field_of(response) == "code"
    assert "set-cookie" not in response.headers


def test_a_made_up_code_or_one_whose_login_ended_is_refused(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert redeem(client, "made-up").status_code == 404
    code = new_code(client, auth)
    assert client.post("/api/auth/logout", headers=auth).status_code == 204
    assert redeem(client, code).status_code == 404


REFUSED_REDIRECTS = [
    "https://evil.example/",
    "//evil.example/",
    "http://127.0.0.1:8502/",
    "https://127.0.0.1:8501/",
    "http://127.0.0.1:8501@evil.example/",
    "http://evil.example/?http://127.0.0.1:8501/",
    "http://127.0.0.1:8501\\@evil.example/",
    "javascript:alert(1)",
    "/relative",
]


def test_the_redirect_goes_only_to_the_site(client: TestClient, auth: dict[str, str]) -> None:
    code = new_code(client, auth)
    for next_url in REFUSED_REDIRECTS:
        response = redeem(client, code, next_url)
        assert response.status_code == 400, next_url
        assert field_of(response) == "next"
        assert "location" not in response.headers
    assert redeem(client, code).status_code == 303  # a refused redirect did not use the code


def test_a_cookie_is_secure_when_the_site_is_https(
    engine: Engine, clock: ManualClock, settings: Settings
) -> None:
    secure = settings.model_copy(update={"site_url": "https://book.example"})
    from farebridge.api.app import create_app

    with TestClient(create_app(build(secure, engine=engine, clock=clock), secure)) as client:
        auth = register(client, "secure@test.com")
        response = redeem(client, new_code(client, auth), "https://book.example/?step=pay")
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


def test_signing_out_revokes_the_cookie_login_and_clears_it(
    client: TestClient, auth: dict[str, str]
) -> None:
    cookie = redeem(client, new_code(client, auth)).headers["set-cookie"]
    token = cookie.split(";")[0].split("=", 1)[1]
    client.cookies.set(COOKIE, token)
    response = client.post(
        "/api/auth/web-session/end", params={"next": f"{SITE}/"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{SITE}/"
    cleared = response.headers["set-cookie"]
    assert cleared.startswith(f'{COOKIE}=""') or cleared.startswith(f"{COOKIE}=;")
    assert "max-age=0" in cleared.lower()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    refused = client.post("/api/auth/web-session/end", params={"next": "https://evil.example/"})
    assert refused.status_code == 400
    assert field_of(refused) == "next"


def test_another_sites_page_cannot_sign_the_browser_out(
    client: TestClient, auth: dict[str, str]
) -> None:
    cookie = redeem(client, new_code(client, auth)).headers["set-cookie"]
    token = cookie.split(";")[0].split("=", 1)[1]
    client.cookies.set(COOKIE, token)
    refused = client.post(
        "/api/auth/web-session/end",
        params={"next": f"{SITE}/"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert "set-cookie" not in refused.headers
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    allowed = client.post(
        "/api/auth/web-session/end",
        params={"next": f"{SITE}/"},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert allowed.status_code == 303
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_api_key_cannot_ask_for_a_sign_in_code(client: TestClient, auth: dict[str, str]) -> None:
    key = client.post("/api/api-keys", json={"name": "server"}, headers=auth).json()["data"]
    response = client.post(
        "/api/auth/web-session/codes", headers={"Authorization": f"Bearer {key['secret']}"}
    )
    assert response.status_code == 403
    assert client.post("/api/auth/web-session/codes").status_code == 401


DRAFT: dict[str, Any] = {
    "step": "passengers",
    "search": "from=NYC&to=LON&depart=2027-01-20&adults=1",
    "offer_request_id": "orq_01",
    "offer_id": "off_01",
    "passengers": [
        {"title": "ms", "given_name": "Amelia", "family_name": "Earhart", "born_on": "1987-07-24"}
    ],
    "seats": [
        {"segment_id": "seg_1", "passenger_id": "pas_1", "service_id": "ase_1", "designator": "12A"}
    ],
    "bags": [{"service_id": "ase_2", "quantity": 1}],
}


def create_draft(client: TestClient, auth: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post("/api/booking-drafts", json={"data": body}, headers=auth)


def test_a_draft_is_kept_replaced_and_deleted_by_its_owner(
    client: TestClient, auth: dict[str, str]
) -> None:
    created = create_draft(client, auth, DRAFT)
    assert created.status_code == 201, created.text
    draft = created.json()["data"]
    assert draft["passengers"][0]["given_name"] == "Amelia"
    assert draft["seats"][0]["designator"] == "12A"
    url = f"/api/booking-drafts/{draft['id']}"
    assert client.get(url, headers=auth).json()["data"] == draft
    moved = {**DRAFT, "step": "extras", "bags": [{"service_id": "ase_2", "quantity": 2}]}
    replaced = client.put(url, json=moved, headers=auth)
    assert replaced.status_code == 200, replaced.text
    assert client.get(url, headers=auth).json()["data"]["bags"][0]["quantity"] == 2
    assert client.get(url, headers=auth).json()["data"]["step"] == "extras"
    assert client.delete(url, headers=auth).status_code == 204
    assert client.get(url, headers=auth).status_code == 404


def test_someone_elses_draft_is_not_found(client: TestClient, auth: dict[str, str]) -> None:
    draft = create_draft(client, auth, DRAFT).json()["data"]
    other = register(client, "other@test.com")
    url = f"/api/booking-drafts/{draft['id']}"
    assert client.get(url, headers=other).status_code == 404
    assert client.put(url, json=DRAFT, headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert client.get(url, headers=auth).status_code == 200  # untouched
    assert client.get(url).status_code == 401


def test_a_draft_expires_a_week_after_its_last_change(
    client: TestClient, auth: dict[str, str], clock: ManualClock
) -> None:
    draft = create_draft(client, auth, DRAFT).json()["data"]
    url = f"/api/booking-drafts/{draft['id']}"
    clock.advance(timedelta(days=6))
    assert client.put(url, json=DRAFT, headers=auth).status_code == 200  # lives on
    clock.advance(timedelta(days=6))
    fresh = register_again(client)
    assert client.get(url, headers=fresh).status_code == 200
    clock.advance(timedelta(days=1, seconds=1))
    assert client.get(url, headers=fresh).status_code == 404


def register_again(client: TestClient, email: str = "amelia@test.com") -> dict[str, str]:
    """A new login of the account (the first one's token has expired meanwhile)."""
    response = client.post("/api/auth/login", json={"email": email, "password": "correct-horse"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


BAD_DRAFTS = [
    ({**DRAFT, "step": "somewhere"}, "step"),
    ({**DRAFT, "card_number": "4242424242424242"}, "card_number"),
    ({**DRAFT, "passengers": [{"given_name": "4242 4242 4242 4242"}]}, "passengers[0].given_name"),
    ({**DRAFT, "search": "card=4000-0566-5566-5556"}, "search"),
    ({**DRAFT, "bags": [{"service_id": "ase_2", "quantity": 10}]}, "bags"),
    ({**DRAFT, "passengers": [{"cvv": "123"}]}, "passengers"),
    ({**DRAFT, "passengers": [{}] * 10}, "passengers"),
]


def test_bad_drafts_are_refused_naming_the_field(client: TestClient, auth: dict[str, str]) -> None:
    for body, field in BAD_DRAFTS:
        response = create_draft(client, auth, body)
        assert response.status_code == 400, response.text
        assert field_of(response).startswith(field), (field, response.text)
    draft = create_draft(client, auth, DRAFT).json()["data"]
    response = client.put(f"/api/booking-drafts/{draft['id']}", json=BAD_DRAFTS[1][0], headers=auth)
    assert response.status_code == 400
    assert field_of(response) == "card_number"


def test_a_draft_is_capped_in_size(client: TestClient, auth: dict[str, str]) -> None:
    typed = dict.fromkeys(DraftPassenger.model_fields, "A" * 200)
    big = {**DRAFT, "passengers": [typed] * 9, "seats": [DRAFT["seats"][0]] * 60}
    response = create_draft(client, auth, big)
    assert response.status_code == 400
    assert field_of(response) == "data"
    assert response.json()["errors"][0]["code"] == "draft_too_large"


def test_a_passport_number_in_a_draft_is_sealed_at_rest(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    body = {**DRAFT, "passengers": [{"passport_number": "X1234567"}]}
    draft = create_draft(client, auth, body).json()["data"]
    from sqlalchemy import select

    from farebridge.store.tables import booking_drafts

    with engine.connect() as connection:
        stored = connection.execute(
            select(booking_drafts.c.content).where(booking_drafts.c.id == draft["id"])
        ).scalar_one()
    assert "X1234567" not in stored
    assert draft["passengers"][0]["passport_number"] == "X1234567"

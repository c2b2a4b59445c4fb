"""The token cache on the wire (issue 14, ADR 0034): a log-out or a role change in this
process takes effect on the next request; a token revoked by another process (here:
straight in the database) is refused once the cached entry runs out; one request reads
the token once even when the rate limit and the route both ask who the caller is."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from farebridge.services import accounts, token_cache
from farebridge.services.ports import Dependencies
from farebridge.store.tables import access_tokens
from tests.e2e.conftest import register, travel_date


def test_log_out_is_seen_by_the_next_request(client: TestClient) -> None:
    auth = register(client)
    assert client.get("/api/orders", headers=auth).status_code == 200  # cached now
    assert client.post("/api/auth/logout", headers=auth).status_code in (200, 204)
    answer = client.get("/api/orders", headers=auth)
    assert answer.status_code == 401, answer.text


def test_a_revocation_elsewhere_is_seen_when_the_entry_runs_out(
    client: TestClient, services: Dependencies, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [5000.0]
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: now[0])
    auth = register(client)
    assert client.get("/api/orders", headers=auth).status_code == 200
    with engine.begin() as db:  # another API process logs the token out
        db.execute(update(access_tokens).values(revoked_at=services.clock.now()))
    assert client.get("/api/orders", headers=auth).status_code == 200  # still cached
    now[0] += services.tokens.ttl_seconds
    answer = client.get("/api/orders", headers=auth)
    assert answer.status_code == 401, answer.text


def test_one_token_look_up_per_request(
    client: TestClient, services: Dependencies, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = register(client)
    monkeypatch.setattr(services.tokens, "ttl_seconds", 0.0)  # no cache: count the reads
    calls: list[str] = []
    original = accounts.authenticate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append("authenticate")
        return original(*args, **kwargs)

    monkeypatch.setattr(accounts, "authenticate", counting)
    # the booking rate limit and the route both want the caller
    body = {"type": "hold", "selected_offers": ["off_unknown"], "passengers": []}
    client.post("/api/orders", json=body, headers=auth)
    assert calls == ["authenticate"]


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("Bearer {token}", 200),
        ("bearer {token}", 200),  # the scheme's case does not matter
        ("Bearer  {token}", 200),  # nor the spaces before the token
        ("Basic {token}", 401),
        ("{token}", 401),
        ("Bearer", 401),
        ("Bearer ", 401),
        ("", 401),
    ],
)
def test_the_authorization_header_is_read_as_a_bearer_token(
    client: TestClient, header: str, status: int
) -> None:
    token = register(client)["Authorization"].removeprefix("Bearer ")
    answer = client.get("/api/orders", headers={"Authorization": header.format(token=token)})
    assert answer.status_code == status, answer.text
    if status == 401:
        assert answer.json()["errors"][0]["code"] == "not_authenticated"
    # an optional caller (a search may be anonymous): never a 401
    body = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": travel_date(30)}],
        "passengers": [{"type": "adult"}],
    }
    search = client.post(
        "/api/offer-requests",
        json={"data": body},
        headers={"Authorization": header.format(token=token)},
    )
    assert search.status_code == 201, search.text

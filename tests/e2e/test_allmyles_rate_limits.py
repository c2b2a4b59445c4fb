"""The Allmyles dialect's rate limits count per caller, the caller named by its
X-Auth-Token (travel sites call from one server address, so an address is no caller)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from farebridge.settings import Settings
from tests.e2e.conftest import register
from tests.e2e.test_allmyles_dialect import search_body


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"search_rate_limit_per_minute": 2})


def _key(client: TestClient, email: str) -> dict[str, str]:
    created = client.post("/api/api-keys", json={"name": "site"}, headers=register(client, email))
    assert created.status_code == 201, created.text
    return {"X-Auth-Token": created.json()["data"]["secret"], "Cookie": f"session-of-{email}"}


def test_search_limits_count_per_key_not_per_address(client: TestClient) -> None:
    first, second = _key(client, "one@test.com"), _key(client, "two@test.com")
    body = search_body()
    statuses = [client.post("/allmyles/flights", json=body, headers=first).status_code]
    statuses += [client.post("/allmyles/flights", json=body, headers=first).status_code]
    assert 413 not in statuses, statuses
    refused = client.post("/allmyles/flights", json=body, headers=first)
    assert refused.status_code == 413, refused.text
    other = client.post("/allmyles/flights", json=body, headers=second)
    assert other.status_code in (200, 202), "another key from the same address is not limited"

"""The official Duffel clients against a real farebridge serving ``/duffel``.

One server (uvicorn + a worker, SQLite) for the whole folder; each test makes its
own account and API key, so tests do not see each other's orders.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from farebridge.settings import Settings
from tests.live_server import serve

PASSWORD = "correct-horse"


@pytest.fixture(scope="session")
def farebridge_url(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``http://127.0.0.1:<port>``: the root of a running farebridge."""
    path = tmp_path_factory.mktemp("duffel") / "farebridge.db"
    shutil.copy(sqlite_template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        payment_rate_limit_per_minute=0,
        max_unpaid_holds_per_user=0,
        search_wait_seconds=30,
    )
    with serve(settings, name="duffel-test-api") as base_url:
        yield base_url


@pytest.fixture(scope="session")
def duffel_url(farebridge_url: str) -> str:
    """The base URL to give a Duffel client: ``http://127.0.0.1:<port>/duffel``."""
    return f"{farebridge_url}/duffel"


def new_api_key(farebridge_url: str) -> str:
    """A fresh account's API key (``fbk_…``), made through ``/api``."""
    email = f"duffel-{uuid.uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=f"{farebridge_url}/api", timeout=30) as http:
        assert http.post("/auth/register", json={"email": email, "password": PASSWORD}).is_success
        login = http.post("/auth/login", json={"email": email, "password": PASSWORD})
        token = login.json()["data"]["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        created = http.post("/api-keys", json={"name": "duffel client"}, headers=auth)
        assert created.status_code == 201, created.text
        secret: str = created.json()["data"]["secret"]
        return secret


@pytest.fixture
def api_key(farebridge_url: str) -> str:
    return new_api_key(farebridge_url)

"""The UI against a real API: uvicorn and a job worker in background threads,
on a migrated SQLite file, shared by the tests of this folder."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from farebridge.settings import Settings
from farebridge.ui.client import ApiClient, LoggedIn
from farebridge.ui.launch import APP
from tests.live_server import free_port as free_port
from tests.live_server import serve

PASSWORD = "correct-horse"


@pytest.fixture(scope="session")
def ui_database_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated SQLite file behind the UI tests' API (to give accounts roles)."""
    path = tmp_path_factory.mktemp("ui") / "farebridge.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def api_url(ui_database_url: str) -> Iterator[str]:
    """``http://127.0.0.1:<port>/api``: the real app and a worker, until the session ends."""
    settings = Settings(
        database_url=ui_database_url,
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        payment_rate_limit_per_minute=0,
        max_unpaid_holds_per_user=0,
        login_rate_limit_per_minute=0,
        lookup_rate_limit_per_minute=0,
        search_wait_seconds=30,
    )
    with serve(settings, name="ui-test-api") as base_url:
        yield f"{base_url}/api"


@pytest.fixture
def ui_env(api_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FAREBRIDGE_UI_API_URL", api_url)
    return api_url


def new_account(api_url: str) -> LoggedIn:
    email = f"traveller-{uuid.uuid4().hex[:10]}@example.com"
    client = ApiClient(api_url)
    client.register(email, PASSWORD, "Amelia Earhart")
    return client.login(email, PASSWORD)


@pytest.fixture
def app(ui_env: str) -> AppTest:
    """A fresh browser session of the site, not signed in."""
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.run()
    assert not test.exception, test.exception
    return test


@pytest.fixture
def signed_in_app(ui_env: str) -> AppTest:
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.session_state["login"] = new_account(ui_env)
    test.run()
    assert not test.exception, test.exception
    return test


def api_is_up(url: str) -> bool:
    try:
        return httpx.get(url.removesuffix("/api") + "/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False

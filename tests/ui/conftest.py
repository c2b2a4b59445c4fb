"""The UI against a real API: uvicorn and a job worker in background threads,
on a migrated SQLite file, shared by the tests of this folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from farebridge.settings import Settings
from farebridge.ui.client import ApiClient, LoggedIn
from farebridge.ui.launch import APP, streamlit_command
from tests.live_server import free_port as free_port
from tests.live_server import serve, stop, wait_until_healthy

PASSWORD = "correct-horse"


@pytest.fixture(scope="session")
def site_url() -> str:
    """Where the browser tests' web site will listen: the API sends browsers back only
    there after signing in or out (FAREBRIDGE_SITE_URL), so it is chosen first."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def ui_database_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated SQLite file behind the UI tests' API (to give accounts roles)."""
    path = tmp_path_factory.mktemp("ui") / "farebridge.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def api_url(ui_database_url: str, site_url: str) -> Iterator[str]:
    """``http://127.0.0.1:<port>/api``: the real app and a worker, until the session ends."""
    settings = Settings(
        database_url=ui_database_url,
        site_url=site_url,
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        payment_rate_limit_per_minute=0,
        max_unpaid_holds_per_user=0,
        login_rate_limit_per_minute=0,
        register_rate_limit_per_minute=0,  # the UI tests make many accounts in a minute
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


@pytest.fixture(scope="session")
def site(api_url: str, site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web UI, started with the same command as ``make run``, at ``site_url``; one
    process for the browser tests of the session."""
    port = int(site_url.rsplit(":", 1)[1])
    log = tmp_path_factory.mktemp("site") / "streamlit.log"
    environment = {**os.environ, "FAREBRIDGE_UI_API_URL": api_url}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            streamlit_command(port=port), env=environment, stdout=output, stderr=output
        )
    try:
        wait_until_healthy(f"{site_url}/_stcore/health", [process], log, seconds=60)
        yield site_url
    finally:
        stop([process], seconds=15)


def api_is_up(url: str) -> bool:
    try:
        return httpx.get(url.removesuffix("/api") + "/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False

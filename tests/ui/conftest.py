"""The UI against a real API: uvicorn and a job worker in background threads,
on a migrated SQLite file, shared by the tests of this folder."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from streamlit.testing.v1 import AppTest

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.ui.client import ApiClient, LoggedIn
from farebridge.ui.launch import APP

PASSWORD = "correct-horse"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def api_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:<port>/api``: the real app and a worker, until the session ends."""
    path = tmp_path_factory.mktemp("ui") / "farebridge.db"
    shutil.copy(sqlite_template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        search_wait_seconds=30,
    )
    engine = make_engine(settings.database_url)
    services = build(settings, engine=engine)
    port = free_port()
    config = uvicorn.Config(
        create_app(services, settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    server_thread = threading.Thread(target=server.run, name="ui-test-api", daemon=True)
    worker = Worker(services, poll_seconds=0.05)
    worker_thread = threading.Thread(target=worker.run_forever, name="ui-test-worker", daemon=True)
    server_thread.start()
    worker_thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the API did not start"
    yield f"http://127.0.0.1:{port}/api"
    worker.stop()
    server.should_exit = True
    server_thread.join(timeout=10)
    worker_thread.join(timeout=10)
    engine.dispose()


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

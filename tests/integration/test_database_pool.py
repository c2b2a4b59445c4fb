"""A database pool with no connection free in time is ServerBusy (429 with Retry-After,
ADR 0030), not SQLAlchemy's TimeoutError (a 500). PostgreSQL only: SQLite has no pool."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.domain.errors import ServerBusy
from farebridge.settings import Settings
from farebridge.store.database import make_engine


def _url(engine: Engine) -> str:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite opens a connection per use: no pool to run dry")
    return engine.url.render_as_string(hide_password=False)


def test_a_dry_pool_is_server_busy(engine: Engine) -> None:
    small = make_engine(_url(engine), pool_size=1, pool_timeout_seconds=0.05)
    try:
        held = [small.connect(), small.connect()]  # the pool and its overflow
        with pytest.raises(ServerBusy) as refused:
            small.connect()
        assert refused.value.retry_after_seconds >= 1
        for connection in held:
            connection.close()
        with small.connect() as connection:  # free again
            assert connection.exec_driver_sql("select 1").scalar() == 1
    finally:
        small.dispose()


def test_a_dry_pool_answers_429_with_retry_after(engine: Engine) -> None:
    settings = Settings(database_url="sqlite://")
    small = make_engine(_url(engine), pool_size=1, pool_timeout_seconds=0.05)
    held = [small.connect(), small.connect()]
    try:
        app = create_app(build(settings, engine=small), settings)
        with TestClient(app, raise_server_exceptions=False) as client:
            body = {"email": "pool@test.com", "password": "correct-horse"}
            answer = client.post("/api/auth/register", json=body)
        assert answer.status_code == 429, answer.text
        assert answer.json()["errors"][0]["code"] == "server_busy"
        assert int(answer.headers["Retry-After"]) >= 1
    finally:
        for connection in held:
            connection.close()
        small.dispose()

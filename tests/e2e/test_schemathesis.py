"""schemathesis against the real ``/api`` on a TCP port, on SQLite and PostgreSQL:
every check, stateful links included, bounded (a fixed seed, few examples).

No 5xx, every response conforms to the document (status, content type, headers,
schema), invalid input is refused and input the document allows is accepted, a 405
names the allowed methods, missing auth is 401, nothing is reachable after it is
deleted, and another account's objects are not. ``schemathesis.toml`` beside this
file says which statuses count as accepting a valid request, and why cursors are
sent empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import Engine

from farebridge.settings import Settings
from tests.live_server import serve

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 5


def _api_key(base: str) -> str:
    account = {"email": "schemathesis@test.com", "password": "correct-horse"}
    with httpx2.Client(base_url=base) as http:
        assert http.post("/api/auth/register", json=account).status_code == 201
        token = http.post("/api/auth/login", json=account).json()["data"]["access_token"]
        created = http.post(
            "/api/api-keys",
            json={"name": "schemathesis"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        secret: str = created.json()["data"]["secret"]
        return secret


@pytest.mark.slow
def test_the_api_passes_schemathesis(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        search_rate_limit_per_minute=100_000,
        booking_rate_limit_per_minute=100_000,
        lookup_rate_limit_per_minute=100_000,
        register_rate_limit_per_minute=100_000,
        mail_dir=tmp_path / "mail",
    )
    with serve(settings, name="schemathesis-api") as base:
        key = _api_key(base)
        command = [
            str(Path(sys.executable).parent / "st"),
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/api/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {key}",
            "--exclude-path",
            "/auth/logout",  # it would log the run out
            "--max-examples",
            str(MAX_EXAMPLES),
            "--workers",
            "1",
            "--seed",
            "1",
            "--continue-on-failure",
        ]
        # The hooks module (named in the config) is imported from the repository's root.
        env = {**os.environ, "PYTHONPATH": str(CONFIG.parents[2])}
        run = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=600, check=False, env=env
        )
    report = run.stdout[-6000:]
    (tmp_path / "schemathesis.txt").write_text(run.stdout)
    assert run.returncode == 0, report

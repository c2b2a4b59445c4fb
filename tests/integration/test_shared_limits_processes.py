"""Two API processes (uvicorn subprocesses on loopback ports) draw on one budget: with
one Redis, and on an SQLite database without Redis (its ``-limits`` file, ADR 0050).

The Redis case is skipped when no Redis answers at 127.0.0.1:6379 (it runs here and in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from limits.storage import RedisStorage

from tests.live_server import free_port, stop, wait_until_healthy

REDIS_URL = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parents[2]


def _redis(prefix: str) -> RedisStorage:
    try:
        storage = RedisStorage(REDIS_URL, key_prefix=prefix)
        if storage.check():
            return storage
    except Exception as error:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379: {error}")
    pytest.skip("Redis is not reachable at 127.0.0.1:6379")


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "farebridge.api.main:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, cwd=ROOT, env=env, stdout=output, stderr=output
        )


@pytest.fixture(params=["redis", "sqlite_file"])
def two_apis(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[tuple[str, str]]:
    prefix = f"fbtest-{uuid.uuid4().hex}"
    redis = _redis(prefix) if request.param == "redis" else None
    database = tmp_path / "shared.db"
    shutil.copy(sqlite_template, database)
    env = {key: value for key, value in os.environ.items() if key != "FAREBRIDGE_REDIS_URL"}
    if redis is not None:
        env |= {"FAREBRIDGE_REDIS_URL": REDIS_URL, "FAREBRIDGE_REDIS_KEY_PREFIX": prefix}
    env |= {
        "FAREBRIDGE_DATABASE_URL": f"sqlite:///{database}",
        "FAREBRIDGE_LOGIN_RATE_LIMIT_PER_MINUTE": "4",
        "FAREBRIDGE_LOGIN_FREE_FAILURES": "3",
        "FAREBRIDGE_LOGIN_FREE_FAILURES_PER_IP": "100",
        "FAREBRIDGE_LOGIN_BACKOFF_SECONDS": "60",
    }
    ports = free_port(), free_port()
    logs = [tmp_path / f"api{n}.log" for n in (1, 2)]
    processes = [_start(port, env, log) for port, log in zip(ports, logs, strict=True)]
    urls = tuple(f"http://127.0.0.1:{port}" for port in ports)
    try:
        for url, process, log in zip(urls, processes, logs, strict=True):
            wait_until_healthy(f"{url}/health", [process], log)
        yield urls[0], urls[1]
    finally:
        stop(processes)
        if redis is not None:
            redis.reset()
    if redis is None:
        assert database.with_name("shared.db-limits").exists(), "the counts were not in the file"


def _login(url: str, email: str, password: str = "wrong-horse") -> httpx.Response:
    body = {"email": email, "password": password}
    return httpx.post(f"{url}/api/auth/login", json=body, timeout=30)


def test_two_processes_draw_on_one_login_budget(two_apis: tuple[str, str]) -> None:
    first, second = two_apis
    answers = [_login(url, f"nobody{n}@test.com") for n, url in enumerate([first, second] * 3)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429, 429], [
        a.text for a in answers
    ]
    remaining = [int(a.headers["RateLimit-Remaining"]) for a in answers[:4]]
    assert remaining == [3, 2, 1, 0], "each process counts the other's calls"
    assert int(answers[4].headers["Retry-After"]) >= 1


def test_login_back_off_holds_across_processes(two_apis: tuple[str, str]) -> None:
    first, second = two_apis
    registered = httpx.post(
        f"{first}/api/auth/register",
        json={"email": "victim@test.com", "password": "correct-horse"},
        timeout=30,
    )
    assert registered.status_code == 201, registered.text
    wrong = [_login(url, "victim@test.com").status_code for url in (first, second, first)]
    assert wrong == [401, 401, 401]
    refused = _login(second, "victim@test.com", "correct-horse")
    assert refused.status_code == 429, refused.text
    assert refused.json()["errors"][0]["code"] == "login_backoff"

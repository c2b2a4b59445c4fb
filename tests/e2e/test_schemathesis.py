"""schemathesis against every dialect of the real app on a TCP port: each dialect's own
OpenAPI document with its own authentication, every check, stateful links included,
bounded (a fixed seed, few examples). /api runs on SQLite and PostgreSQL; the wire
dialects on PostgreSQL when it is configured (CI), on SQLite otherwise.

No 5xx, every response conforms to the document (status, content type, headers,
schema), invalid input is refused and input the document allows is accepted, a 405
names the allowed methods, missing auth is refused as the document says, nothing is
reachable after it is deleted, and another account's objects are not. The
``schemathesis*.toml`` files beside this one say which statuses count as accepting a
valid request for each dialect, and why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import Engine

from farebridge.settings import Settings
from tests.live_server import serve

HERE = Path(__file__).parent
MAX_EXAMPLES = 5
PASSWORD = "correct-horse"
# Allmyles' session is whatever cookie string the customer's browser holds.
ALLMYLES_COOKIE = "sessionid=0123456789abcdef"


@dataclass(frozen=True)
class Dialect:
    prefix: str
    config: str  # a file beside this one
    headers: tuple[str, ...]
    excluded: tuple[str, ...] = ()  # paths the run must not call (they end its session)
    env: dict[str, str] = field(default_factory=dict)  # for the dialect's hooks


def _api_key(base: str) -> str:
    account = {"email": "schemathesis@test.com", "password": PASSWORD}
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


def _flight_id(base: str, key: str) -> str:
    """A flight of the timetable, as /api shows it on a segment."""
    departure = (date.today() + timedelta(days=30)).isoformat()
    search = {
        "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": departure}],
        "passengers": [{"type": "adult"}],
        "max_connections": 0,
    }
    with httpx2.Client(base_url=base, timeout=60) as http:
        found = http.post(
            "/api/offer-requests?return_offers=true",
            json={"data": search},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert found.status_code == 201, found.text
        flight: str = found.json()["data"]["offers"][0]["slices"][0]["segments"][0]["flight_id"]
        return flight


def _flight_api_session(base: str) -> tuple[str, str]:
    """flight_api's own account, logged in: its session cookie and CSRF token."""
    account = {
        "username": "schemathesis",
        "email": "schemathesis-flight-api@test.com",
        "first_name": "Schema",
        "last_name": "Thesis",
        "mobile_no": "+91-243589072",
        "password": PASSWORD,
        "confirmation": PASSWORD,
    }
    with httpx2.Client(base_url=f"{base}/v1/flight_api") as http:
        registered = http.post("/register", json=account)
        assert registered.status_code == 201, registered.text
        login = http.post("/login", json={"username": "schemathesis", "password": PASSWORD})
        assert login.status_code == 200, login.text
        return login.cookies["sessionid"], login.json()["csrfToken"]


def _flight_api_trip(base: str, session: str) -> str:
    """A JFK-LAX round trip of the timetable a month ahead, as the flight_api hooks
    take it: "out id,dd-mm-yyyy,back id,dd-mm-yyyy"."""
    out_on = date.today() + timedelta(days=30)
    back_on = out_on + timedelta(days=7)
    days = (out_on.strftime("%d-%m-%Y"), back_on.strftime("%d-%m-%Y"))
    query = {"origin": "JFK", "destination": "LAX", "round_trip": "true"}
    query |= {"booking_date": days[0], "return_date": days[1]}
    with httpx2.Client(
        base_url=f"{base}/v1/flight_api", cookies={"sessionid": session}, timeout=60
    ) as http:
        found = http.get("/flights", params=query)
        assert found.status_code == 200, found.text
        lists = found.json()
    out, back = lists["departing_flights"][0]["id"], lists["returning_flights"][0]["id"]
    return f"{out},{days[0]},{back},{days[1]}"


def _dialect(base: str, prefix: str) -> Dialect:
    """The run of the dialect at ``prefix``, with its own authentication."""
    if prefix == "/v1/flight_api":
        session, csrf = _flight_api_session(base)
        return Dialect(
            "/v1/flight_api",
            "schemathesis_flight_api.toml",
            (),
            ("/logout",),
            env={
                "FAREBRIDGE_SCHEMATHESIS_SESSION": session,
                "FAREBRIDGE_SCHEMATHESIS_CSRF": csrf,
                "FAREBRIDGE_SCHEMATHESIS_TRIP": _flight_api_trip(base, session),
            },
        )
    key = _api_key(base)
    bearer = f"Authorization: Bearer {key}"
    if prefix == "/duffel":
        return Dialect("/duffel", "schemathesis_duffel.toml", (bearer, "Duffel-Version: v2"))
    if prefix == "/allmyles":
        return Dialect(
            "/allmyles",
            "schemathesis_allmyles.toml",
            (f"X-Auth-Token: {key}", f"Cookie: {ALLMYLES_COOKIE}"),
        )
    if prefix == "/v1/flight":
        return Dialect(
            "/v1/flight",
            "schemathesis_booking_records.toml",
            (bearer,),
            env={"FAREBRIDGE_SCHEMATHESIS_FLIGHT_ID": _flight_id(base, key)},
        )
    return Dialect("/api", "schemathesis.toml", (bearer,), ("/auth/logout",))


def _run(base: str, dialect: Dialect) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(HERE / dialect.config),
        "run",
        f"{base}{dialect.prefix}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--seed",
        "1",
        # A slow answer on a loaded CI machine (two test workers, the in-process job
        # worker rendering PDFs) is not a failure of the contract: 10 s, the default of
        # both the client's timeout and `--checks all`'s max_response_time check, was
        # met by a 404 that took 13 s and a 412 that took 10.3 s while a neighbour test
        # held both cores. Speed is measured by `make bench`, not asserted here.
        "--request-timeout",
        "60",
        "--max-response-time",
        "60",
        "--continue-on-failure",
    ]
    for header in dialect.headers:
        command += ["--header", header]
    for path in dialect.excluded:
        command += ["--exclude-path", path]
    # The hooks modules (named in the configs) are imported from the repository's root.
    env = {**os.environ, "PYTHONPATH": str(HERE.parents[1]), **dialect.env}
    return subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=600, check=False, env=env
    )


# Every dialect with every check (stateful links included); see the test for which
# database each runs on. The wire dialects' exceptions are in their own
# schemathesis_*.toml, each with its reason.
POSTGRES_TOO = bool(os.environ.get("FAREBRIDGE_TEST_DATABASE_URL"))
DIALECT_PREFIXES = ("/api", "/duffel", "/allmyles", "/v1/flight", "/v1/flight_api")


@pytest.mark.slow
@pytest.mark.parametrize("prefix", DIALECT_PREFIXES)
def test_the_dialect_passes_schemathesis(prefix: str, engine: Engine, tmp_path: Path) -> None:
    if prefix != "/api" and engine.dialect.name == "sqlite" and POSTGRES_TOO:
        # The wire dialects call the same services and store as /api, which runs on
        # both: with PostgreSQL configured (CI) they run there only, to keep the suite
        # short (each run takes 20-50 s); without it, here.
        pytest.skip("the wire dialects run on PostgreSQL when it is configured")
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        search_rate_limit_per_minute=100_000,
        booking_rate_limit_per_minute=100_000,
        lookup_rate_limit_per_minute=100_000,
        register_rate_limit_per_minute=100_000,
        payment_rate_limit_per_minute=100_000,
        mail_dir=tmp_path / "mail",
    )
    with serve(settings, name="schemathesis-api") as base:
        dialect = _dialect(base, prefix)
        started = time.monotonic()
        run = _run(base, dialect)
        seconds = time.monotonic() - started
    (tmp_path / "schemathesis.txt").write_text(run.stdout + run.stderr)
    print(f"schemathesis {dialect.prefix}: exit {run.returncode} in {seconds:.1f} s")
    assert run.returncode == 0, f"{run.stdout[-6000:]}{run.stderr[-2000:]}"

"""``python -m benchmarks.duffel_hop [ROUNDS]``: what booking through Duffel's API costs.

Two farebridges on this machine, each with its own SQLite file and worker: the
*upstream* sells its sandbox and serves Duffel's dialect at ``/duffel``; the
*downstream* enables only the ``duffel`` provider pointed at it. The same client
flow — search (``return_offers=true``, one nonstop route), re-check one offer,
instant order — runs ROUNDS times (default 15) against the upstream's own ``/api``
(direct) and against the downstream's ``/api`` (through the Duffel hop); the
figures are medians and 90th percentiles per step, and the hop's cost is their
difference. Both processes share the machine's cores with the client.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from tests.duffel_clients.conftest import new_api_key
from tests.live_server import serve

from farebridge.observability import configure_logging
from farebridge.settings import Settings
from farebridge.store.migrate import upgrade

ROUTES = [("LHR", "CDG"), ("MAD", "BCN"), ("FRA", "MUC"), ("JFK", "BOS"), ("SYD", "MEL")]
PASSWORD = "correct-horse"


def _settings(path: Path, **extra: Any) -> Settings:
    upgrade(f"sqlite:///{path}")
    return Settings(
        database_url=f"sqlite:///{path}",
        search_rate_limit_per_minute=0,
        booking_rate_limit_per_minute=0,
        search_wait_seconds=60,
        **extra,
    )


def _login(http: httpx.Client) -> dict[str, str]:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    http.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    token = http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['data']['access_token']}"}


def _timed(samples: dict[str, list[float]], step: str, call: Callable[[], httpx.Response]) -> Any:
    started = time.perf_counter()
    response = call()
    samples.setdefault(step, []).append((time.perf_counter() - started) * 1000)
    if response.status_code >= 300:
        raise RuntimeError(f"{step}: {response.status_code} {response.text[:300]}")
    return response.json()["data"]


def _flow(
    http: httpx.Client, auth: dict[str, str], round_: int, samples: dict[str, list[float]]
) -> None:
    origin, destination = ROUTES[round_ % len(ROUTES)]
    day = (datetime.now(UTC).date() + timedelta(days=20 + round_)).isoformat()
    body = {
        "slices": [{"origin": origin, "destination": destination, "departure_date": day}],
        "passengers": [{"type": "adult"}],
        "max_connections": 0,
    }
    request = _timed(
        samples,
        "search",
        lambda: http.post("/api/offer-requests?return_offers=true", json=body, headers=auth),
    )
    offer = request["offers"][0]
    offer = _timed(
        samples, "re-check", lambda: http.get(f"/api/offers/{offer['id']}", headers=auth)
    )
    passengers = [
        {
            "id": p["id"],
            "title": "ms",
            "given_name": "Amelia",
            "family_name": "Earhart",
            "born_on": "1987-07-24",
            "gender": "f",
            "email": "amelia@example.com",
            "phone_number": "+442080160508",
            "identity_documents": [
                {
                    "type": "passport",
                    "unique_identifier": "X1234567",
                    "issuing_country_code": "GB",
                    "expires_on": "2040-01-01",
                }
            ],
        }
        for p in offer["passengers"]
    ]
    order = {
        "type": "instant",
        "selected_offers": [offer["id"]],
        "passengers": passengers,
        "payments": [
            {
                "type": "balance",
                "amount": offer["total_amount"],
                "currency": offer["total_currency"],
            }
        ],
    }
    _timed(samples, "instant order", lambda: http.post("/api/orders", json=order, headers=auth))


def _run(base_url: str, rounds: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    with httpx.Client(base_url=base_url, timeout=120) as http:
        auth = _login(http)
        _flow(http, auth, 0, {})  # warm-up: first connections, caches
        for round_ in range(rounds):
            _flow(http, auth, round_ + 1, samples)
    return samples


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory() as folder:
        up_settings = _settings(Path(folder) / "upstream.db")
        with serve(up_settings, name="upstream") as upstream:
            down_settings = _settings(
                Path(folder) / "downstream.db",
                providers="duffel",
                duffel_api_url=f"{upstream}/duffel",
                duffel_access_token=new_api_key(upstream),
            )
            with serve(down_settings, name="downstream") as downstream:
                direct = _run(upstream, rounds)
                hop = _run(downstream, rounds)
    print(f"Booking through the Duffel hop ({rounds} rounds; ms, median / p90)")
    print(f"{'step':<15}{'direct':>18}{'through /duffel':>20}{'hop adds (median)':>20}")
    for step in ("search", "re-check", "instant order"):
        a, b = direct[step], hop[step]
        print(
            f"{step:<15}{statistics.median(a):>9.0f} / {_p(a, 0.9):<7.0f}"
            f"{statistics.median(b):>11.0f} / {_p(b, 0.9):<7.0f}"
            f"{statistics.median(b) - statistics.median(a):>12.0f}"
        )


if __name__ == "__main__":
    main()

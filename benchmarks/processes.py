"""API throughput by process count: ``python -m benchmarks.processes DATABASE_URL``.

Starts ``farebridge api --workers N`` for each N given (default 1 2) on the database
(migrated first), then for a fixed time drives it from client threads on loopback:
``GET /health``, ``GET /api/orders`` (an authenticated read) and searches
(``POST /api/offer-requests?return_offers=true``; none with ``BENCH_MIX=reads``).
Prints requests per second and the
median and p95 latency of each. Rate limits are off for the run. Nothing asserts a
time: the numbers go into docs/production.md.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx

from benchmarks import servers
from farebridge.store.migrate import upgrade

DURATION = float(os.environ.get("BENCH_SECONDS", "15"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
PORT = 8765
# "mixed": health, read, read, search per four requests; "reads": health and reads only
MIX = os.environ.get("BENCH_MIX", "mixed")
# "uvicorn" (farebridge api --workers N), "gunicorn" or "granian" (ADR 0029's comparison)
SERVER = os.environ.get("BENCH_SERVER", "uvicorn")


def _start(url: str, workers: int) -> subprocess.Popen[bytes]:
    env = servers.without_limits(url)
    if SERVER != "uvicorn":  # farebridge api makes the metrics directory itself
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="farebridge-bench-metrics-")
    process = subprocess.Popen(_server_command(workers), env=env)  # noqa: S603
    servers.wait_for_health(f"http://127.0.0.1:{PORT}", [process])
    return process


def _server_command(workers: int) -> list[str]:
    """``farebridge api`` (uvicorn's own process manager), or, to compare, gunicorn with
    uvicorn workers or granian (BENCH_SERVER; installed by hand, not dependencies)."""
    app, port = "farebridge.api.main:app", str(PORT)
    if SERVER == "gunicorn":
        worker = ["-k", "uvicorn_worker.UvicornWorker", "-w", str(workers)]
        return [sys.executable, "-m", "gunicorn", app, *worker, "-b", f"127.0.0.1:{port}"]
    if SERVER == "granian":
        options = ["--interface", "asgi", "--workers", str(workers), "--port", port]
        return [sys.executable, "-m", "granian", *options, "--log-level", "warning", app]
    command = [sys.executable, "-m", "farebridge.cli", "api", "--port", port]
    return [*command, "--workers", str(workers)]


def _token(client: httpx.Client) -> str:
    email = f"bench-{time.time_ns()}@test.com"
    body = {"email": email, "password": "correct-horse-battery"}
    client.post("/api/auth/register", json=body).raise_for_status()
    login = client.post("/api/auth/login", json=body)
    login.raise_for_status()
    return str(login.json()["data"]["access_token"])


def _drive(token: str) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"health": [], "read": [], "search": []}
    errors: list[str] = []
    stop = time.monotonic() + DURATION
    lock = threading.Lock()
    day = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    search = {
        "data": {
            "slices": [{"origin": "JFK", "destination": "LHR", "departure_date": day}],
            "passengers": [{"type": "adult"}],
            "max_connections": 0,
        }
    }

    def client_loop(n: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=60) as client:
            i = n
            while time.monotonic() < stop:
                kinds = ("health", "read", "read", "search" if MIX == "mixed" else "read")
                kind = kinds[i % 4]
                i += 1
                started = time.perf_counter()
                if kind == "health":
                    response = client.get("/health")
                elif kind == "read":
                    response = client.get("/api/orders?limit=20", headers=headers)
                else:
                    response = client.post(
                        "/api/offer-requests?return_offers=true", json=search, headers=headers
                    )
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code >= 400:
                        errors.append(f"{kind} {response.status_code}")
                    else:
                        timings[kind].append(elapsed)

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"  errors: {len(errors)} (first: {errors[0]})")
    return timings


def main(url: str, counts: list[int]) -> None:
    upgrade(url)
    print(
        f"{CLIENTS} client threads, {DURATION:.0f} s per run, {os.cpu_count()} CPUs, {MIX}, "
        f"{SERVER}"
    )
    for workers in counts:
        process = _start(url, workers)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=60) as client:
                token = _token(client)
            timings = _drive(token)
        finally:
            servers.stop([process])
        total = sum(len(values) for values in timings.values())
        print(f"--workers {workers}: {total / DURATION:.0f} requests/s in all")
        for kind, values in timings.items():
            if not values:
                continue
            p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
            print(
                f"  {kind:7} {len(values) / DURATION:6.1f}/s  "
                f"median {statistics.median(values) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main(sys.argv[1], [int(n) for n in sys.argv[2:]] or [1, 2])

"""``python -m benchmarks.login_storm [LOGINS] [CONCURRENCY]``: /health and a read under a
log-in storm.

Starts ``farebridge api`` (uvicorn) as a subprocess on a fresh SQLite file, once per
configuration, fires LOGINS (default 300) log-ins from CONCURRENCY (default 100)
client threads (half with the right password, half wrong, over 20 accounts) and,
meanwhile, times ``GET /health`` and ``GET /api/currencies`` (a read on a request
thread) every 50 ms. Configurations:

- ``unbounded``: as before issue 13: as many argon2 hashes at once as requests
  (64 slots, queue 1000), no log-in limits;
- ``bounded``: the default hashing slots (half the CPUs, queue 8), no log-in limits;
- ``defaults``: the default slots and the default log-in limits and back-off.

Prints latency median / p95 / max and the log-in statuses; nothing is asserted
(times on a shared machine are noisy).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from benchmarks import servers
from farebridge.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = 20
PASSWORD = "correct-horse"

CONFIGURATIONS: dict[str, dict[str, str]] = {
    "unbounded": {
        "FAREBRIDGE_PASSWORD_HASH_WORKERS": "64",
        "FAREBRIDGE_PASSWORD_HASH_QUEUE": "1000",
        "FAREBRIDGE_PASSWORD_HASH_WAIT_SECONDS": "600",
        "FAREBRIDGE_LOGIN_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_LOGIN_FREE_FAILURES": "0",
        "FAREBRIDGE_LOGIN_FREE_FAILURES_PER_IP": "0",
    },
    "bounded": {
        "FAREBRIDGE_LOGIN_RATE_LIMIT_PER_MINUTE": "0",
        "FAREBRIDGE_LOGIN_FREE_FAILURES": "0",
        "FAREBRIDGE_LOGIN_FREE_FAILURES_PER_IP": "0",
    },
    "defaults": {},
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    return (
        f"n={len(samples):>4} median={statistics.median(samples):8.1f} ms"
        f"  p95={percentile(samples, 0.95):8.1f} ms  max={max(samples):8.1f} ms"
    )


def start(database: Path, extra: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = servers.free_port()
    env = {
        **os.environ,
        "FAREBRIDGE_DATABASE_URL": f"sqlite:///{database}",
        "FAREBRIDGE_REGISTER_RATE_LIMIT_PER_MINUTE": "0",
        **extra,
    }
    env.pop("FAREBRIDGE_REDIS_URL", None)
    command = [sys.executable, "-m", "uvicorn", "farebridge.api.main:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    servers.wait_for_health(url, [process])
    return process, url


def probe(url: str, path: str, stop: threading.Event, samples: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        while not stop.is_set():
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            stop.wait(0.05)


def storm(url: str, logins: int, concurrency: int) -> tuple[Counter[int], float]:
    def log_in(index: int) -> int:
        password = PASSWORD if index % 2 == 0 else "wrong-horse"
        body = {"email": f"storm{index % ACCOUNTS}@test.com", "password": password}
        try:
            return httpx.post(f"{url}/api/auth/login", json=body, timeout=120).status_code
        except httpx.HTTPError:
            return 0

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        statuses = Counter(pool.map(log_in, range(logins)))
    return statuses, time.perf_counter() - started


def run(name: str, extra: dict[str, str], logins: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "storm.db"
        upgrade(f"sqlite:///{database}")
        process, url = start(database, extra)
        try:
            for n in range(ACCOUNTS):
                body = {"email": f"storm{n}@test.com", "password": PASSWORD}
                httpx.post(f"{url}/api/auth/register", json=body, timeout=30)
            quiet: list[float] = []
            stop = threading.Event()
            probe_thread = threading.Thread(target=probe, args=(url, "/health", stop, quiet))
            probe_thread.start()
            time.sleep(1)
            stop.set()
            probe_thread.join()
            health: list[float] = []
            reads: list[float] = []
            stop = threading.Event()
            probes = [
                threading.Thread(target=probe, args=(url, "/health", stop, health)),
                threading.Thread(target=probe, args=(url, "/api/currencies", stop, reads)),
            ]
            for thread in probes:
                thread.start()
            statuses, seconds = storm(url, logins, concurrency)
            stop.set()
            for thread in probes:
                thread.join()
        finally:
            servers.stop([process])
    print(f"[{name}] {logins} log-ins from {concurrency} threads in {seconds:.1f} s: ", end="")
    print(", ".join(f"{status}: {count}" for status, count in sorted(statuses.items())))
    print(f"  /health, idle          {summary(quiet)}")
    print(f"  /health, during storm  {summary(health)}")
    print(f"  /api/currencies, storm {summary(reads)}")


def main() -> None:
    logins = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    for name, extra in CONFIGURATIONS.items():
        run(name, extra, logins, concurrency)


if __name__ == "__main__":
    main()

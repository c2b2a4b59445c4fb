"""What the benchmarks share to run farebridge as processes of its own and book on it:
a free port, waiting for ``/health``, stopping, and an instant order's body."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence

import httpx

# The tests' helpers, so a benchmark books and stops exactly as the tests do.
from tests.e2e.conftest import instant_order_body as instant_order_body
from tests.live_server import free_port as free_port
from tests.live_server import stop as stop


def without_limits(url: str) -> dict[str, str]:
    """The environment of a farebridge process on ``url`` with every rate limit and the
    log-in back-off off (a benchmark's clients all come from 127.0.0.1), quiet logs."""
    off = ("SEARCH", "BOOKING", "LOOKUP", "REGISTER", "LOGIN")
    return {
        **os.environ,
        "FAREBRIDGE_DATABASE_URL": url,
        **{f"FAREBRIDGE_{name}_RATE_LIMIT_PER_MINUTE": "0" for name in off},
        "FAREBRIDGE_LOGIN_FREE_FAILURES_PER_IP": "0",
        "FAREBRIDGE_LOG_LEVEL": "WARNING",
    }


def wait_for_health(
    base: str, processes: Sequence[subprocess.Popen[bytes]], *, seconds: float = 180
) -> None:
    """Until ``base``/health answers 200 (a start-up on a busy shared box can take a
    minute); stops the processes and exits if one dies or it takes longer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            stop(processes)
            raise SystemExit("the API exited at start")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(processes)
    raise SystemExit("the API did not start")

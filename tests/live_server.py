"""A real farebridge on a TCP port: uvicorn and a job worker in background threads.

Used by the tests that drive the API from outside the process: the web UI and the
official Duffel clients (Python and JavaScript). Tests that start farebridge (or the
UI) as processes of their own wait for them and stop them with
:func:`wait_until_healthy` and :func:`stop`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.settings import Settings
from farebridge.store.database import make_engine

PORTS = "FAREBRIDGE_TEST_PORTS"  # "first-last": where live servers listen (shared machines)


def free_port() -> int:
    """A free TCP port: any, or the first free one of ``$FAREBRIDGE_TEST_PORTS``."""
    first, _, last = os.environ.get(PORTS, "0-0").partition("-")
    for candidate in range(int(first), int(last or first) + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port: int = probe.getsockname()[1]
            return port
    raise OSError(f"no free port in ${PORTS} ({os.environ[PORTS]})")


@contextmanager
def serve(settings: Settings, *, name: str = "test-api") -> Iterator[str]:
    """``http://127.0.0.1:<port>``: the app and a worker on ``settings``, until the block ends."""
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
    server_thread = threading.Thread(target=server.run, name=name, daemon=True)
    worker = Worker(services, poll_seconds=0.05)
    worker_thread = threading.Thread(target=worker.run_forever, name=f"{name}-worker", daemon=True)
    server_thread.start()
    worker_thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the API did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        worker.stop()
        server.should_exit = True
        server_thread.join(timeout=10)
        worker_thread.join(timeout=10)
        engine.dispose()


def wait_until_healthy(
    health_url: str,
    processes: Sequence[subprocess.Popen[bytes]],
    log: Path,
    *,
    seconds: float = 180,
) -> None:
    """Until ``health_url`` answers 200; fails with the log's end if a process exits or
    it takes longer than ``seconds`` (generous: a loaded two-core machine has been seen
    to take over a minute to start an API)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise AssertionError(f"a process exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(health_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{health_url} did not answer:\n{log.read_text()[-3000:]}")


def stop(processes: Sequence[subprocess.Popen[bytes]], *, seconds: float = 20) -> None:
    """SIGTERM to each, then SIGKILL to any still running after ``seconds``."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()

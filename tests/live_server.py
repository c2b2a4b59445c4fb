"""A real farebridge on a TCP port: uvicorn and a job worker in background threads.

Used by the tests that drive the API from outside the process: the web UI and the
official Duffel clients (Python and JavaScript).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

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

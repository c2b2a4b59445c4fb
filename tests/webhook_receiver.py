"""A real HTTP receiver of webhooks on a free port, for the tests: it verifies every
delivery with the Standard Webhooks library and records what it saw.

Each endpoint is a path (``/hooks/<name>``) with the secret of the webhook that posts
there and a plan: answer ``fail_status`` to the first ``fail_times`` deliveries (or to
all of them with ``always_fail``), then 200.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str  # the webhook-id header
    timestamp: str
    event: dict[str, Any]
    answered: int


@dataclass
class Endpoint:
    secret: str = ""
    fail_times: int = 0
    fail_status: int = 500
    always_fail: bool = False
    received: list[Received] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # signatures that did not verify

    def answer(self) -> int:
        failed_so_far = sum(1 for r in self.received if r.answered != 200)
        if self.always_fail or failed_so_far < self.fail_times:
            return self.fail_status
        return 200

    def delivered(self) -> list[Received]:
        return [r for r in self.received if r.answered == 200]

    def types(self) -> list[str]:
        return [r.event["type"] for r in self.delivered()]


class Receiver:
    def __init__(self, port: int) -> None:
        self.port = port
        self.endpoints: dict[str, Endpoint] = {}
        self.lock = threading.Lock()

    def url(self, name: str) -> str:
        self.endpoints.setdefault(name, Endpoint())
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    def endpoint(self, name: str) -> Endpoint:
        return self.endpoints[name]

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        name = path.removeprefix("/hooks/")
        with self.lock:
            endpoint = self.endpoints.get(name)
            if endpoint is None or not endpoint.secret:
                return 404
            try:
                event = Webhook(endpoint.secret).verify(body, headers)
            except WebhookVerificationError as exc:
                endpoint.rejected.append(str(exc))
                return 400
            status = endpoint.answer()
            endpoint.received.append(
                Received(headers["webhook-id"], headers["webhook-timestamp"], event, status)
            )
            return status


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver: Receiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            assert receiver is not None
            status = receiver.handle(self.path, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

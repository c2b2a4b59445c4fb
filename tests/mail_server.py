"""A real SMTP server for the tests (aiosmtpd, on a free local port) that keeps what it
receives, parsed back with the standard library, and can be told to refuse messages."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())


class _Handler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refusals: list[str] = []  # answers to give the next messages, e.g. "451 busy"
        self.logins: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd calls it so)
        with self._lock:
            if self.refusals:
                return self.refusals.pop(0)
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        self.logins.append((user, password))
        return AuthResult(success=password == "s3cret@pass", handled=False)


class SmtpCatcher:
    def __init__(self, handler: _Handler, port: int) -> None:
        self._handler = handler
        self.port = port

    @property
    def received(self) -> list[Received]:
        return list(self._handler.received)

    @property
    def logins(self) -> list[tuple[str, str]]:
        return list(self._handler.logins)

    def refuse_next(self, *answers: str) -> None:
        """Answer the next messages' DATA with these replies (``451 …``, ``550 …``)."""
        self._handler.refusals.extend(answers)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(*, with_auth: bool = False) -> Iterator[SmtpCatcher]:
    handler = _Handler()
    port = free_port()
    options: dict[str, Any] = {}
    if with_auth:
        options = {"authenticator": handler.authenticate, "auth_require_tls": False}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpCatcher(handler, port)
    finally:
        controller.stop()

"""Sending notifications: SMTP (standard library ``smtplib``) or a folder of ``.eml`` files.

``FAREBRIDGE_SMTP_URL`` has the form::

    smtp://[user[:password]@]host[:port][?starttls=true][&timeout=SECONDS]
    smtps://[user[:password]@]host[:port][?timeout=SECONDS]

``smtp`` is plain SMTP (port 25), upgraded with STARTTLS when ``starttls=true`` (port
587 then); ``smtps`` is TLS from the first byte (port 465). User and password are
percent-encoded (``p%40ss`` for ``p@ss``). Certificates are verified against the
system's trust store. The password is never logged nor shown in an error.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from farebridge.domain.errors import UpstreamUnavailable

DEFAULT_PORTS = {("smtp", False): 25, ("smtp", True): 587, ("smtps", False): 465}
TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: float = 10.0

    def __str__(self) -> str:  # what logs and errors may show: never the password
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}" + ("?starttls=true" * self.starttls)


def parse_smtp_url(url: str) -> SmtpConfig:
    """Read ``FAREBRIDGE_SMTP_URL``; ``ValueError`` (without the password) if malformed."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("FAREBRIDGE_SMTP_URL must start with smtp:// or smtps://")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError("FAREBRIDGE_SMTP_URL has an invalid port") from exc
    if not parts.hostname:
        raise ValueError("FAREBRIDGE_SMTP_URL names no host")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(options) - {"starttls", "timeout"})
    if unknown:
        raise ValueError(f"FAREBRIDGE_SMTP_URL: unknown option {', '.join(unknown)}")
    starttls_text = options.get("starttls", "false").lower()
    if starttls_text not in TRUE | FALSE:
        raise ValueError("FAREBRIDGE_SMTP_URL: starttls must be true or false")
    starttls = starttls_text in TRUE
    if starttls and parts.scheme == "smtps":
        raise ValueError("FAREBRIDGE_SMTP_URL: smtps:// is TLS already; starttls is for smtp://")
    try:
        timeout = float(options.get("timeout", "10"))
    except ValueError as exc:
        raise ValueError("FAREBRIDGE_SMTP_URL: timeout must be a number of seconds") from exc
    if timeout <= 0:
        raise ValueError("FAREBRIDGE_SMTP_URL: timeout must be positive")
    return SmtpConfig(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[(parts.scheme, starttls)],
        implicit_tls=parts.scheme == "smtps",
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout_seconds=timeout,
    )


def _permanent(exc: smtplib.SMTPException) -> bool:
    """A 5xx refusal of the sender, the recipient or the message: retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


class SmtpTransport:
    def __init__(self, config: SmtpConfig, *, sender: str) -> None:
        self._config = config
        self._sender = sender

    @property
    def sender(self) -> str:
        return self._sender

    def send(self, message: EmailMessage, *, email_id: str) -> None:
        config = self._config
        try:
            client: smtplib.SMTP
            if config.implicit_tls:
                client = smtplib.SMTP_SSL(
                    config.host,
                    config.port,
                    timeout=config.timeout_seconds,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
            with client:
                if config.starttls:
                    client.starttls(context=ssl.create_default_context())
                if config.username:
                    client.login(config.username, config.password or "")
                client.send_message(message)
        except smtplib.SMTPException as exc:
            code = "mail_rejected" if _permanent(exc) else "mail_unavailable"
            raise UpstreamUnavailable(
                f"The mail server {config} did not take email {email_id}: {exc!r}", code=code
            ) from exc
        except OSError as exc:  # refused, unreachable, timed out, TLS failed
            raise UpstreamUnavailable(
                f"The mail server {config} could not be reached: {exc!r}",
                code="mail_unavailable",
            ) from exc


class EmlFolderTransport:
    """Writes each message to ``<folder>/<email id>.eml`` (written whole, then renamed:
    a reader never sees half a file, and a resend replaces the file)."""

    def __init__(self, folder: Path, *, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    @property
    def sender(self) -> str:
        return self._sender

    @property
    def folder(self) -> Path:
        return self._folder

    def send(self, message: EmailMessage, *, email_id: str) -> None:
        target = self._folder / f"{email_id}.eml"
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._folder, suffix=".part")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(message.as_bytes())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise UpstreamUnavailable(
                f"Email {email_id} could not be written to {self._folder}: {exc!r}",
                code="mail_unavailable",
            ) from exc

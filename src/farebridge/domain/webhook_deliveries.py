"""Deliveries of the native (Standard Webhooks) scheme: the log of one event sent to
one webhook, its retry schedule, and its signature (ADR 0018).

A delivery is ``pending`` until the receiver answers 2xx (``delivered``) or its retry
window (a day by default) has passed without that (``failed``). Every attempt sends
the same body with the same ``webhook-id`` (the event id), so a receiver that saw
an earlier attempt deduplicates; only ``webhook-timestamp`` and the signature change.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from standardwebhooks import Webhook as StandardWebhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # an attempt is due at next_attempt_at
    DELIVERED = "delivered"
    FAILED = "failed"  # the retry window passed; redeliver to try again


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter: the wait before attempt ``n + 1`` is drawn
    uniformly from ``[0, min(cap, base * 2**n)]``; no attempt after ``window``."""

    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(hours=4)
    window: timedelta = timedelta(days=1)  # after the first attempt; then failed
    # A webhook whose deliveries all failed for this long is disabled.
    disable_after: timedelta = timedelta(days=1)

    def ceiling(self, attempts: int) -> timedelta:
        """The longest wait after ``attempts`` failed attempts."""
        exponent = min(max(attempts - 1, 0), 40)
        longest: timedelta = min(self.cap, self.base * (2**exponent))
        return longest

    def next_attempt(
        self,
        *,
        attempts: int,
        now: datetime,
        retry_until: datetime,
        draw: Callable[[float, float], float],
    ) -> datetime | None:
        """When to try again after ``attempts`` failures; None once the window is over.
        ``draw(low, high)`` is ``random.uniform`` (a fixed function in tests)."""
        if now >= retry_until:
            return None
        wait = draw(0.0, self.ceiling(attempts).total_seconds())
        return min(now + timedelta(seconds=wait), retry_until)


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    webhook_id: str
    event_id: str  # the webhook-id header: the same on every attempt and redelivery
    event_type: str
    payload: dict[str, Any]  # the body, built once when the event was handed out
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    retry_until: datetime
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """What one POST got: a status code, or an error that kept it from getting one."""

    status_code: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """Standard Webhooks: any 2xx is success; everything else (3xx, 4xx, 5xx, a
        timeout, a refused connection) is a failure to retry."""
        return self.status_code is not None and 200 <= self.status_code < 300

    def describe(self) -> str | None:
        if self.delivered:
            return None
        if self.error is not None:
            return self.error
        return f"The receiver answered {self.status_code}."


def is_secret(value: str) -> bool:
    if not value.startswith(SECRET_PREFIX):
        return False
    try:
        return len(base64.b64decode(value[len(SECRET_PREFIX) :], validate=True)) >= 24
    except ValueError:
        return False


def secret_from(random_bytes: bytes) -> str:
    """``whsec_`` + base64 of the key: the format Standard Webhooks libraries read."""
    return SECRET_PREFIX + base64.b64encode(random_bytes).decode()


def signed_headers(secret: str, *, message_id: str, body: str, sent_at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body`` sent at ``sent_at`` (wall time:
    receivers refuse a timestamp more than five minutes off their clock)."""
    at = sent_at.astimezone(UTC).replace(microsecond=0)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": StandardWebhook(secret).sign(message_id, at, body),
    }

"""The native webhooks' pure rules: the retry schedule, what counts as delivered, the
signature a Standard Webhooks receiver verifies, and which URLs are accepted."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.webhook_deliveries import (
    AttemptOutcome,
    RetryPolicy,
    is_secret,
    secret_from,
    signed_headers,
)
from farebridge.services.standard_webhooks import check_events, check_url

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def longest(low: float, high: float) -> float:
    return high


def test_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(base=timedelta(seconds=5), cap=timedelta(hours=4))
    until = NOW + timedelta(days=1)
    waits = [
        policy.next_attempt(attempts=n, now=NOW, retry_until=until, draw=longest) - NOW  # type: ignore[operator]
        for n in range(1, 16)
    ]
    assert waits[:4] == [timedelta(seconds=s) for s in (5, 10, 20, 40)]
    assert waits[-1] == timedelta(hours=4) and max(waits) == timedelta(hours=4)
    seen: list[tuple[float, float]] = []

    def record(low: float, high: float) -> float:
        seen.append((low, high))
        return low

    assert policy.next_attempt(attempts=3, now=NOW, retry_until=until, draw=record) == NOW
    assert seen == [(0.0, 20.0)], "full jitter draws from zero to the ceiling"


def test_no_attempt_after_the_window() -> None:
    policy = RetryPolicy()
    until = NOW + timedelta(minutes=1)
    assert policy.next_attempt(attempts=9, now=NOW, retry_until=until, draw=longest) == until
    assert policy.next_attempt(attempts=9, now=until, retry_until=until, draw=longest) is None


@pytest.mark.parametrize(
    ("status", "error", "delivered"),
    [
        (200, None, True),
        (204, None, True),
        (301, None, False),
        (410, None, False),
        (429, None, False),
        (503, None, False),
        (None, "timed out", False),
    ],
)
def test_only_2xx_is_delivered(status: int | None, error: str | None, delivered: bool) -> None:
    outcome = AttemptOutcome(status, error)
    assert outcome.delivered is delivered
    assert (outcome.describe() is None) is delivered
    if error:
        assert outcome.describe() == error


def test_the_signature_verifies_with_the_standard_webhooks_library() -> None:
    secret = secret_from(os.urandom(32))
    assert is_secret(secret) and not is_secret("whsec_short") and not is_secret("plain")
    body = json.dumps({"id": "evt_1", "type": "ping", "data": {}})
    headers = signed_headers(secret, message_id="evt_1", body=body, sent_at=datetime.now(UTC))
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("ping", "pong"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_from(os.urandom(32))).verify(body, headers)
    stale = signed_headers(secret, message_id="evt_1", body=body, sent_at=NOW)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, stale)


@pytest.mark.parametrize(
    ("url", "allow", "accepted"),
    [
        ("https://example.com/hooks", False, True),
        ("http://example.com/hooks", True, False),
        ("http://localhost:8080/hooks", False, False),
        ("http://localhost:8080/hooks", True, True),
        ("http://127.0.0.1:8080/hooks", True, True),
        ("http://[::1]:8080/hooks", True, True),
        ("http://localhost.evil.com/hooks", True, False),
        ("https://example.com:notaport/", False, False),
        ("https:///nohost", False, False),
        ("https://exa mple.com/", False, False),
        ("mailto:someone@example.com", False, False),
        ("https://" + "a" * 2000 + ".com/", False, False),
        ("https://169.254.169.254/latest/meta-data", False, False),
        ("https://10.1.2.3/hooks", True, False),
        ("https://[fd00::1]/hooks", False, False),
        ("https://localhost/hooks", False, False),
        ("https://localhost/hooks", True, True),
        ("https://93.184.215.14/hooks", False, True),
    ],
)
def test_urls(url: str, allow: bool, accepted: bool) -> None:
    if accepted:
        assert check_url(url, allow_http_localhost=allow) == url
    else:
        with pytest.raises(ValidationFailed) as raised:
            check_url(url, allow_http_localhost=allow)
        assert raised.value.field == "url"


def test_events() -> None:
    assert check_events(["ping", "order.paid", "ping"]) == ("ping", "order.paid")
    with pytest.raises(ValidationFailed) as raised:
        check_events(["order.paid", "air.payment.failed"])
    assert raised.value.field == "events[1]"

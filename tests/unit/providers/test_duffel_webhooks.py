"""Duffel's webhook signatures: genuine, forged, stale; and reading an event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from farebridge.providers.duffel.webhooks import (
    InvalidSignature,
    parse_event,
    sign,
    verify_signature,
)
from tests.fake_duffel.server import fixture

SECRET = "whsec_test_secret"
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
BODY = json.dumps(fixture("webhook_airline_change.json")).encode()


def test_a_genuine_signature_passes() -> None:
    verify_signature(SECRET, sign(SECRET, BODY, int(NOW.timestamp())), BODY, now=NOW)


@pytest.mark.parametrize(
    "header",
    [
        sign("another secret", BODY, int(NOW.timestamp())),
        sign(SECRET, BODY + b" ", int(NOW.timestamp())),
        sign(SECRET, BODY, int(NOW.timestamp()) + 1).replace(
            f"t={int(NOW.timestamp()) + 1}", f"t={int(NOW.timestamp())}"
        ),
        "v1=abc",
        "",
        None,
    ],
    ids=["other-secret", "other-body", "other-timestamp", "no-timestamp", "empty", "missing"],
)
def test_a_forged_signature_fails(header: str | None) -> None:
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, header, BODY, now=NOW)


def test_a_stale_signature_fails() -> None:
    old = int((NOW - timedelta(minutes=6)).timestamp())
    with pytest.raises(InvalidSignature, match="stale"):
        verify_signature(SECRET, sign(SECRET, BODY, old), BODY, now=NOW)
    recent = int((NOW - timedelta(minutes=4)).timestamp())
    verify_signature(SECRET, sign(SECRET, BODY, recent), BODY, now=NOW)


def test_without_a_secret_nothing_passes() -> None:
    with pytest.raises(InvalidSignature):
        verify_signature("", sign("", BODY, int(NOW.timestamp())), BODY, now=NOW)


def test_an_order_event_names_its_order_and_ours() -> None:
    body = fixture("webhook_airline_change.json")
    body["data"]["object"].update(id="ord_0000Duffel", metadata={"farebridge_order_id": "ord_1"})
    event = parse_event(json.dumps(body).encode())
    assert (event.id, event.type) == (
        "wev_0000AqRrDuffelEvent01",
        "order.airline_initiated_change_detected",
    )
    assert (event.duffel_order_id, event.farebridge_order_id) == ("ord_0000Duffel", "ord_1")
    with pytest.raises(ValueError, match="not a Duffel event"):
        parse_event(b'{"nothing": 1}')

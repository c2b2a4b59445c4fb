"""Duffel's webhook events: checking their signature and reading them.

Duffel signs each delivery in ``X-Duffel-Signature: t=<unix seconds>,v1=<hex>``,
where ``<hex>`` is HMAC-SHA256 of ``"<t>.<raw body>"`` keyed by the webhook's
secret. An event is genuine when the HMAC matches (compared in constant time)
and ``t`` is within ``tolerance`` of now, so a captured delivery cannot be
replayed later; a replay inside the window is caught by its event id.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from farebridge.domain.webhooks import SIGNATURE_HEADER, signature

__all__ = [
    "SIGNATURE_HEADER",
    "DuffelEvent",
    "InvalidSignature",
    "parse_event",
    "sign",
    "verify_signature",
]

DEFAULT_TOLERANCE = timedelta(minutes=5)
# Events about an order: each makes us sync the order that owns it.
ORDER_EVENTS = frozenset(
    {
        "order.created",
        "order.creation_failed",
        "order.updated",
        "order.cancelled",
        "order.airline_initiated_change_detected",
        "order.ticketed",
        "order_cancellation.created",
        "order_cancellation.confirmed",
        "air.order.changed",
        "air.airline_initiated_change.detected",
    }
)


class InvalidSignature(Exception):
    """The event is not signed by Duffel with our secret (or too old)."""


@dataclass(frozen=True, slots=True)
class DuffelEvent:
    id: str
    type: str
    duffel_order_id: str | None  # the order the event is about, when it names one
    farebridge_order_id: str | None  # our key, from the order's metadata


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value Duffel would send: the scheme farebridge's own webhooks use."""
    return signature(secret, body, timestamp)


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> None:
    """Raise ``InvalidSignature`` unless ``header`` signs ``body`` with ``secret``, recently."""
    if not secret:
        raise InvalidSignature("no webhook secret is configured")
    parts = dict(item.split("=", 1) for item in (header or "").split(",") if "=" in item)
    timestamp, given = parts.get("t", "").strip(), parts.get("v1", "").strip()
    if not timestamp.isdigit() or not given:
        raise InvalidSignature("malformed signature header")
    expected = sign(secret, body, int(timestamp)).split("v1=", 1)[1]
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise InvalidSignature("signature mismatch")
    age = now.timestamp() - int(timestamp)
    if abs(age) > tolerance.total_seconds():
        raise InvalidSignature("stale signature timestamp")


def parse_event(body: bytes) -> DuffelEvent:
    """``ValueError`` for a body that is not a Duffel event."""
    data: Any = json.loads(body)
    if not isinstance(data, dict) or not data.get("id") or not data.get("type"):
        raise ValueError("not a Duffel event")
    inner = data.get("data")
    subject = inner.get("object") if isinstance(inner, dict) else None
    subject = subject if isinstance(subject, dict) else {}
    order_id = subject.get("order_id") or (
        subject.get("id") if str(subject.get("id", "")).startswith("ord_") else None
    )
    metadata = subject.get("metadata") if isinstance(subject.get("metadata"), dict) else {}
    ours = metadata.get("farebridge_order_id") if metadata else None
    return DuffelEvent(
        id=str(data["id"]),
        type=str(data["type"]),
        duffel_order_id=str(order_id) if order_id else None,
        farebridge_order_id=str(ours) if ours else None,
    )

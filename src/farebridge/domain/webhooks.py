"""Webhooks: where a client wants to hear about its orders, and how a delivery is signed.

A webhook belongs to one scheme (ADR 0018). ``duffel`` (the Duffel dialect's
``/air/webhooks``): a JSON event with Duffel's event names, signed like Duffel's,
the header ``X-Duffel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>">`` with the webhook's secret, so a receiver written for Duffel
verifies ours. ``standard`` (the native ``/api/webhooks``): farebridge's event
names, signed per Standard Webhooks (``domain/webhook_deliveries.py``).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

SIGNATURE_HEADER = "X-Duffel-Signature"


class WebhookScheme(StrEnum):
    DUFFEL = "duffel"  # Duffel's event names and X-Duffel-Signature
    STANDARD = "standard"  # our event names, signed per Standard Webhooks


# The events a webhook may ask for: Duffel's air events, and farebridge's own
# order.ticketed (Duffel has no event for it; clients poll documents there).
EVENT_TYPES = frozenset(
    {
        "order.created",
        "order.creation_failed",
        "order.airline_initiated_change_detected",
        "order_cancellation.created",
        "order_cancellation.confirmed",
        "air.payment.succeeded",
        "air.payment.failed",
        "air.order.changed",
        "order.ticketed",
        "ping.triggered",
    }
)

# our order event → the webhook event it is delivered as
ORDER_EVENTS = {
    "order.created": "order.created",
    "order.failed": "order.creation_failed",
    "order.paid": "air.payment.succeeded",
    "order.ticketed": "order.ticketed",
    "order.cancelled": "order_cancellation.confirmed",
    "order.schedule_changed": "order.airline_initiated_change_detected",
    "order.changed": "air.order.changed",
    "payment.failed": "air.payment.failed",
}

# The native (standard) scheme: our order event → the webhook event it is delivered as.
STANDARD_ORDER_EVENTS = {
    "order.created": "order.created",
    "order.paid": "order.paid",
    "order.ticketed": "order.ticketed",
    "order.cancelled": "order.cancelled",
    # ticketing failed before anything was issued: the order is cancelled and refunded
    "order.ticketing_failed": "order.cancelled",
    "order.changed": "order.changed",
    "order.schedule_changed": "order.schedule_changed",
    "payment.failed": "payment.failed",
}
PING = "ping"
STANDARD_EVENT_TYPES = frozenset({*STANDARD_ORDER_EVENTS.values(), PING})


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    owner_id: str
    url: str
    events: tuple[str, ...]
    secret: str  # shared with the receiver: it signs every delivery
    active: bool
    created_at: datetime
    updated_at: datetime
    scheme: WebhookScheme = WebhookScheme.DUFFEL
    description: str | None = None
    disabled_reason: str | None = None  # set when farebridge turned it off
    failing_since: datetime | None = None  # the first failed attempt since the last success

    def wants(self, event_type: str) -> bool:
        return self.active and event_type in self.events


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Duffel-Signature`` value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"

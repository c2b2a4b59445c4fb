"""Webhooks (``/api/webhooks``): request bodies and responses (ADR 0018)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool

from farebridge.api.dialects.native.models.common import Instant, PageMeta, WireModel
from farebridge.api.dialects.native.schemas import RequestModel
from farebridge.domain.webhooks import STANDARD_EVENT_TYPES

# What the document promises (services.standard_webhooks checks it, with its own error
# codes): an https URL on a named host; an address literal or localhost is internal.
URL_PATTERN = r"^https://[A-Za-z0-9.-]*[A-Za-z][A-Za-z0-9.-]*(:[0-9]{1,4})?(/[!-~]*)?$"
Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        description="Where events are POSTed: an https:// URL on a public host name",
        examples=["https://example.com/farebridge/webhooks"],
        json_schema_extra={"pattern": URL_PATTERN},
    ),
]
EventTypes = Annotated[
    list[str],
    Field(
        min_length=1,
        max_length=20,
        description="The events to send",
        examples=[["order.created", "order.ticketed"]],
        json_schema_extra={"items": {"type": "string", "enum": sorted(STANDARD_EVENT_TYPES)}},
    ),
]
Description = Annotated[str, Field(max_length=500)]


class WebhookBody(RequestModel):
    url: Url
    events: EventTypes
    description: Description | None = None


class WebhookUpdateBody(RequestModel):
    url: Url | None = None
    events: EventTypes | None = None
    active: StrictBool | None = Field(default=None, description="false pauses it; true turns it on")
    description: Description | None = None


class Webhook(WireModel):
    id: str
    url: str
    events: list[str]
    description: str | None
    active: bool
    disabled_reason: str | None = Field(
        description="Why farebridge turned it off (deliveries kept failing); null otherwise"
    )
    created_at: Instant
    updated_at: Instant


class CreatedWebhook(Webhook):
    secret: str = Field(
        description="whsec_…: verifies every delivery (Standard Webhooks); shown only here"
    )


class WebhookResponse(WireModel):
    data: Webhook


class CreatedWebhookResponse(WireModel):
    data: CreatedWebhook


class WebhookListResponse(WireModel):
    data: list[Webhook]
    meta: PageMeta


class Delivery(WireModel):
    id: str
    webhook_id: str
    event_id: str = Field(description="The webhook-id header: the same on every attempt")
    event_type: str
    status: str = Field(description="pending | delivered | failed", examples=["delivered"])
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: Instant | None
    delivered_at: Instant | None
    created_at: Instant
    payload: dict[str, Any] = Field(description="The body sent")


class DeliveryResponse(WireModel):
    data: Delivery


class DeliveryListResponse(WireModel):
    data: list[Delivery]
    meta: PageMeta

"""Webhooks and their deliveries."""

from __future__ import annotations

from farebridge.api.dialects.native.models import webhooks as wire
from farebridge.api.dialects.native.presenters.common import (
    instant,
    optional_instant,
    present_page_meta,
)
from farebridge.domain.webhook_deliveries import Delivery
from farebridge.domain.webhooks import Webhook
from farebridge.services.ports import Page


def present_webhook(webhook: Webhook) -> wire.Webhook:
    return wire.Webhook.model_construct(
        id=webhook.id,
        url=webhook.url,
        events=list(webhook.events),
        description=webhook.description,
        active=webhook.active,
        disabled_reason=webhook.disabled_reason,
        created_at=instant(webhook.created_at),
        updated_at=instant(webhook.updated_at),
    )


def present_created_webhook(webhook: Webhook) -> wire.CreatedWebhook:
    shown = present_webhook(webhook)
    return wire.CreatedWebhook.model_construct(**dict(shown), secret=webhook.secret)


def present_webhook_page(page: Page[Webhook]) -> wire.WebhookListResponse:
    return wire.WebhookListResponse.model_construct(
        data=[present_webhook(w) for w in page.items], meta=present_page_meta(page)
    )


def present_delivery(delivery: Delivery) -> wire.Delivery:
    return wire.Delivery.model_construct(
        id=delivery.id,
        webhook_id=delivery.webhook_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status.value,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        next_attempt_at=optional_instant(delivery.next_attempt_at),
        delivered_at=optional_instant(delivery.delivered_at),
        created_at=instant(delivery.created_at),
        payload=delivery.payload,
    )


def present_delivery_page(page: Page[Delivery]) -> wire.DeliveryListResponse:
    return wire.DeliveryListResponse.model_construct(
        data=[present_delivery(d) for d in page.items], meta=present_page_meta(page)
    )

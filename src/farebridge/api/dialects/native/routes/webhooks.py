"""Webhooks: where farebridge POSTs the account's order events, signed per Standard
Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.webhooks import (
    CreatedWebhookResponse,
    DeliveryListResponse,
    DeliveryResponse,
    WebhookBody,
    WebhookListResponse,
    WebhookResponse,
    WebhookUpdateBody,
)
from farebridge.api.dialects.native.presenters.webhooks import (
    present_created_webhook,
    present_delivery,
    present_delivery_page,
    present_webhook,
    present_webhook_page,
)
from farebridge.api.routing import APIRouter
from farebridge.services import standard_webhooks as webhooks
from farebridge.services.ports import PageRequest

router = APIRouter(tags=["webhooks"])
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post("/webhooks", status_code=201, responses=responses(401, 422))
def create_webhook(
    body: WebhookBody, services: ServicesDep, user: CurrentUser
) -> CreatedWebhookResponse:
    """Subscribe an https URL to events; the ``secret`` (shown only here) verifies them."""
    created = webhooks.create_webhook(
        services, user=user, url=body.url, events=body.events, description=body.description
    )
    return CreatedWebhookResponse.model_construct(data=present_created_webhook(created))


@router.get("/webhooks", responses=responses(401))
def list_webhooks(
    services: ServicesDep,
    user: CurrentUser,
    after: str | None = None,
    before: str | None = None,
    limit: Limit = 50,
) -> WebhookListResponse:
    """The caller's webhooks, newest first."""
    page = webhooks.list_webhooks(services, user=user, page=PageRequest(after, before, limit))
    return present_webhook_page(page)


@router.get("/webhooks/{webhook_id}", responses=responses(401, 404))
def get_webhook(webhook_id: str, services: ServicesDep, user: CurrentUser) -> WebhookResponse:
    """One webhook (without its secret)."""
    found = webhooks.get_webhook(services, user=user, webhook_id=webhook_id)
    return WebhookResponse.model_construct(data=present_webhook(found))


@router.patch("/webhooks/{webhook_id}", responses=responses(401, 404, 422))
def update_webhook(
    webhook_id: str, body: WebhookUpdateBody, services: ServicesDep, user: CurrentUser
) -> WebhookResponse:
    """Change the URL, events or description; ``active`` pauses it or turns it back on."""
    changes = webhooks.WebhookChanges(
        url=body.url, events=body.events, active=body.active, description=body.description
    )
    updated = webhooks.update_webhook(services, user=user, webhook_id=webhook_id, changes=changes)
    return WebhookResponse.model_construct(data=present_webhook(updated))


@router.delete("/webhooks/{webhook_id}", responses=responses(401, 404))
def delete_webhook(webhook_id: str, services: ServicesDep, user: CurrentUser) -> WebhookResponse:
    """Delete a webhook and its delivery log; answers what it was."""
    deleted = webhooks.delete_webhook(services, user=user, webhook_id=webhook_id)
    return WebhookResponse.model_construct(data=present_webhook(deleted))


@router.post("/webhooks/{webhook_id}/actions/ping", responses=responses(401, 404, 422))
def ping_webhook(webhook_id: str, services: ServicesDep, user: CurrentUser) -> DeliveryResponse:
    """Send a ``ping`` event now; answers its delivery after the first attempt."""
    delivery = webhooks.ping_webhook(services, user=user, webhook_id=webhook_id)
    return DeliveryResponse.model_construct(data=present_delivery(delivery))


@router.get("/webhooks/{webhook_id}/deliveries", responses=responses(401, 404))
def list_deliveries(
    webhook_id: str,
    services: ServicesDep,
    user: CurrentUser,
    after: str | None = None,
    before: str | None = None,
    limit: Limit = 50,
) -> DeliveryListResponse:
    """The webhook's delivery log, newest first: attempts, last answer, next attempt."""
    page = webhooks.list_deliveries(
        services, user=user, webhook_id=webhook_id, page=PageRequest(after, before, limit)
    )
    return present_delivery_page(page)


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/actions/redeliver",
    responses=responses(401, 404, 422),
)
def redeliver(
    webhook_id: str, delivery_id: str, services: ServicesDep, user: CurrentUser
) -> DeliveryResponse:
    """Send a delivered or failed event again now, with the same ``webhook-id``."""
    delivery = webhooks.redeliver(
        services, user=user, webhook_id=webhook_id, delivery_id=delivery_id
    )
    return DeliveryResponse.model_construct(data=present_delivery(delivery))

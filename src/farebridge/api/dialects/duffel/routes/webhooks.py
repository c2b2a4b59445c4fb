"""Webhooks: where farebridge sends its order events, signed like Duffel's."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.duffel.errors import responses
from farebridge.api.dialects.duffel.routes.common import Data, DataList, Paging
from farebridge.api.dialects.duffel.schemas import WebhookBody, WebhookUpdateBody
from farebridge.api.dialects.duffel.wire import data, instant, page_of
from farebridge.api.routing import APIRouter
from farebridge.domain.webhooks import Webhook
from farebridge.services import webhooks

router = APIRouter(tags=["webhooks"])


def _webhook(value: Webhook, *, with_secret: bool = False) -> dict[str, Any]:
    return {
        "id": value.id,
        "live_mode": False,
        "active": value.active,
        "events": list(value.events),
        "url": value.url,
        "created_at": instant(value.created_at),
        "updated_at": instant(value.updated_at),
        "secret": value.secret if with_secret else None,
    }


@router.post("/air/webhooks", status_code=201, response_model=Data, responses=responses())
@router.post("/air/webhooks/", status_code=201, include_in_schema=False)
def create_webhook(body: WebhookBody, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    """Subscribe a URL to events; the ``secret`` (shown only here) signs every delivery
    (``X-Duffel-Signature: t=…,v1=…``)."""
    created = webhooks.create_webhook(
        services, user=user, url=body.data.url, events=body.data.events
    )
    return JSONResponse(data(_webhook(created, with_secret=True)), status_code=201)


@router.get("/air/webhooks", response_model=DataList, responses=responses())
def list_webhooks(
    services: ServicesDep,
    user: CurrentUser,
    paging: Paging,
) -> JSONResponse:
    page = webhooks.list_webhooks(services, user=user, page=paging)
    return JSONResponse(page_of([_webhook(w) for w in page.items], page))


@router.patch("/air/webhooks/{webhook_id}", response_model=Data, responses=responses(404))
def update_webhook(
    webhook_id: str, body: WebhookUpdateBody, services: ServicesDep, user: CurrentUser
) -> JSONResponse:
    """Pause or resume (``active``), or change its URL or events."""
    updated = webhooks.update_webhook(
        services,
        user=user,
        webhook_id=webhook_id,
        active=body.data.active,
        url=body.data.url,
        events=body.data.events,
    )
    return JSONResponse(data(_webhook(updated)))


# Delete and ping answer 200 with the webhook rather than an empty 204: the JavaScript
# client parses every successful body as JSON, and the Python client ignores the body.


@router.delete("/air/webhooks/{webhook_id}", response_model=Data, responses=responses(404))
def delete_webhook(webhook_id: str, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    deleted = webhooks.delete_webhook(services, user=user, webhook_id=webhook_id)
    return JSONResponse(data(_webhook(deleted)))


@router.post(
    "/air/webhooks/{webhook_id}/actions/ping", response_model=Data, responses=responses(404)
)
def ping_webhook(webhook_id: str, services: ServicesDep, user: CurrentUser) -> JSONResponse:
    """Send a ``ping.triggered`` event to the webhook now. Needs no body."""
    pinged = webhooks.ping_webhook(services, user=user, webhook_id=webhook_id)
    return JSONResponse(data(_webhook(pinged)))

"""``POST /hooks/duffel``: Duffel tells us one of its orders changed.

The signature (``X-Duffel-Signature``) is checked against
``FAREBRIDGE_DUFFEL_WEBHOOK_SECRET`` first: a bad or stale one is 401. An order
event queues the sync job of our order that owns the Duffel order and answers
200; each event id is acted on once (a replay answers 200 and does nothing).
Other events, and orders that are not ours, answer 204.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from farebridge.api.routing import APIRouter
from farebridge.domain.errors import UpstreamUnavailable
from farebridge.providers.duffel.provider import DuffelProvider
from farebridge.providers.duffel.webhooks import (
    ORDER_EVENTS,
    SIGNATURE_HEADER,
    DuffelEvent,
    InvalidSignature,
    parse_event,
    verify_signature,
)
from farebridge.services import sync
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings


def router_for(settings: Settings) -> APIRouter:
    secret = settings.duffel_webhook_secret
    router = APIRouter()

    @router.post("/hooks/duffel", include_in_schema=False)
    async def receive_duffel_event(request: Request) -> Response:
        """An event from Duffel's webhooks."""
        services: Dependencies = request.app.state.services
        body = await request.body()
        try:
            verify_signature(
                secret.get_secret_value() if secret else "",
                request.headers.get(SIGNATURE_HEADER),
                body,
                now=services.clock.now(),
            )
            event = parse_event(body)
        except InvalidSignature as exc:
            return _error(401, "invalid_signature", str(exc))
        except ValueError:
            return _error(400, "invalid_event", "The body is not a Duffel event.")
        handled = await run_in_threadpool(_handle, services, event)
        return Response(status_code=200 if handled else 204)

    return router


def _handle(services: Dependencies, event: DuffelEvent) -> bool:
    if event.type not in ORDER_EVENTS:
        return False
    try:
        provider = services.providers.get("duffel")
    except UpstreamUnavailable:
        return False
    if not isinstance(provider, DuffelProvider):
        return False
    order_id = provider.order_for_event(event)
    if order_id is not None:
        sync.sync_order_soon(services, order_id=order_id, provider=provider.name)
    provider.remember_event(event, now=services.clock.now())
    return True


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"code": code, "message": message}]}, status_code=status)

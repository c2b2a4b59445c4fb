"""Webhooks: the Duffel dialect's subscriptions, and the delivery of order events to
every webhook (both schemes, ADR 0018).

Delivery is an outbox over the ``order_events`` table: a sweep of the worker
reads the events after the dispatcher's position, moves the position with a
compare-and-set (so two workers never hand out the same events) and, in the same
transaction, queues one delivery per event and interested webhook. A ``duffel``
delivery is a durable, retried job keyed by ``webhook:event``; a ``standard`` one is
a row of the delivery log with one job per attempt (``services.webhook_delivery``).
A receiver may see an event more than once (it deduplicates by the event id), never
lose one to a crash. Events are only for webhooks that existed when they happened.
The native API's subscriptions are in ``services.standard_webhooks``.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import structlog

from farebridge.domain.account import User
from farebridge.domain.errors import NotFound, UpstreamUnavailable, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order
from farebridge.domain.webhooks import (
    EVENT_TYPES,
    ORDER_EVENTS,
    SIGNATURE_HEADER,
    Webhook,
    WebhookScheme,
    signature,
)
from farebridge.services import webhook_delivery
from farebridge.services.access import may_access_owner
from farebridge.services.jobs import JobKind, enqueue_in, run_job_now
from farebridge.services.ports import Dependencies, Page, PageRequest, PendingEvent, UnitOfWork

log = structlog.get_logger(__name__)
MAX_WEBHOOKS = 20
DISPATCH_BATCH = 200


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(
            "The webhook URL must be an absolute http(s) URL.", field="url", code="invalid_url"
        )
    if parts.username or parts.password:
        raise ValidationFailed(
            "The webhook URL must not carry credentials.", field="url", code="invalid_url"
        )
    return url


def _check_events(events: Sequence[str]) -> tuple[str, ...]:
    unknown = sorted(set(events) - EVENT_TYPES)
    if unknown:
        raise ValidationFailed(
            f"Unknown event type {', '.join(unknown)}; known: {', '.join(sorted(EVENT_TYPES))}.",
            field="events",
            code="validation_inclusion",
        )
    if not events:
        raise ValidationFailed("Name at least one event.", field="events", code="required")
    return tuple(dict.fromkeys(events))


def owned_webhook(
    uow: UnitOfWork, user: User, webhook_id: str, scheme: WebhookScheme = WebhookScheme.DUFFEL
) -> Webhook:
    """The caller's webhook of ``scheme``: another account's, or another API's (each
    lists only its own), is a missing one: 404."""
    found = uow.webhooks.get(webhook_id)
    if (
        found is None
        or not may_access_owner(uow, user, found.owner_id)
        or found.scheme is not scheme
    ):
        raise NotFound(f"No webhook {webhook_id}.", code="webhook_not_found", field="webhook_id")
    return found


def create_webhook(deps: Dependencies, *, user: User, url: str, events: Sequence[str]) -> Webhook:
    """A new, active webhook; its ``secret`` signs every delivery."""
    now = deps.clock.now()
    webhook = Webhook(
        id=new_id("sev"),
        owner_id=user.id,
        url=_check_url(url),
        events=_check_events(events),
        secret=secrets.token_urlsafe(24),
        active=True,
        created_at=now,
        updated_at=now,
    )
    with deps.uow() as uow:
        if uow.webhooks.count_for_owner(user.id, WebhookScheme.DUFFEL) >= MAX_WEBHOOKS:
            raise ValidationFailed(
                f"An account has at most {MAX_WEBHOOKS} webhooks.", code="too_many_webhooks"
            )
        uow.webhooks.add(webhook)
        uow.commit()
    return webhook


def list_webhooks(deps: Dependencies, *, user: User, page: PageRequest) -> Page[Webhook]:
    with deps.uow(read_only=True) as uow:
        return uow.webhooks.list_for_owner(user.id, page)


def update_webhook(
    deps: Dependencies,
    *,
    user: User,
    webhook_id: str,
    active: bool | None = None,
    url: str | None = None,
    events: Sequence[str] | None = None,
) -> Webhook:
    with deps.uow() as uow:
        current = owned_webhook(uow, user, webhook_id)
        updated = Webhook(
            id=current.id,
            owner_id=current.owner_id,
            url=_check_url(url) if url is not None else current.url,
            events=_check_events(events) if events is not None else current.events,
            secret=current.secret,
            active=current.active if active is None else active,
            created_at=current.created_at,
            updated_at=deps.clock.now(),
        )
        uow.webhooks.replace(updated)
        uow.commit()
    return updated


def delete_webhook(deps: Dependencies, *, user: User, webhook_id: str) -> Webhook:
    """Delete a webhook; deliveries still queued for it are dropped. Returns what it was."""
    with deps.uow() as uow:
        found = owned_webhook(uow, user, webhook_id)
        uow.webhooks.delete(webhook_id)
        uow.commit()
    return found


def ping_webhook(deps: Dependencies, *, user: User, webhook_id: str) -> Webhook:
    """Send a ``ping.triggered`` event to the webhook now (retried if it fails)."""
    now = deps.clock.now()
    event_id = new_id("wev")
    with deps.uow() as uow:
        webhook = owned_webhook(uow, user, webhook_id)
        event = _event(event_id, "ping.triggered", webhook.id, {"object": {"id": webhook.id}}, now)
        key = f"{webhook.id}:{event_id}"
        enqueue_in(
            uow,
            deps,
            JobKind.DELIVER_WEBHOOK,
            {"webhook_id": webhook.id, "event": event},
            dedupe_key=key,
        )
        uow.commit()
    run_job_now(deps, JobKind.DELIVER_WEBHOOK, key)
    return webhook


def _event(
    event_id: str, kind: str, idempotency_key: str, data: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "id": event_id,
        "api_version": "v2",
        "type": kind,
        "live_mode": False,
        "idempotency_key": idempotency_key,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "data": data,
    }


def _order_event(pending: PendingEvent, kind: str) -> dict[str, Any]:
    order = {
        "id": pending.order_id,
        "booking_reference": pending.booking_reference,
        "status": pending.status,
    }
    data: dict[str, Any] = {"object": order}
    if kind == "order.airline_initiated_change_detected":
        data["changes"] = pending.data
    return _event(f"wev_{pending.id:012d}", kind, pending.order_id, data, pending.occurred_at)


def dispatch_events(deps: Dependencies) -> int:
    """Hand out the order events that happened since the last call; the number queued.

    One dispatcher for both schemes (ADR 0018): a ``duffel`` webhook gets a job with
    Duffel's event, a ``standard`` one a logged delivery (``services.webhook_delivery``).
    The position moves first, with a compare-and-set: a racing dispatcher waits on it,
    then finds it moved and hands out nothing."""
    with deps.uow(read_only=True) as uow:  # idle most of the time: no write lock for that
        seen = uow.webhooks.position()
        if seen is not None and not uow.webhooks.events_after(seen, limit=1):
            return 0
    with deps.uow() as uow:
        position = uow.webhooks.cursor()
        events = uow.webhooks.events_after(position, limit=DISPATCH_BATCH)
        if not events:
            uow.commit()  # the first call on a database creates the position
            return 0
        if not uow.webhooks.advance(position, events[-1].id):
            return 0  # another worker handed these out
        hooks = uow.webhooks.active_for({e.owner_id for e in events})
        orders: dict[str, Order | None] = {}
        queued = 0
        for pending in events:
            for webhook in hooks:
                if webhook.owner_id != pending.owner_id or pending.occurred_at < webhook.created_at:
                    continue
                if webhook.scheme is WebhookScheme.STANDARD:
                    queued += _queue_standard(uow, deps, webhook, pending, orders)
                else:
                    queued += _queue_duffel(uow, deps, webhook, pending)
        uow.commit()
    return queued


def _queue_duffel(
    uow: UnitOfWork, deps: Dependencies, webhook: Webhook, pending: PendingEvent
) -> int:
    kind = ORDER_EVENTS.get(pending.type)
    if kind is None or not webhook.wants(kind):
        return 0
    event = _order_event(pending, kind)
    enqueue_in(
        uow,
        deps,
        JobKind.DELIVER_WEBHOOK,
        {"webhook_id": webhook.id, "event": event},
        dedupe_key=f"{webhook.id}:{event['id']}",
    )
    return 1


def _queue_standard(
    uow: UnitOfWork,
    deps: Dependencies,
    webhook: Webhook,
    pending: PendingEvent,
    orders: dict[str, Order | None],
) -> int:
    kind = webhook_delivery.standard_kind(pending)
    if kind is None or not webhook.wants(kind):
        return 0
    if pending.order_id not in orders:
        orders[pending.order_id] = uow.orders.get(pending.order_id)
    order = orders[pending.order_id]
    if order is None:
        return 0
    body = webhook_delivery.order_event_body(pending, kind, order)
    return 0 if webhook_delivery.queue_delivery(uow, deps, webhook, body) is None else 1


def deliver(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job handler: POST one signed event. A ``standard`` delivery is one attempt of a
    logged delivery (``services.webhook_delivery``). A Duffel one: a receiver that is
    down or answers other than 2xx makes the job fail and retry; a deleted or paused
    webhook drops it."""
    if "delivery_id" in payload:
        webhook_delivery.deliver_attempt(deps, payload)
        return
    with deps.uow(read_only=True) as uow:
        webhook = uow.webhooks.get(str(payload["webhook_id"]))
    if webhook is None or not webhook.active:
        return
    sender = deps.webhook_sender
    if sender is None:
        log.info("webhook.not_delivered", webhook_id=webhook.id, reason="no sender configured")
        return
    body = json.dumps(payload["event"], separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "farebridge-webhooks",
        SIGNATURE_HEADER: signature(webhook.secret, body, int(time.time())),
    }
    status = sender.post(webhook.url, body, headers)
    if not 200 <= status < 300:
        raise UpstreamUnavailable(
            f"The webhook receiver answered {status}.", code="webhook_rejected"
        )
    log.info("webhook.delivered", webhook_id=webhook.id, event=payload["event"].get("type"))

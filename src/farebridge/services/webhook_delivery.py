"""Delivering events to the native (``standard``) webhooks: the body, the queueing of a
delivery in the dispatcher's transaction, and the job that makes one attempt (ADR 0018).

Each attempt is one ``deliver_webhook`` job keyed ``whd:<delivery>:<attempt>``. The
job POSTs the stored body signed per Standard Webhooks, then records the attempt with
a compare-and-set on the delivery's attempt count and, in the same transaction,
queues the next attempt (exponential backoff, full jitter) or ends the delivery. A
job that runs twice (a crash after the POST) records nothing the second time; the
receiver may get the event twice, with the same ``webhook-id``, and deduplicates.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from farebridge.domain.errors import UpstreamUnavailable
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order
from farebridge.domain.webhook_deliveries import (
    AttemptOutcome,
    Delivery,
    DeliveryStatus,
    signed_headers,
)
from farebridge.domain.webhooks import STANDARD_ORDER_EVENTS, Webhook
from farebridge.services.jobs import JobKind, enqueue_in
from farebridge.services.ports import Dependencies, PendingEvent, UnitOfWork

log = structlog.get_logger(__name__)


def _instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def order_snapshot(order: Order) -> dict[str, Any]:
    """The order as a webhook shows it: what a receiver needs to act without a call
    back (``GET /api/orders/{id}`` has the rest)."""
    return {
        "id": order.id,
        "type": order.type.value,
        "status": order.status.value,
        "booking_reference": order.booking_reference,
        "total_amount": str(order.charged_total.amount),
        "total_currency": order.total.currency,
        "base_amount": str(order.base.amount),
        "tax_amount": str(order.tax.amount),
        "created_at": _instant(order.created_at),
        "payment_required_by": _instant(order.payment_required_by),
        "paid_at": _instant(order.paid_at),
        "cancelled_at": _instant(order.cancelled_at),
        "passengers": [
            {"id": p.id, "given_name": p.given_name, "family_name": p.family_name}
            for p in order.passengers
        ],
        "slices": [
            {
                "origin": s.origin.iata_code,
                "destination": s.destination.iata_code,
                "departing_at": _instant(s.departing_at),
                "segments": [
                    {
                        "flight": segment.marketing_carrier.iata_code
                        + segment.marketing_carrier_flight_number,
                        "origin": segment.origin.iata_code,
                        "destination": segment.destination.iata_code,
                        "departing_at": _instant(segment.departing_at),
                        "arriving_at": _instant(segment.arriving_at),
                    }
                    for segment in s.segments
                ],
            }
            for s in order.slices
        ],
        "tickets": [d.unique_identifier for d in order.documents if d.type == "electronic_ticket"],
        "metadata": dict(order.metadata),
    }


def event_body(event_id: str, kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": event_id, "type": kind, "created_at": _instant(at), "data": data}


def order_event_body(pending: PendingEvent, kind: str, order: Order) -> dict[str, Any]:
    """``data.order`` is the order when the event was handed out (within seconds of it);
    ``data.event`` what the event itself says (a payment id, ticket numbers, a refund)."""
    data = {"order": order_snapshot(order), "event": dict(pending.data)}
    return event_body(f"evt_{pending.id:012d}", kind, pending.occurred_at, data)


def new_delivery(
    deps: Dependencies, webhook: Webhook, body: dict[str, Any], *, now: datetime
) -> Delivery:
    return Delivery(
        id=new_id("whd"),
        webhook_id=webhook.id,
        event_id=str(body["id"]),
        event_type=str(body["type"]),
        payload=body,
        status=DeliveryStatus.PENDING,
        attempts=0,
        last_status_code=None,
        last_error=None,
        next_attempt_at=now,
        delivered_at=None,
        retry_until=now + deps.policies.webhook_retries.window,
        created_at=now,
        updated_at=now,
    )


def job_key(delivery_id: str, attempt: int) -> str:
    return f"whd:{delivery_id}:{attempt}"


def enqueue_attempt(
    uow: UnitOfWork, deps: Dependencies, delivery_id: str, attempt: int, at: datetime
) -> str:
    """Queue attempt number ``attempt + 1`` (after ``attempt`` recorded ones) at ``at``."""
    key = job_key(delivery_id, attempt)
    payload = {"delivery_id": delivery_id, "attempt": attempt}
    enqueue_in(uow, deps, JobKind.DELIVER_WEBHOOK, payload, dedupe_key=key, run_after=at)
    return key


def queue_delivery(
    uow: UnitOfWork, deps: Dependencies, webhook: Webhook, body: dict[str, Any]
) -> Delivery | None:
    """Log a delivery of ``body`` to ``webhook`` and queue its first attempt; None if this
    webhook has this event already (the unique key (webhook, event) decides)."""
    now = deps.clock.now()
    delivery = new_delivery(deps, webhook, body, now=now)
    if not uow.webhook_deliveries.add(delivery):
        return None
    enqueue_attempt(uow, deps, delivery.id, 0, now)
    return delivery


def standard_kind(pending: PendingEvent) -> str | None:
    return STANDARD_ORDER_EVENTS.get(pending.type)


def deliver_attempt(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job handler: one attempt of one delivery."""
    delivery_id = str(payload["delivery_id"])
    attempt = int(payload["attempt"])
    with deps.uow(read_only=True) as uow:
        delivery = uow.webhook_deliveries.get(delivery_id)
        webhook = uow.webhooks.get(delivery.webhook_id) if delivery else None
    if delivery is None or webhook is None:
        return  # the webhook was deleted, and its log with it
    if delivery.status is not DeliveryStatus.PENDING or delivery.attempts != attempt:
        return  # this attempt was recorded already, or the delivery ended
    if not webhook.active:
        with deps.uow() as uow:
            uow.webhook_deliveries.give_up(
                delivery.id,
                attempts=attempt,
                error="The webhook is disabled.",
                now=deps.clock.now(),
            )
            uow.commit()
        return
    outcome = _post(deps, webhook, delivery)
    _record(deps, webhook, delivery, outcome)


def _post(deps: Dependencies, webhook: Webhook, delivery: Delivery) -> AttemptOutcome:
    sender = deps.webhook_sender
    if sender is None:
        return AttemptOutcome(None, "No webhook sender is configured.")
    body = json.dumps(delivery.payload, separators=(",", ":"))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "farebridge-webhooks",
        # wall time, not the clock port: the receiver checks it against its own clock
        **signed_headers(
            webhook.secret,
            message_id=delivery.event_id,
            body=body,
            sent_at=datetime.fromtimestamp(time.time(), UTC),
        ),
    }
    try:
        return AttemptOutcome(sender.post(webhook.url, body.encode(), headers))
    except UpstreamUnavailable as exc:  # refused, timed out, TLS: retried
        return AttemptOutcome(None, exc.message)


def _hours(value: timedelta) -> str:
    return f"{value.total_seconds() / 3600:g}"


def _record(
    deps: Dependencies, webhook: Webhook, delivery: Delivery, outcome: AttemptOutcome
) -> None:
    now = deps.clock.now()
    policy = deps.policies.webhook_retries
    attempts = delivery.attempts + 1
    next_at = None
    if outcome.delivered:
        status = DeliveryStatus.DELIVERED
    else:
        next_at = policy.next_attempt(
            attempts=attempts, now=now, retry_until=delivery.retry_until, draw=random.uniform
        )
        status = DeliveryStatus.PENDING if next_at is not None else DeliveryStatus.FAILED
    with deps.uow() as uow:
        if not uow.webhook_deliveries.record_attempt(
            delivery.id,
            attempts_before=delivery.attempts,
            status=status,
            status_code=outcome.status_code,
            error=outcome.describe(),
            next_attempt_at=next_at,
            now=now,
        ):
            return  # recorded by another run of this job
        if outcome.delivered:
            uow.webhooks.mark_healthy(webhook.id)
        else:
            uow.webhooks.mark_failing(webhook.id, now=now)
            disabled = uow.webhooks.disable_if_failing_since(
                webhook.id,
                cutoff=now - policy.disable_after,
                reason=f"Every delivery failed for {_hours(policy.disable_after)} hours.",
                now=now,
            )
            if disabled:
                log.warning("webhook.disabled", webhook_id=webhook.id)
            if next_at is not None:
                enqueue_attempt(uow, deps, delivery.id, attempts, next_at)
        uow.commit()
    log.info(
        "webhook.attempted",
        webhook_id=webhook.id,
        delivery_id=delivery.id,
        status=status.value,
        status_code=outcome.status_code,
        attempt=attempts,
    )

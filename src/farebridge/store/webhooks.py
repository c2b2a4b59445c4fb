"""Webhook subscriptions, and the dispatcher's read position in the order events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from farebridge.domain.webhooks import Webhook, WebhookScheme
from farebridge.services.ports import Page, PageRequest, PendingEvent
from farebridge.store.event_cursors import EventCursor
from farebridge.store.pagination import keyset_page
from farebridge.store.tables import (
    order_events,
    orders,
    webhook_deliveries,
    webhooks,
)

STREAM = "order_events"


class WebhookRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._cursor = EventCursor(connection, STREAM)

    def add(self, webhook: Webhook) -> None:
        self._db.execute(insert(webhooks).values(**_columns(webhook)))

    def get(self, webhook_id: str) -> Webhook | None:
        row = self._db.execute(select(webhooks).where(webhooks.c.id == webhook_id)).first()
        return None if row is None else _webhook(row)

    def list_for_owner(
        self,
        owner_id: str,
        page: PageRequest,
        scheme: WebhookScheme = WebhookScheme.DUFFEL,
    ) -> Page[Webhook]:
        query = select(webhooks.c.created_at, webhooks.c.id, webhooks).where(
            webhooks.c.owner_id == owner_id, webhooks.c.scheme == scheme.value
        )
        rows, after, before = keyset_page(
            query,
            sort_column=webhooks.c.created_at,
            id_column=webhooks.c.id,
            page=page,
            descending=True,
            execute=self._db.execute,
        )
        return Page([_webhook(r) for r in rows], after, before, page.limit)

    def active_for(self, owner_ids: set[str]) -> list[Webhook]:
        if not owner_ids:
            return []
        rows = self._db.execute(
            select(webhooks).where(
                webhooks.c.owner_id.in_(sorted(owner_ids)), webhooks.c.active == 1
            )
        )
        return [_webhook(r) for r in rows]

    def replace(self, webhook: Webhook) -> None:
        values = _columns(webhook)
        del values["id"]
        self._db.execute(update(webhooks).where(webhooks.c.id == webhook.id).values(**values))

    def delete(self, webhook_id: str) -> None:
        self._db.execute(
            delete(webhook_deliveries).where(webhook_deliveries.c.webhook_id == webhook_id)
        )
        self._db.execute(delete(webhooks).where(webhooks.c.id == webhook_id))

    def count_for_owner(self, owner_id: str, scheme: WebhookScheme) -> int:
        return int(
            self._db.execute(
                select(func.count())
                .select_from(webhooks)
                .where(webhooks.c.owner_id == owner_id, webhooks.c.scheme == scheme.value)
            ).scalar_one()
        )

    def change(
        self,
        webhook_id: str,
        *,
        expected_updated_at: datetime,
        url: str,
        events: tuple[str, ...],
        description: str | None,
        active: bool,
        reenabled: bool,
        now: datetime,
    ) -> bool:
        """Compare-and-set a client's edit against the version it read (``updated_at``);
        re-enabling clears why it was disabled and its failing streak."""
        values: dict[str, Any] = {
            "url": url,
            "events": list(events),
            "description": description,
            "active": 1 if active else 0,
            "updated_at": now,
        }
        if reenabled:
            values.update(disabled_reason=None, failing_since=None)
        result = self._db.execute(
            update(webhooks)
            .where(webhooks.c.id == webhook_id, webhooks.c.updated_at == expected_updated_at)
            .values(**values)
        )
        return result.rowcount == 1

    # --- the health of a webhook (standard scheme) --------------------------------------

    def mark_failing(self, webhook_id: str, *, now: datetime) -> None:
        """Start the failing streak unless one runs already."""
        self._db.execute(
            update(webhooks)
            .where(webhooks.c.id == webhook_id, webhooks.c.failing_since.is_(None))
            .values(failing_since=now)
        )

    def mark_healthy(self, webhook_id: str) -> None:
        self._db.execute(
            update(webhooks)
            .where(webhooks.c.id == webhook_id, webhooks.c.failing_since.is_not(None))
            .values(failing_since=None)
        )

    def disable_if_failing_since(
        self, webhook_id: str, *, cutoff: datetime, reason: str, now: datetime
    ) -> bool:
        """Compare-and-set: turn off an active webhook failing since ``cutoff`` or earlier."""
        result = self._db.execute(
            update(webhooks)
            .where(
                webhooks.c.id == webhook_id,
                webhooks.c.active == 1,
                webhooks.c.failing_since <= cutoff,
            )
            .values(active=0, disabled_reason=reason, updated_at=now)
        )
        return result.rowcount == 1

    # --- the dispatcher's position -----------------------------------------------------

    def position(self) -> int | None:
        return self._cursor.position()

    def cursor(self) -> int:
        return self._cursor.cursor()

    def advance(self, from_id: int, to_id: int) -> bool:
        return self._cursor.advance(from_id, to_id)

    def events_after(self, event_id: int, *, limit: int) -> list[PendingEvent]:
        rows = self._db.execute(
            select(
                order_events.c.id,
                order_events.c.order_id,
                order_events.c.type,
                order_events.c.occurred_at,
                order_events.c.data,
                orders.c.owner_id,
                orders.c.booking_reference,
                orders.c.status,
            )
            .join(orders, orders.c.id == order_events.c.order_id)
            .where(order_events.c.id > event_id)
            .order_by(order_events.c.id)
            .limit(limit)
        )
        return [
            PendingEvent(
                r.id,
                r.order_id,
                r.owner_id,
                r.type,
                r.occurred_at,
                r.booking_reference,
                r.status,
                dict(r.data or {}),
            )
            for r in rows
        ]


def _columns(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "owner_id": webhook.owner_id,
        "url": webhook.url,
        "events": list(webhook.events),
        "secret": webhook.secret,
        "active": 1 if webhook.active else 0,
        "created_at": webhook.created_at,
        "updated_at": webhook.updated_at,
        "scheme": webhook.scheme.value,
        "description": webhook.description,
        "disabled_reason": webhook.disabled_reason,
        "failing_since": webhook.failing_since,
    }


def _webhook(row: Any) -> Webhook:
    return Webhook(
        id=row.id,
        owner_id=row.owner_id,
        url=row.url,
        events=tuple(row.events),
        secret=row.secret,
        active=bool(row.active),
        created_at=row.created_at,
        updated_at=row.updated_at,
        scheme=WebhookScheme(row.scheme),
        description=row.description,
        disabled_reason=row.disabled_reason,
        failing_since=row.failing_since,
    )

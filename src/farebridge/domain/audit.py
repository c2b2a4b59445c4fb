"""The audit log: who did what to which order or account (ADR 0021).

An entry is written in the same transaction as the change it records, by the use
case that makes it, with the acting user; what the change then did to the order is
in the order's events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class AuditAction(StrEnum):
    ORDER_CREATED = "order.created"  # recorded with the pending order, before the airline
    ORDER_PAID = "order.paid"  # a payment of a hold was recorded
    ORDER_CANCELLED = "order.cancelled"
    ORDER_CHANGED = "order.changed"  # a voluntary change was confirmed (booking under way)
    ORDER_UPDATED = "order.updated"  # metadata
    USER_ROLE_SET = "user.role_set"
    COUPON_ADDED = "coupon.added"  # data: the code and its terms (ADR 0024)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: AuditAction
    actor_id: str | None  # None: the command line, or a manage token (data["via"])
    occurred_at: datetime
    order_id: str | None = None
    subject_user_id: str | None = None  # user.role_set: whose role; order.created: the owner
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None  # given by the store

"""Email notifications: which order events become which messages, and when to remind.

An ``OutboxEmail`` is one message to one address, queued once per order event and
kind (``EVENT_EMAILS``); its status moves ``pending → sent | failed | skipped`` and
never back. A payment reminder is queued with the booking confirmation of a hold and
waits until ``send_after``; it is skipped if the hold was paid, cancelled or expired
by then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class EmailKind(StrEnum):
    BOOKING_CONFIRMATION = "booking_confirmation"
    PAYMENT_REMINDER = "payment_reminder"
    TICKET_ISSUED = "ticket_issued"
    SCHEDULE_CHANGE = "schedule_change"
    CANCELLATION = "cancellation"


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; ``last_error`` says why
    SKIPPED = "skipped"  # no longer true when due (a reminder of a hold already paid)


# order event type → the messages it causes (a hold's order.created also queues a
# payment reminder: ``reminds_of_payment``)
EVENT_EMAILS: dict[str, tuple[EmailKind, ...]] = {
    "order.created": (EmailKind.BOOKING_CONFIRMATION,),
    "order.ticketed": (EmailKind.TICKET_ISSUED,),
    "order.schedule_changed": (EmailKind.SCHEDULE_CHANGE,),
    "order.cancelled": (EmailKind.CANCELLATION,),
    "order.ticketing_failed": (EmailKind.CANCELLATION,),  # cancelled and refunded
}


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message; produced when the message is sent, never stored."""

    filename: str
    content_type: str  # "application/pdf"
    content: bytes


@dataclass(frozen=True, slots=True)
class OutboxEmail:
    id: str
    order_id: str
    event_id: int
    kind: EmailKind
    to_address: str
    subject: str
    text_body: str
    html_body: str
    created_at: datetime
    send_after: datetime
    status: EmailStatus = EmailStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    # what was attached when sent: [{"filename", "content_type", "size"}]
    attachments: tuple[dict[str, object], ...] = field(default=())


def reminder_at(created_at: datetime, deadline: datetime, lead: timedelta) -> datetime | None:
    """When to remind of a hold's payment: ``lead`` before the deadline, or halfway
    through a hold shorter than twice the lead; None when there is no time left."""
    remaining = deadline - created_at
    if remaining <= timedelta(0):
        return None
    return deadline - min(lead, remaining / 2)


def message_id(outbox_id: str, sender: str) -> str:
    """The ``Message-ID`` of an outbox message: the same for every attempt, so a
    message sent twice (a crash before it was marked sent) is recognisably one."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "farebridge.invalid"
    return f"<{outbox_id}@{domain}>"

"""The notifications sent (or queued) about an order."""

from __future__ import annotations

from farebridge.api.dialects.native.models.common import Instant, WireModel
from farebridge.domain.notifications import EmailKind, EmailStatus


class EmailAttachment(WireModel):
    filename: str
    content_type: str
    size: int


class Email(WireModel):
    id: str  # also the message's Message-ID: <id@sender's domain>
    kind: EmailKind
    to_address: str
    subject: str
    text_body: str
    status: EmailStatus
    attempts: int
    created_at: Instant
    send_after: Instant
    sent_at: Instant | None
    attachments: list[EmailAttachment]


class EmailListResponse(WireModel):
    data: list[Email]

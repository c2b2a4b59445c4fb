"""Notifications as the native dialect shows them."""

from __future__ import annotations

from farebridge.api.dialects.native.models import notifications as wire
from farebridge.api.dialects.native.presenters.common import instant, optional_instant
from farebridge.domain.notifications import OutboxEmail


def present_email(email: OutboxEmail) -> wire.Email:
    return wire.Email.model_construct(
        id=email.id,
        kind=email.kind,
        to_address=email.to_address,
        subject=email.subject,
        text_body=email.text_body,
        status=email.status,
        attempts=email.attempts,
        created_at=instant(email.created_at),
        send_after=instant(email.send_after),
        sent_at=optional_instant(email.sent_at),
        attachments=[
            wire.EmailAttachment.model_construct(
                filename=str(a.get("filename", "")),
                content_type=str(a.get("content_type", "")),
                size=int(str(a.get("size", 0))),
            )
            for a in email.attachments
        ],
    )

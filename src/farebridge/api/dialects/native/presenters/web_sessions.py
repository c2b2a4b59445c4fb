"""Booking drafts and sign-in codes on the wire (ADR 0035)."""

from __future__ import annotations

from datetime import datetime

from farebridge.api.dialects.native.models.web_sessions import (
    BookingDraft,
    BookingDraftBody,
    SignInCode,
)
from farebridge.api.dialects.native.presenters.common import instant
from farebridge.domain import booking_draft


def present_sign_in_code(code: str, expires_at: datetime, site_url: str) -> SignInCode:
    return SignInCode(code=code, expires_at=instant(expires_at), site_url=site_url)


def present_draft(draft: booking_draft.BookingDraft) -> BookingDraft:
    body = BookingDraftBody.model_validate(draft.content)
    return BookingDraft.model_validate(
        {
            **body.model_dump(),
            "id": draft.id,
            "created_at": instant(draft.created_at),
            "updated_at": instant(draft.updated_at),
            "expires_at": instant(draft.expires_at),
        }
    )

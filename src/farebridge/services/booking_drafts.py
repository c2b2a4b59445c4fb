"""The web site's bookings in progress, kept for the signed-in traveller (ADR 0035).

A draft belongs to the account that made it: any other account gets 404, as for
an order. It is capped in size, lives a week after its last change, an account
keeps its ten newest, and it never holds a card number.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from farebridge.domain.account import User
from farebridge.domain.booking_draft import BookingDraft, refuse_card_data
from farebridge.domain.errors import NotFound, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.services.ports import Dependencies

MAX_DRAFT_BYTES = 16_384
DRAFT_LIFETIME = timedelta(days=7)
DRAFTS_KEPT = 10


class DraftNotFound(NotFound):
    code = "booking_draft_not_found"


def _checked(content: dict[str, Any]) -> dict[str, Any]:
    size = len(json.dumps(content, separators=(",", ":")).encode())
    if size > MAX_DRAFT_BYTES:
        raise ValidationFailed(
            f"A booking draft holds at most {MAX_DRAFT_BYTES} bytes of JSON ({size} sent).",
            code="draft_too_large",
            field="data",
        )
    refuse_card_data(content)
    return content


def create_draft(deps: Dependencies, *, user: User, content: dict[str, Any]) -> BookingDraft:
    now = deps.clock.now()
    draft = BookingDraft(new_id("bdr"), user.id, _checked(content), now, now, now + DRAFT_LIFETIME)
    with deps.uow() as uow:
        uow.booking_drafts.add(draft)
        uow.booking_drafts.prune(user_id=user.id, now=now, keep=DRAFTS_KEPT)
        uow.commit()
    return draft


def get_draft(deps: Dependencies, *, user: User, draft_id: str) -> BookingDraft:
    with deps.uow(read_only=True) as uow:
        draft = uow.booking_drafts.get(draft_id, user_id=user.id, now=deps.clock.now())
    if draft is None:
        raise DraftNotFound(f"No booking draft {draft_id}.")
    return draft


def replace_draft(
    deps: Dependencies, *, user: User, draft_id: str, content: dict[str, Any]
) -> BookingDraft:
    now = deps.clock.now()
    checked = _checked(content)
    with deps.uow() as uow:
        found = uow.booking_drafts.get(draft_id, user_id=user.id, now=now)
        if found is None:
            raise DraftNotFound(f"No booking draft {draft_id}.")
        draft = BookingDraft(
            draft_id, user.id, checked, found.created_at, now, now + DRAFT_LIFETIME
        )
        if not uow.booking_drafts.replace(draft, now=now):
            raise DraftNotFound(f"No booking draft {draft_id}.")
        uow.commit()
    return draft


def delete_draft(deps: Dependencies, *, user: User, draft_id: str) -> None:
    with deps.uow() as uow:
        removed = uow.booking_drafts.remove(draft_id, user_id=user.id, now=deps.clock.now())
        uow.commit()
    if not removed:
        raise DraftNotFound(f"No booking draft {draft_id}.")

"""Find a booking without an account: booking reference plus a passenger's family name
(customer service, the web site's "manage booking"). ADR 0021.

A match returns the order and a *manage token*: a random secret, stored hashed, that
reads that one order (``read_managed_order``), its PDFs and its history (ADR 0036)
for ``MANAGE_TOKEN_LIFETIME``, and may cancel it with a quote first
(``services/managed_cancellation.py``, ADR 0038); it changes nothing else. A wrong
name and an unknown reference are the same 404, found by the same work (the names
are compared even when no order has the reference), and the route is rate-limited
per address, so references cannot be enumerated.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from farebridge.domain.documents import DocumentInfo, DocumentKind, OrderDocument
from farebridge.domain.errors import (
    DocumentNotReady,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
)
from farebridge.domain.lookup import matches_any, normalise_reference
from farebridge.domain.order import UNCONFIRMED_STATUSES, Order, OrderEvent
from farebridge.services.accounts import hash_token
from farebridge.services.ports import Dependencies, UnitOfWork

MANAGE_TOKEN_LIFETIME = timedelta(minutes=30)
MANAGE_TOKEN_PREFIX = "fbm_"  # noqa: S105 (a prefix, not a secret)
# Compared when no order has the reference, so a miss costs what a wrong name does.
_DECOY_NAMES = ("decoy-family-name",)


@dataclass(frozen=True, slots=True)
class FoundBooking:
    order: Order
    manage_token: str
    expires_at: datetime


def _not_found() -> NotFound:
    return NotFound("No booking with this reference and family name.", code="booking_not_found")


def look_up_booking(
    deps: Dependencies, *, booking_reference: str, family_name: str
) -> FoundBooking:
    reference = normalise_reference(booking_reference)
    if not reference:
        raise ValidationFailed("Give the booking reference.", field="booking_reference")
    if not family_name.strip():
        raise ValidationFailed("Give a passenger's family name.", field="family_name")
    now = deps.clock.now()
    with deps.uow() as uow:
        candidates = uow.orders.with_booking_reference(reference)
        if not candidates:
            matches_any(family_name, _DECOY_NAMES)  # the same work as a wrong name
        found = None
        for order in candidates:
            names = [p.family_name for p in order.passengers]
            if matches_any(family_name, names) and found is None:
                found = order
        if found is None:
            raise _not_found()
        token = MANAGE_TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires_at = now + MANAGE_TOKEN_LIFETIME
        uow.manage_tokens.add(hash_token(token), found.id, now=now, expires_at=expires_at)
        uow.commit()
    return FoundBooking(found, token, expires_at)


def managed_order(uow: UnitOfWork, token: str, now: datetime) -> Order:
    """The one order a live manage token names; 401 ``invalid_manage_token`` otherwise."""
    order_id = uow.manage_tokens.order_for(hash_token(token), now=now)
    order = uow.orders.get(order_id) if order_id is not None else None
    if order is None or order.status in UNCONFIRMED_STATUSES:
        raise NotAuthenticated(
            "The manage token is invalid or expired; look the booking up again.",
            code="invalid_manage_token",
        )
    return order


def read_managed_order(deps: Dependencies, *, token: str) -> Order:
    """The one order a live manage token reads; 401 for an unknown or expired token."""
    with deps.uow(read_only=True) as uow:
        return managed_order(uow, token, deps.clock.now())


def list_managed_documents(deps: Dependencies, *, token: str) -> list[DocumentInfo]:
    """The newest PDF of each kind of the managed order (ADR 0036): what the owner sees."""
    with deps.uow(read_only=True) as uow:
        order = managed_order(uow, token, deps.clock.now())
        return uow.documents.list_newest(order.id)


def get_managed_document(deps: Dependencies, *, token: str, kind: DocumentKind) -> OrderDocument:
    """The newest PDF of ``kind`` of the managed order; ``DocumentNotReady`` while none."""
    with deps.uow(read_only=True) as uow:
        order = managed_order(uow, token, deps.clock.now())
        document = uow.documents.newest(order.id, kind)
    if document is None:
        raise DocumentNotReady(f"This booking has no {kind.value} yet; try again shortly.")
    return document


def list_managed_events(deps: Dependencies, *, token: str) -> list[OrderEvent]:
    """The managed order's history, oldest first (ADR 0036)."""
    with deps.uow(read_only=True) as uow:
        order = managed_order(uow, token, deps.clock.now())
        return uow.orders.events(order.id)

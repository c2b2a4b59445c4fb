"""The PDF documents of an order (ADR 0017): rendered by a durable job, stored, served.

``enqueue_render`` is called in the transaction that tickets, reissues or cancels an
order; the ``render_document`` job then calls ``ensure_document``, which renders the
order as it is now and stores it as the next version unless the newest stored
version already shows the same state (its *source*, ``domain.documents``). So a job
that runs twice, or crashes after storing, stores one document; a reissue (new ticket
numbers) stores the next e-ticket version, and the newest is the one served.

For other services (e.g. e-mail notifications):

* ``newest_document(deps, order_id, kind)`` → the newest stored ``OrderDocument`` or None;
* ``ensure_document(deps, order_id, kind)`` → the same, rendered and stored first if the
  order's current state has none yet; None when the order has nothing of that kind
  (an e-ticket before ticketing, a receipt before cancellation).

Neither checks ownership: they are for the engine itself. The API goes through
``list_documents`` / ``get_document``, which apply the order's ownership rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from farebridge.domain.account import User
from farebridge.domain.documents import (
    CancellationTerms,
    DocumentInfo,
    DocumentKind,
    OrderDocument,
    cancellation_terms,
    e_ticket_source,
    filename_for,
)
from farebridge.domain.errors import Conflict, DocumentNotReady
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order
from farebridge.services.jobs import JobKind, enqueue_in
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.reads import owned_order

STORE_ATTEMPTS = 3


def enqueue_render(
    uow: UnitOfWork, deps: Dependencies, order_id: str, kind: DocumentKind, *, cause: str
) -> None:
    """Queue rendering ``kind`` for the order, once per ``cause`` (the ticket numbers of
    an issue or reissue, the cancellation's id)."""
    digest = hashlib.sha256(cause.encode()).hexdigest()[:24]
    enqueue_in(
        uow,
        deps,
        JobKind.RENDER_DOCUMENT,
        {"order_id": order_id, "kind": kind.value},
        dedupe_key=f"{JobKind.RENDER_DOCUMENT.value}:{order_id}:{kind.value}:{digest}",
    )


def render_document(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: store the document of the order's current state, once."""
    ensure_document(deps, str(payload["order_id"]), DocumentKind(payload["kind"]))


def newest_document(deps: Dependencies, order_id: str, kind: DocumentKind) -> OrderDocument | None:
    """The newest stored document of ``kind`` (its bytes and filename), or None."""
    with deps.uow(read_only=True) as uow:
        return uow.documents.newest(order_id, kind)


def ensure_document(deps: Dependencies, order_id: str, kind: DocumentKind) -> OrderDocument | None:
    """The document of ``kind`` for the order's current state, rendered and stored now if
    it is missing (idempotent); None when the order has no such document to give."""
    with deps.uow(read_only=True) as uow:
        rendering = _prepare(uow, order_id, kind)
        if rendering is None:
            return None
        newest = uow.documents.newest(order_id, kind)
        if newest is not None and newest.source == rendering.source:
            return newest
        payments = uow.payments.for_order(order_id)
    # Imported here: the PDF library takes about 1.5 s to import, which every process
    # (API, worker, CLI) would otherwise pay at start-up for the few that render.
    from farebridge.pdf.cancellation_receipt import render_cancellation_receipt
    from farebridge.pdf.e_ticket import render_e_ticket

    now = deps.clock.now()
    order, terms = rendering.order, rendering.terms
    if terms is not None:
        content = render_cancellation_receipt(order, terms, payments, issued_at=now)
    else:
        content = render_e_ticket(order, payments, issued_at=now)
    return _store(deps, order, kind, rendering.source, content)


@dataclass(frozen=True, slots=True)
class _Rendering:
    source: str
    order: Order
    terms: CancellationTerms | None  # a cancellation receipt's


def _prepare(uow: UnitOfWork, order_id: str, kind: DocumentKind) -> _Rendering | None:
    """What to render when the order has a document of ``kind`` to show now."""
    order = uow.orders.get(order_id)
    if order is None:
        return None
    if kind is DocumentKind.E_TICKET:
        source = e_ticket_source(order)
        return None if source is None else _Rendering(source, order, None)
    events = uow.orders.events(order.id)
    cancelled = next((e for e in reversed(events) if e.type == "order.cancelled"), None)
    quote_id = cancelled.data.get("cancellation_id") if cancelled is not None else None
    quote = uow.cancellations.get(str(quote_id)) if quote_id else None
    terms = cancellation_terms(order, events, quote, uow.payments.for_order(order.id))
    return None if terms is None else _Rendering(terms.source, order, terms)


def _store(
    deps: Dependencies, order: Order, kind: DocumentKind, source: str, content: bytes
) -> OrderDocument:
    """Store ``content`` as the next version, unless another run stored this state
    first; a lost race for a version number is retried with the next one."""
    for _ in range(STORE_ATTEMPTS):
        with deps.uow() as uow:
            newest = uow.documents.newest(order.id, kind)
            if newest is not None and newest.source == source:
                return newest
            version = newest.version + 1 if newest is not None else 1
            document = OrderDocument(
                id=new_id("doc"),
                order_id=order.id,
                kind=kind,
                version=version,
                filename=filename_for(kind, order.booking_reference, version),
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                source=source,
                created_at=deps.clock.now(),
                content=content,
            )
            if uow.documents.add(document):
                uow.commit()
                return document
    raise Conflict(
        f"Could not store the {kind.value} of order {order.id}: its versions kept moving.",
        code="document_conflict",
    )


# --- the API's reads: the owner only ---------------------------------------------------
def list_documents(deps: Dependencies, *, user: User, order_id: str) -> list[DocumentInfo]:
    """The newest document of each kind of one of the caller's orders (none yet: empty)."""
    with deps.uow(read_only=True) as uow:
        order = owned_order(uow, user, order_id)
        return uow.documents.list_newest(order.id)


def get_document(
    deps: Dependencies, *, user: User, order_id: str, kind: DocumentKind
) -> OrderDocument:
    """The newest PDF of ``kind`` of one of the caller's orders; ``DocumentNotReady`` while
    there is none (not ticketed or cancelled yet, or its job has not run yet)."""
    with deps.uow(read_only=True) as uow:
        order = owned_order(uow, user, order_id)
        document = uow.documents.newest(order.id, kind)
    if document is None:
        raise DocumentNotReady(
            f"Order {order_id} has no {kind.value} yet: it is made when the order is "
            f"{'ticketed' if kind is DocumentKind.E_TICKET else 'cancelled'}; try again shortly."
        )
    return document

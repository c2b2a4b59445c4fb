"""Email notifications: an outbox over the order events, delivered by durable jobs.

``dispatch_emails`` (a step of the worker loop) reads the order events after its own
position (a ``webhook_cursors`` row of its own: webhooks and email never wait for
each other), renders the messages each event causes (``EVENT_EMAILS``; a hold's
confirmation also queues its payment reminder), inserts one ``email_outbox`` row per
message and one ``send_email`` job for it, and moves the position with a
compare-and-set, all in one transaction: two dispatchers never queue a message twice
(and the outbox's unique (event, kind) would refuse it anyway).

``send_email`` (the job) sends a pending message and marks it sent. It is
idempotent: a sent, failed or skipped message is left alone. A crash after the
server took the message and before it was marked sent resends it when the job runs
again: at most one duplicate per crash, with the same ``Message-ID`` (derived from the
outbox id) so a mail client or a person recognises it. A failure the server may get
over (unreachable, 4xx) is retried with the job queue's backoff up to
``job_max_attempts``; a 5xx refusal of the address fails the message at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import default as default_mail_policy
from email.utils import format_datetime
from typing import Any

import structlog

from farebridge.domain.account import User
from farebridge.domain.documents import DocumentKind
from farebridge.domain.errors import UpstreamUnavailable
from farebridge.domain.ids import new_id
from farebridge.domain.notifications import (
    EVENT_EMAILS,
    Attachment,
    EmailKind,
    EmailStatus,
    OutboxEmail,
    message_id,
    reminder_at,
)
from farebridge.domain.order import Order, OrderStatus, OrderType
from farebridge.services.documents import ensure_document
from farebridge.services.email_messages import render
from farebridge.services.jobs import JobKind, enqueue_in
from farebridge.services.ports import Dependencies, PendingEvent, UnitOfWork
from farebridge.services.reads import owned_order

log = structlog.get_logger(__name__)
DISPATCH_BATCH = 200


def dispatch_emails(deps: Dependencies) -> int:
    """Queue the messages of the order events since the last call; how many were queued."""
    with deps.uow(read_only=True) as uow:  # idle most of the time: no write lock for that
        seen = uow.email_outbox.position()
        if seen is not None and not uow.webhooks.events_after(seen, limit=1):
            return 0
    with deps.uow() as uow:
        position = uow.email_outbox.cursor()
        events = uow.webhooks.events_after(position, limit=DISPATCH_BATCH)
        if not events:
            uow.commit()  # the first call on a database creates the position
            return 0
        wanted = [pending for pending in events if EVENT_EMAILS.get(pending.type)]
        # Every order and owner of the batch in one query each, not two per event.
        orders = uow.orders.get_many({pending.order_id for pending in wanted})
        owners = uow.users.get_many({pending.owner_id for pending in wanted})
        queued = sum(
            _queue_for(uow, deps, e, orders.get(e.order_id), owners.get(e.owner_id)) for e in wanted
        )
        if not uow.email_outbox.advance(position, events[-1].id):
            return 0  # another dispatcher queued these; roll ours back
        uow.commit()
    return queued


def _queue_for(
    uow: UnitOfWork,
    deps: Dependencies,
    pending: PendingEvent,
    order: Order | None,
    owner: User | None,
) -> int:
    kinds = EVENT_EMAILS.get(pending.type, ())
    if not kinds or order is None or owner is None:
        return 0
    now = deps.clock.now()
    plan = [(kind, now) for kind in kinds]
    deadline = order.payment_required_by
    if pending.type == "order.created" and order.type is OrderType.HOLD and deadline:
        at = reminder_at(pending.occurred_at, deadline, deps.policies.payment_reminder_lead)
        if at is not None:
            plan.append((EmailKind.PAYMENT_REMINDER, max(at, now)))
    queued = 0
    for kind, send_after in plan:
        queued += _queue(uow, deps, order, owner, pending, kind, send_after)
    return queued


def _queue(
    uow: UnitOfWork,
    deps: Dependencies,
    order: Order,
    owner: User,
    pending: PendingEvent,
    kind: EmailKind,
    send_after: datetime,
) -> int:
    now = deps.clock.now()
    try:
        rendered = render(kind, order, event=pending.data, now=now)
    except Exception:  # one odd event must not stop every later email
        log.exception("email.not_rendered", order_id=order.id, event_id=pending.id, kind=kind)
        return 0
    email = OutboxEmail(
        id=new_id("eml"),
        order_id=order.id,
        event_id=pending.id,
        kind=kind,
        to_address=recipient(owner),
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
        created_at=now,
        send_after=send_after,
    )
    if not uow.email_outbox.add(email):
        return 0
    enqueue_in(
        uow,
        deps,
        JobKind.SEND_EMAIL,
        {"email_id": email.id},
        dedupe_key=f"email:{email.id}",
        run_after=send_after,
    )
    return 1


def recipient(owner: User) -> str:
    """Who is told about an order: the account that owns it (the person or agency that
    booked; the passengers' own addresses are the airline's to use)."""
    return owner.email


# The PDF each kind of message carries (ADR 0017's documents), rendered now if missing.
_DOCUMENTS = {
    EmailKind.TICKET_ISSUED: DocumentKind.E_TICKET,
    EmailKind.CANCELLATION: DocumentKind.CANCELLATION_RECEIPT,
}


def _attachments_for(kind: EmailKind, order_id: str, deps: Dependencies) -> list[Attachment]:
    """The files a message carries, produced when it is sent (never stored twice): the
    e-ticket receipt with the ticket-issued message, the cancellation receipt with the
    cancellation. ``ensure_document`` renders a missing one now (idempotent, the same
    version the documents route serves); an order whose state no longer has that
    document (cancelled before the ticket message went out) sends the text alone."""
    document_kind = _DOCUMENTS.get(kind)
    if document_kind is None:
        return []
    document = ensure_document(deps, order_id, document_kind)
    if document is None:
        return []
    return [Attachment(document.filename, document.media_type, document.content)]


def send_email(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job handler: send one queued message (see the module's notes on idempotency)."""
    email_id = str(payload["email_id"])
    with deps.uow(read_only=True) as uow:
        email = uow.email_outbox.get(email_id)
        if email is None or email.status is not EmailStatus.PENDING:
            return
        # the order only for a reminder, which is sent while it still awaits payment
        reminder = email.kind is EmailKind.PAYMENT_REMINDER
        order = uow.orders.get(email.order_id) if reminder else None
    if reminder and not _awaits_payment(order, deps.clock.now()):
        reason = f"order is {order.status.value if order else 'gone'}: no reminder"
        _finish(deps, email_id, EmailStatus.SKIPPED, error=reason)
        return
    transport = deps.mail_transport
    if transport is None:
        log.info("email.not_sent", email_id=email_id, reason="no mail transport configured")
        return
    try:
        attachments = _attachments_for(email.kind, email.order_id, deps)
        message = build_message(email, attachments, sender=transport.sender)
        transport.send(message, email_id=email_id)
    except UpstreamUnavailable as exc:
        _failed_attempt(deps, email, exc)
        return
    sent = [
        {"filename": a.filename, "content_type": a.content_type, "size": len(a.content)}
        for a in attachments
    ]
    _finish(deps, email_id, EmailStatus.SENT, attachments=sent)
    log.info("email.sent", email_id=email_id, kind=email.kind.value, order_id=email.order_id)


def _awaits_payment(order: Order | None, now: datetime) -> bool:
    return (
        order is not None
        and order.status is OrderStatus.HOLD
        and order.payment_required_by is not None
        and now < order.payment_required_by
    )


def _failed_attempt(deps: Dependencies, email: OutboxEmail, exc: UpstreamUnavailable) -> None:
    """Count the attempt; fail the message for good after a 5xx refusal or the last
    attempt, else raise so that the job is retried with backoff."""
    with deps.uow() as uow:
        attempts = uow.email_outbox.record_attempt(email.id, error=exc.message)
        uow.commit()
    final = exc.code == "mail_rejected" or (
        attempts is not None and attempts >= deps.policies.job_max_attempts
    )
    log.warning("email.attempt_failed", email_id=email.id, attempts=attempts, final=final)
    if attempts is None:
        return
    if not final:
        raise exc
    _finish(deps, email.id, EmailStatus.FAILED)


def _finish(
    deps: Dependencies,
    email_id: str,
    status: EmailStatus,
    *,
    error: str | None = None,
    attachments: list[dict[str, object]] | None = None,
) -> None:
    with deps.uow() as uow:
        uow.email_outbox.finish(
            email_id,
            status=status,
            sent_at=deps.clock.now() if status is EmailStatus.SENT else None,
            attachments=attachments,
            error=error,
        )
        uow.commit()


class _HeaderClasses(HeaderRegistry):
    """The standard library's registry of header classes, building each header name's
    class once: its own builds a new class for every header it parses (``type(...)`` in
    ``HeaderRegistry.__getitem__``), about 40 per message. With this alone, building and
    writing a message takes 0.72 of the time (ADR 0033, second addendum). The classes
    are the same, made once."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


MAIL_POLICY = default_mail_policy.clone(header_factory=_HeaderClasses())


def _boundary(*texts: str) -> str:
    """A MIME boundary found in none of ``texts`` (the parts written as they are; the
    attachments are base64, which has no ``=`` inside a line). Set by the message itself,
    so that the generator does not make one: it compiles a regular expression per
    boundary to search the text for it. With this alone, building and writing a message
    takes 0.88 of the time (ADR 0033, second addendum)."""
    while True:
        boundary = f"===fb{secrets.token_hex(12)}=="
        if not any(boundary in text for text in texts):
            return boundary


def build_message(
    email: OutboxEmail, attachments: list[Attachment], *, sender: str
) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, then the attachments."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = message_id(email.id, sender)
    message["X-Farebridge-Order"] = email.order_id
    message["X-Farebridge-Kind"] = email.kind.value
    message.set_content(email.text_body)
    message.make_alternative(boundary=_boundary(email.text_body, email.html_body))
    message.add_alternative(email.html_body, subtype="html")
    if attachments:
        message.make_mixed(boundary=_boundary(email.text_body, email.html_body))
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def list_order_emails(deps: Dependencies, *, user: User, order_id: str) -> list[OutboxEmail]:
    """The notifications about an order, oldest first (the owner's, or an admin's view)."""
    with deps.uow(read_only=True) as uow:
        owned_order(uow, user, order_id)
        return uow.email_outbox.list_for_order(order_id)

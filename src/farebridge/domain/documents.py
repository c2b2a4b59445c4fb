"""The PDF documents of an order (ADR 0017): an e-ticket / itinerary receipt once it is
ticketed (a new version after each reissue) and a cancellation receipt once it is
cancelled.

A document is rendered from a *source*: the state of the order it shows, as a short
string (the booking reference and ticket numbers of an e-ticket, the cancellation of a
receipt). The newest stored version of a kind with the same source is the document
of that state: rendering again stores nothing, so a job that runs twice stores one
document, and a reissue (new ticket numbers) stores the next version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.money import Money
from farebridge.domain.order import Order, OrderEvent, OrderStatus
from farebridge.domain.payment import Payment, PaymentStatus

ELECTRONIC_TICKET = "electronic_ticket"


class DocumentKind(StrEnum):
    E_TICKET = "e_ticket"
    CANCELLATION_RECEIPT = "cancellation_receipt"


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A stored document without its bytes (what a listing shows)."""

    id: str
    order_id: str
    kind: DocumentKind
    version: int  # 1, 2… per order and kind; the highest is served
    filename: str
    size: int  # bytes
    sha256: str  # hex digest of the PDF
    source: str  # the order state it shows (see the module docstring)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OrderDocument:
    """A stored PDF of an order: ``content`` is the file, ``filename`` its name."""

    id: str
    order_id: str
    kind: DocumentKind
    version: int
    filename: str
    size: int
    sha256: str
    source: str
    created_at: datetime
    content: bytes

    @property
    def media_type(self) -> str:
        return "application/pdf"


def ticket_numbers(order: Order) -> tuple[str, ...]:
    return tuple(d.unique_identifier for d in order.documents if d.type == ELECTRONIC_TICKET)


def document_kinds(order: Order) -> tuple[DocumentKind, ...]:
    """The PDFs ``order`` has in its state now: an e-ticket once ticketed (kept after a
    cancellation), a cancellation receipt once cancelled. Each is rendered by a job a
    moment after the change (``GET …/documents`` lists it once stored)."""
    kinds = []
    if e_ticket_source(order) is not None:
        kinds.append(DocumentKind.E_TICKET)
    if order.status is OrderStatus.CANCELLED:
        kinds.append(DocumentKind.CANCELLATION_RECEIPT)
    return tuple(kinds)


def e_ticket_source(order: Order) -> str | None:
    """What an e-ticket of ``order`` shows now, or None when it has none: not ticketed
    (a changed order waits for its reissue with no tickets). The booking reference, the
    ticket numbers and a digest of the flights, their times and whether the airline
    cancelled one (a schedule change)."""
    numbers = ticket_numbers(order)
    if order.status not in (OrderStatus.TICKETED, OrderStatus.CANCELLED) or not numbers:
        return None
    flights = "/".join(
        f"{s.marketing_carrier.iata_code}{s.marketing_carrier_flight_number}"
        f"@{s.departing_at.isoformat()}-{s.arriving_at.isoformat()}"
        f"{'x' if s.cancelled else ''}"
        for item in order.slices
        for s in item.segments
    )
    digest = hashlib.sha256(flights.encode()).hexdigest()[:16]
    return f"{order.booking_reference}:{','.join(sorted(numbers))}:{digest}"


def filename_for(kind: DocumentKind, booking_reference: str, version: int) -> str:
    """``e-ticket-ABC123.pdf``, ``e-ticket-ABC123-v2.pdf``, ``cancellation-receipt-ABC123.pdf``."""
    reference = re.sub(r"[^A-Za-z0-9]", "", booking_reference) or "order"
    suffix = f"-v{version}" if version > 1 else ""
    return f"{kind.value.replace('_', '-')}-{reference}{suffix}.pdf"


@dataclass(frozen=True, slots=True)
class CancellationTerms:
    """What a cancellation receipt states: what came back, what was kept, and why."""

    source: str  # the cancellation id, or the ticketing failure
    cancelled_at: datetime
    charged: Money  # what the customer had paid
    refund: Money
    penalty: Money  # kept
    rule: str  # why: the fare rule (or the reason nothing was kept)
    refund_to: str  # "original_form_of_payment" | "none"
    reason: str  # the customer's reason, or the failure's code
    quoted_at: datetime | None = None


def cancellation_terms(
    order: Order,
    events: Sequence[OrderEvent],
    quote: CancellationQuote | None,
    payments: Sequence[Payment],
) -> CancellationTerms | None:
    """The terms of ``order``'s cancellation, or None when it is not cancelled. ``quote``
    is the confirmed quote the ``order.cancelled`` event names (None for a ticketing
    that failed, refunded in full)."""
    if order.status is not OrderStatus.CANCELLED:
        return None
    event = next((e for e in reversed(events) if e.to_status is OrderStatus.CANCELLED), None)
    if event is None:
        return None
    cancelled_at = order.cancelled_at or event.occurred_at
    if quote is not None and event.data.get("cancellation_id") == quote.id:
        return CancellationTerms(
            source=quote.id,
            cancelled_at=quote.confirmed_at or cancelled_at,
            charged=quote.refund + quote.penalty,
            refund=quote.refund,
            penalty=quote.penalty,
            rule=_fare_rule(order, quote),
            refund_to=quote.refund_to,
            reason=quote.reason,
            quoted_at=quote.created_at,
        )
    paid = _paid(order, payments)
    return CancellationTerms(
        source=f"{event.type}:{event.occurred_at.isoformat()}",
        cancelled_at=cancelled_at,
        charged=paid,
        refund=paid,
        penalty=Money.zero(paid.currency),
        rule=(
            "The airline could not issue the tickets; nothing was issued, so everything "
            "paid is refunded and no penalty applies."
        ),
        refund_to="original_form_of_payment" if paid.amount > 0 else "none",
        reason=str(event.data.get("code", event.type)),
    )


def _paid(order: Order, payments: Sequence[Payment]) -> Money:
    total = Money.zero(order.total.currency)
    for payment in payments:
        if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
            total = total + payment.amount
    return total


def _fare_rule(order: Order, quote: CancellationQuote) -> str:
    """Why the quote kept what it kept (``domain.cancellation.quote_refund``'s rules)."""
    brand = order.fare_brand_name or "the fare"
    if quote.order_status is OrderStatus.HOLD:
        return "The order was on hold and unpaid: nothing was charged, nothing is refunded."
    if quote.order_status is not OrderStatus.TICKETED:
        return (
            "The order was cancelled before its tickets were issued (a void): everything "
            "paid is refunded, with no penalty."
        )
    rule = order.conditions.refund_before_departure
    if not rule.allowed:
        return (
            f"{brand} is non-refundable: the fare, the paid extras and any card fee are "
            "kept; the taxes are refunded."
        )
    if rule.penalty is None or rule.penalty.amount == 0:
        return f"{brand} is refundable before departure without a penalty."
    seated = len([p for p in order.passengers if p.type.occupies_seat])
    return (
        f"{brand} is refundable before departure with a penalty of {rule.penalty} per "
        f"passenger ({seated} x {rule.penalty} = {quote.penalty} kept)."
    )

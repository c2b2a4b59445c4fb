"""The cancellation receipt: what was refunded, what was kept (the penalty) and why
(the fare rule), with the dates of the quote and of the cancellation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from farebridge.domain.documents import CancellationTerms, ticket_numbers
from farebridge.domain.order import Order
from farebridge.domain.payment import Payment
from farebridge.pdf.layout import Page, arrival, instant, local_time, money

REFUND_TO = {
    "original_form_of_payment": "the original form of payment",
    "none": "nothing to refund",
}


def render_cancellation_receipt(
    order: Order, terms: CancellationTerms, payments: Sequence[Payment], *, issued_at: datetime
) -> bytes:
    """The PDF of ``order``'s cancellation receipt."""
    page = Page(
        title=f"Cancellation receipt {order.booking_reference}",
        created_at=issued_at,
        footer_note=f"farebridge · issued {instant(issued_at)} · times are local at each airport",
    )
    page.band(
        "Cancellation receipt",
        f"{order.owner.name} · booking {order.booking_reference} is cancelled; "
        "its flights below will not be flown.",
    )
    page.key_figures(
        [
            ("Booking reference", order.booking_reference),
            ("Order", order.id),
            ("Cancelled", instant(terms.cancelled_at)),
            ("Issued", instant(issued_at)),
        ],
        widths=(3.4, 7.0, 4.1, 4.1),
    )
    page.section("Refund")
    page.grid(
        [],
        [
            ["Paid for the order", money(terms.charged)],
            ["Kept (penalty)", money(terms.penalty)],
            ["Refunded", money(terms.refund)],
        ],
        widths=(10, 4),
        align_right=(1,),
        bold_last_row=True,
    )
    page.paragraph(f"Why: {terms.rule}")
    refund_to = REFUND_TO.get(terms.refund_to, terms.refund_to)
    page.paragraph(
        f"Refunded to: {refund_to}."
        + (" Card refunds take a few business days to appear." if terms.refund.amount else "")
    )
    _dates(page, terms)
    _flights(page, order)
    _passengers(page, order)
    _payments(page, payments)
    return page.render()


def _dates(page: Page, terms: CancellationTerms) -> None:
    page.section("Cancellation")
    rows = []
    if terms.quoted_at is not None:
        rows.append(["Refund quoted", instant(terms.quoted_at)])
    rows += [
        ["Cancelled", instant(terms.cancelled_at)],
        ["Reason", terms.reason.replace("_", " ")],
        ["Reference", terms.source],
    ]
    page.grid([], rows, widths=(4, 10))


def _flights(page: Page, order: Order) -> None:
    page.section("Cancelled flights")
    rows = [
        [
            f"{s.marketing_carrier.iata_code} {s.marketing_carrier_flight_number}",
            f"{s.origin.iata_code} → {s.destination.iata_code}",
            local_time(s.departing_at),
            arrival(s),
        ]
        for item in order.slices
        for s in item.segments
    ]
    page.grid(
        ["Flight", "Route", "Departure (local)", "Arrival (local)"], rows, widths=(3, 4, 5, 5)
    )


def _passengers(page: Page, order: Order) -> None:
    page.section("Passengers")
    numbers = ticket_numbers(order)
    names = [f"{p.given_name} {p.family_name}" for p in order.passengers]
    page.paragraph(", ".join(names))
    if numbers:
        page.note("Tickets cancelled: " + ", ".join(numbers))


def _payments(page: Page, payments: Sequence[Payment]) -> None:
    if not payments:
        return
    page.section("Payments")
    rows = [
        [instant(p.created_at), p.method.type.value, p.id, p.status.value, money(p.amount)]
        for p in sorted(payments, key=lambda p: p.created_at)
    ]
    page.grid(
        ["Date", "Method", "Payment", "Status", "Amount"],
        rows,
        widths=(4.4, 2, 7, 2.6, 3.4),
        align_right=(4,),
    )

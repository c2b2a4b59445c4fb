"""The PDF renderers and the document rules (ADR 0017), without a database: PDFs are
read back with pypdf and the QR code is compared with the one its text makes."""

from __future__ import annotations

import io
import logging
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pypdfium2 as pdfium
import pytest
import segno
from fpdf.fonts import TTFFont
from PIL import Image, ImageChops
from pypdf import PdfReader

from farebridge.domain.cancellation import CancellationQuote, quote_refund
from farebridge.domain.documents import (
    DocumentKind,
    cancellation_terms,
    e_ticket_source,
    filename_for,
)
from farebridge.domain.money import Money
from farebridge.domain.order import Document, Order, OrderEvent, OrderService, OrderStatus
from farebridge.domain.payment import Payment, PaymentMethod, PaymentStatus, PaymentType
from farebridge.pdf import layout
from farebridge.pdf.cancellation_receipt import render_cancellation_receipt
from farebridge.pdf.e_ticket import qr_text, render_e_ticket
from farebridge.pdf.layout import (
    FONT,
    FONT_FILES,
    FONTS,
    GRID_LINE,
    GRID_PADDING,
    MARGIN,
    Page,
    qr_image,
)
from tests.factories import create_order, create_passenger

NOW = datetime(2029, 12, 1, 12, 0, tzinfo=UTC)


def gbp(amount: str) -> Money:
    return Money(Decimal(amount), "GBP")


def ticketed_order(**overrides: object) -> Order:
    order = create_order(status=OrderStatus.TICKETED, **overrides)  # type: ignore[arg-type]
    second = replace(
        create_passenger(id="pas_2"), given_name="Zoë", family_name="Ångström-Łukasiewicz"
    )
    return replace(
        order,
        passengers=(order.passengers[0], second),
        documents=(
            Document("electronic_ticket", "125-1234567890", "pas_1", NOW),
            Document("electronic_ticket", "125-1234567891", "pas_2", NOW),
        ),
        services=(OrderService("ase_1", "seat", "seg_1", "pas_1", gbp("25.00"), "12A"),),
        surcharge=gbp("3.50"),
    )


def paid(order: Order) -> list[Payment]:
    method = PaymentMethod(PaymentType.CARD, "tok_visa")
    return [Payment("pay_1", order.id, order.charged_total, method, PaymentStatus.SUCCEEDED, NOW)]


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_e_ticket_prints_the_order() -> None:
    order = ticketed_order()
    pdf = render_e_ticket(order, paid(order), issued_at=NOW)
    text = text_of(pdf)
    assert "ABC234" in text and "E-ticket / itinerary receipt" in text
    assert "Ms Amelia Earhart" in text and "Zoë Ångström-Łukasiewicz" in text
    assert "125-1234567890" in text and "125-1234567891" in text
    assert "BA 117" in text and "Boeing 777-300ER" in text
    assert "Thu 10 Jan 2030 18:30" in text, "departure, local time in New York"
    assert "Fri 11 Jan 2030 06:30 (+1)" in text, "arrival, local time in London, next day"
    assert "John F. Kennedy" in text and "Airport (JFK)" in text
    assert "Seat 12A" in text
    assert "400.00 GBP" in text and "50.00 GBP" in text and "3.50 GBP" in text
    assert "Total 478.50 GBP" in text, "fare + taxes + seat + card surcharge"
    assert "75.00 GBP" in text, "the refund penalty of the fare"
    assert "X1234567" not in text and "*****567" in text, "passports are masked"
    assert "pay_1" in text and "succeeded" in text


def test_the_e_ticket_shows_the_coupon_discount() -> None:
    order = replace(ticketed_order(), coupon_code="SPRING10", discount=gbp("45.00"))
    text = text_of(render_e_ticket(order, paid(order), issued_at=NOW))
    assert "Coupon SPRING10 -45.00 GBP" in text
    assert "Total 433.50 GBP" in text, "fare + taxes + seat - discount + card surcharge"


def test_a_flight_the_airline_cancelled_is_marked_on_its_own_lines() -> None:
    """The mark must not wrap inside the narrow flight column (CI once found
    "CANCELLED by the" and "airline" on two lines)."""
    order = ticketed_order()
    first = order.slices[0]
    segment = replace(first.segments[0], cancelled=True)
    order = replace(order, slices=(replace(first, segments=(segment,)), *order.slices[1:]))
    lines = text_of(render_e_ticket(order, paid(order), issued_at=NOW)).splitlines()
    assert "CANCELLED" in lines and "by the airline" in lines
    assert "CANCELLED" not in text_of(render_e_ticket(ticketed_order(), [], issued_at=NOW))


def test_the_qr_code_holds_the_booking_reference() -> None:
    order = ticketed_order()
    page = PdfReader(io.BytesIO(render_e_ticket(order, paid(order), issued_at=NOW))).pages[0]
    [embedded] = page.images
    drawn = io.BytesIO()  # segno's own drawing of the code, as a PNG
    segno.make(qr_text(order), error="m", micro=False).save(drawn, kind="png", scale=8, border=4)
    expected = Image.open(drawn).convert("L")
    assert qr_image(qr_text(order)).convert("L").tobytes() == expected.tobytes()
    found = embedded.image.convert("L")  # type: ignore[union-attr]
    assert found.size == expected.size
    assert ImageChops.difference(found, expected).getbbox() is None, "the same QR code"
    assert qr_text(order) == "PNR:ABC234;NAME:EARHART;ORDER:ord_1"


def test_the_same_state_renders_the_same_bytes() -> None:
    order = ticketed_order()
    first = render_e_ticket(order, paid(order), issued_at=NOW)
    assert render_e_ticket(order, paid(order), issued_at=NOW) == first
    later = render_e_ticket(order, paid(order), issued_at=NOW + timedelta(minutes=1))
    assert later != first


def pixels(pdf: bytes) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    return [page.render(scale=3).to_pil().convert("RGB") for page in document]


def test_fonts_written_without_recomputed_glyph_boxes_draw_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fonts are embedded without recomputing each kept glyph's bounding box (ADR
    0045): the pages must look exactly as with the boxes recomputed, accented and
    composed letters included."""
    order = ticketed_order()
    written = render_e_ticket(order, paid(order), issued_at=NOW)
    its_own = layout.fonttools_font

    def recomputing(style: str, glyph_names: Collection[str]) -> Any:
        font = its_own(style, glyph_names)
        font.recalcBBoxes = True
        return font

    monkeypatch.setattr(layout, "fonttools_font", recomputing)
    recomputed = render_e_ticket(order, paid(order), issued_at=NOW)
    assert written != recomputed, "the switch changes how the fonts are written"
    [page] = pixels(written)
    [expected] = pixels(recomputed)
    assert ImageChops.difference(page, expected).getbbox() is None, "the same pixels"


def _parsing_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Page opens its fonts with fpdf2's own ``add_font``, parsing them, as before."""

    def add_font(self: Page, style: str) -> TTFFont:
        self.add_font(FONT, style, FONTS / FONT_FILES[style])
        font = self.fonts[f"{FONT.lower()}{style}"]
        assert isinstance(font, TTFFont)
        font.ttfont.recalcBBoxes = False
        return font

    monkeypatch.setattr(Page, "_add_parsed_font", add_font)
    monkeypatch.setattr(Page, "_fonttools_fonts_of_its_own", lambda self: None)


def test_fonts_parsed_once_per_process_write_the_bytes_parsing_them_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page copies the fonts parsed once in the process (ADR 0045, second addendum):
    every document is byte for byte what fpdf2 writes when it parses the fonts for it,
    whatever was rendered before it in the process (a copy's subset, widths and
    fontTools font are its own) and with documents rendered on several threads at once."""
    order = ticketed_order()
    other = replace(
        ticketed_order(),
        passengers=(replace(create_passenger(), given_name="Øystein", family_name="Ÿxkûll"),),
    )
    greek = replace(  # letters beyond the common characters: the whole fonts are cut
        ticketed_order(),
        passengers=(replace(create_passenger(), given_name="Σοφία", family_name="Παππά"),),
    )
    payments, other_payments = paid(order), paid(other)
    copied = [
        render_e_ticket(order, payments, issued_at=NOW),
        render_e_ticket(other, other_payments, issued_at=NOW),
        render_e_ticket(order, payments, issued_at=NOW),
        render_e_ticket(greek, paid(greek), issued_at=NOW),
        render_e_ticket(order, payments, issued_at=NOW),
    ]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(
            pool.map(
                lambda index: render_e_ticket(
                    *((order, payments) if index % 2 else (other, other_payments)),
                    issued_at=NOW,
                ),
                range(8),
            )
        )
    _parsing_every_time(monkeypatch)
    parsed = render_e_ticket(order, payments, issued_at=NOW)
    other_parsed = render_e_ticket(other, other_payments, issued_at=NOW)
    greek_parsed = render_e_ticket(greek, paid(greek), issued_at=NOW)
    assert parsed != other_parsed
    assert copied == [parsed, other_parsed, parsed, greek_parsed, parsed]
    assert "Σοφία" in text_of(greek_parsed)
    assert threaded == [other_parsed, parsed] * 4
    assert "Øystein" in text_of(copied[1]) and "Øystein" not in text_of(copied[2])


def test_a_document_of_common_characters_cuts_its_fonts_from_the_common_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The short way (ADR 0045, third addendum) is taken when every glyph is among the
    common characters', and only then."""
    chosen: list[int] = []
    its_own = layout.fonttools_font

    def counting(style: str, glyph_names: Collection[str]) -> Any:
        font = its_own(style, glyph_names)
        chosen.append(len(font.getGlyphOrder()))
        return font

    monkeypatch.setattr(layout, "fonttools_font", counting)
    order = ticketed_order()  # Zoë Ångström-Łukasiewicz among others: Latin letters only
    render_e_ticket(order, paid(order), issued_at=NOW)
    cuts = [its_own(style, []) for style in FONT_FILES]  # no glyph: the common cut
    common = [len(cut.getGlyphOrder()) for cut in cuts]
    for cut in cuts:
        cut.close()
    assert chosen == common and max(common) < 400, "both fonts from the common cut"
    chosen.clear()
    greek = replace(order, passengers=(replace(create_passenger(), given_name="Σοφία"),))
    render_e_ticket(greek, paid(greek), issued_at=NOW)
    assert chosen[0] > 1000, "the regular font, which prints the name, from the whole font"
    assert chosen[1] == common[1], "the bold font prints no Greek"


def _drawn_by_cell(
    self: Page,
    index: int,
    style: str,
    lines: Sequence[Sequence[str]],
    height: float,
    rooms: Sequence[float],
    align_right: Sequence[int],
    *,
    last: bool,
) -> None:
    """A table row with each line drawn by fpdf2's ``cell()``, as before ADR 0045's fifth
    addendum."""
    top = self.get_y()
    self._row_ground(index, style, height, last=last)
    x = MARGIN
    for column, (cell, room) in enumerate(zip(lines, rooms, strict=True)):
        for number, line in enumerate(cell):
            self.set_xy(
                x + GRID_PADDING[3] - self.c_margin, top + GRID_PADDING[0] + number * GRID_LINE
            )
            align = "R" if column in align_right else "L"
            self.cell(room + 2 * self.c_margin, GRID_LINE, line, align=align)
        x += room + GRID_PADDING[1] + GRID_PADDING[3]
    self.set_xy(MARGIN, top + height)


def test_table_lines_are_drawn_where_cell_draws_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Table lines drawn with ``text()`` (ADR 0045, fifth addendum) give the pages
    ``cell()`` gives, pixel for pixel at 3x: left- and right-aligned columns, wrapped
    cells, a table going on over pages, an e-ticket and a cancellation receipt."""
    order = ticketed_order()
    crowd = replace(
        order,
        passengers=tuple(
            replace(create_passenger(id=f"pas_{n}"), family_name="Longfamilyname " * 3)
            for n in range(25)
        ),
    )
    quote = quote_for(order)
    done, events = cancelled(order, quote)
    terms = cancellation_terms(done, events, quote, paid(order))
    assert terms is not None

    def documents() -> list[bytes]:
        return [
            render_e_ticket(order, paid(order), issued_at=NOW),
            render_e_ticket(crowd, paid(crowd), issued_at=NOW),
            render_cancellation_receipt(done, terms, paid(order), issued_at=NOW),
        ]

    drawn = documents()
    monkeypatch.setattr(Page, "_draw_row", _drawn_by_cell)
    by_cell = documents()
    assert drawn != by_cell, "the two ways write different content streams"
    for ours, theirs in zip(drawn, by_cell, strict=True):
        pages, expected = pixels(ours), pixels(theirs)
        assert len(pages) == len(expected)
        for page, other in zip(pages, expected, strict=True):
            assert ImageChops.difference(page, other).getbbox() is None, "the same pixels"


def test_a_long_table_goes_on_over_pages_under_its_headings_again() -> None:
    long_family = "Verylongfamilyname-Withhyphen Andmore Words To Wrap"
    travellers = tuple(
        replace(
            create_passenger(id=f"pas_{n}"), given_name=f"Traveller{n:02d}", family_name=long_family
        )
        for n in range(30)
    )
    order = replace(ticketed_order(), passengers=travellers, services=())
    pages = [
        page.extract_text()
        for page in PdfReader(io.BytesIO(render_e_ticket(order, [], issued_at=NOW))).pages
    ]
    assert len(pages) >= 3
    for number, text in enumerate(pages[:-1]):
        if number > 0:  # a page that carries the table on begins with its heading row
            first_line = text.strip().splitlines()[0]
            assert first_line.split() == [
                "Passenger",
                "Type",
                "Identity",
                "document",
                "E-ticket",
                "number",
            ]
    text = "\n".join(pages)
    for n in range(30):  # every traveller once, the name never cut off: wrapped in its column
        assert text.count(f"Ms Traveller{n:02d}") == 1
    words = text.split()
    assert words.count("Andmore") == 30 and words.count("Wrap") == 30


def test_rendering_logs_nothing_at_the_processes_level(caplog: pytest.LogCaptureFixture) -> None:
    # The processes log at INFO (conftest configures logging as they do); fontTools'
    # notes on subsetting the fonts were 58 lines per e-ticket.
    caplog.set_level(logging.INFO)
    order = ticketed_order()
    render_e_ticket(order, paid(order), issued_at=NOW)
    assert [record.name for record in caplog.records] == []


def test_characters_the_font_lacks_print_as_question_marks() -> None:
    order = ticketed_order()
    named = replace(order.passengers[1], given_name="李")
    pdf = render_e_ticket(replace(order, passengers=(named,)), [], issued_at=NOW)
    text = text_of(pdf)
    assert "Ms ? Ångström-Łukasiewicz" in text and "No payment recorded." in text


def test_the_source_of_an_e_ticket_is_its_reference_and_tickets() -> None:
    order = ticketed_order()
    source = e_ticket_source(order)
    assert source is not None and source.startswith("ABC234:125-1234567890,125-1234567891:")
    assert e_ticket_source(replace(order, documents=())) is None, "voided, awaiting reissue"
    assert e_ticket_source(replace(order, status=OrderStatus.PAID)) is None
    reissued = replace(order, documents=(Document("electronic_ticket", "125-9", "pas_1", NOW),))
    assert e_ticket_source(reissued) != source
    [item] = order.slices
    later = item.segments[0].departing_at + timedelta(hours=2)
    retimed = replace(item, segments=(replace(item.segments[0], departing_at=later),))
    assert e_ticket_source(replace(order, slices=(retimed,))) != source, "a schedule change"


def test_filenames() -> None:
    assert filename_for(DocumentKind.E_TICKET, "ABC234", 1) == "e-ticket-ABC234.pdf"
    assert filename_for(DocumentKind.E_TICKET, "ABC234", 3) == "e-ticket-ABC234-v3.pdf"
    receipt = filename_for(DocumentKind.CANCELLATION_RECEIPT, 'A"B/1', 1)
    assert receipt == "cancellation-receipt-AB1.pdf"


def cancelled(order: Order, quote: CancellationQuote) -> tuple[Order, list[OrderEvent]]:
    event = order.cancel(now=NOW, cancellation_id=quote.id, refund=quote.refund)
    return replace(order, status=OrderStatus.CANCELLED, cancelled_at=NOW), [event]


def quote_for(order: Order) -> CancellationQuote:
    refund, penalty = quote_refund(order, now=NOW)
    return CancellationQuote(
        "ore_1",
        order.id,
        order.status,
        refund,
        penalty,
        "original_form_of_payment",
        "requested_by_customer",
        NOW - timedelta(minutes=2),
        NOW + timedelta(minutes=13),
        confirmed_at=NOW,
    )


def test_a_refundable_fare_keeps_its_penalty_per_passenger() -> None:
    order = ticketed_order()
    quote = quote_for(order)
    done, events = cancelled(order, quote)
    terms = cancellation_terms(done, events, quote, paid(order))
    assert terms is not None
    assert (terms.refund, terms.penalty) == (gbp("328.50"), gbp("150.00"))
    assert "75.00 GBP per passenger (2 x 75.00 GBP = 150.00 GBP kept)" in terms.rule
    text = text_of(render_cancellation_receipt(done, terms, paid(order), issued_at=NOW))
    assert "Paid for the order 478.50 GBP" in text
    assert "Kept (penalty) 150.00 GBP" in text and "Refunded 328.50 GBP" in text
    assert "Standard is refundable before departure with a penalty" in text
    assert "ore_1" in text and "01 Dec 2029 12:00 UTC" in text
    assert "BA 117" in text and "125-1234567891" in text


def test_a_non_refundable_fare_returns_its_taxes() -> None:
    order = ticketed_order(refundable=False, penalty=None)
    quote = quote_for(order)
    done, events = cancelled(order, quote)
    terms = cancellation_terms(done, events, quote, paid(order))
    assert terms is not None and terms.refund == gbp("50.00")
    assert terms.penalty == gbp("428.50") and "non-refundable" in terms.rule


def test_a_void_before_ticketing_refunds_everything() -> None:
    order = replace(ticketed_order(), status=OrderStatus.PAID, documents=())
    quote = quote_for(order)
    done, events = cancelled(order, quote)
    terms = cancellation_terms(done, events, quote, paid(order))
    assert terms is not None and terms.penalty == gbp("0.00")
    assert terms.refund == order.charged_total and "void" in terms.rule


def test_a_failed_ticketing_refunds_what_was_paid_without_a_quote() -> None:
    order = replace(ticketed_order(), status=OrderStatus.TICKETING, documents=())
    event = order.give_up_ticketing(now=NOW, code="ticketing_not_started", message="no")
    done = replace(order, status=OrderStatus.CANCELLED, cancelled_at=NOW)
    terms = cancellation_terms(done, [event], None, paid(order))
    assert terms is not None and terms.refund == gbp("478.50")
    assert terms.reason == "ticketing_not_started" and terms.quoted_at is None
    assert cancellation_terms(order, [event], None, paid(order)) is None, "not cancelled"

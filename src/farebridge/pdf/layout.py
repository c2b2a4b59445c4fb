"""The page every farebridge PDF shares: A4, the vendored DejaVu Sans, a title band,
sections, key/value lines, tables and a footer with page numbers.

fpdf2's core fonts are Latin-1 only; the vendored Unicode TTF (``fonts/``) renders
names with accents. A character the subset font lacks (e.g. CJK) is printed as
``?`` instead of failing or leaving a blank.
"""

from __future__ import annotations

import atexit
import copy
import pickle
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import segno
from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from PIL import Image

from farebridge.domain.itinerary import Segment
from farebridge.domain.money import Money

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 71, 161)
BAND = (232, 240, 254)
RULE = (206, 212, 218)
MARGIN = 15.0
GRID_SIZE = 8.5  # a table's type size (pt)
GRID_LINE = 4.3  # the height of one line in a table cell (mm)
GRID_PADDING = (1.1, 1.8, 1.1, 1.8)  # a table cell's padding: top, right, bottom, left (mm)
GRID_SHADE = (248, 249, 250)  # every other row; the rest are in the band's blue


FONTS = Path(__file__).parent / "fonts"


def money(value: Money) -> str:
    """``1,234.50 USD``."""
    return f"{value.amount:,} {value.currency}"


def local_time(value: datetime) -> str:
    """An airport-local wall time as printed on tickets: ``Tue 05 Jan 2027 19:05``."""
    return value.strftime("%a %d %b %Y %H:%M")


def arrival(segment: Segment) -> str:
    """The local arrival time, with ``(+1)`` when it lands on a later local date."""
    days = (segment.arriving_at.date() - segment.departing_at.date()).days
    return local_time(segment.arriving_at) + (f" (+{days})" if days > 0 else "")


def instant(value: datetime) -> str:
    """An instant (payments, issue dates), in UTC: ``05 Jan 2027 19:05 UTC``."""
    return value.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def qr_image(text: str, *, scale: int = 8, border: int = 4) -> Image.Image:
    """A QR code of ``text`` (error correction M) as a black-and-white image, ``scale``
    pixels a module, with a quiet zone of ``border`` modules: the image segno's PNG
    writer draws, made by Pillow from segno's modules instead of written to PNG and read
    back (fpdf2 reads every image with Pillow), in 0.6 of the time."""
    modules = segno.make(text, error="m", micro=False).matrix
    side = len(modules) + 2 * border
    quiet = b"\xff" * border
    rows = [b"\xff" * side] * border
    rows += [quiet + bytes(0 if dark else 0xFF for dark in row) + quiet for row in modules]
    rows += [b"\xff" * side] * border
    grey = Image.frombytes("L", (side, side), b"".join(rows))
    black_and_white = grey.convert("1", dither=Image.Dither.NONE)
    return black_and_white.resize((side * scale, side * scale), Image.Resampling.NEAREST)


# The characters most documents print: Latin letters with their accents (Basic Latin,
# Latin-1 and Latin Extended-A), general punctuation, arrows and the euro sign. A
# document that prints only these has its fonts cut down from a copy of the vendored
# fonts already cut to them: the same bytes, in less time (ADR 0045, third addendum).
_COMMON_RANGES = [(0x20, 0x7F), (0xA0, 0x180), (0x2010, 0x2045), (0x2190, 0x2194), (0x20AC, 0x20AD)]
COMMON_CHARACTERS = frozenset(code for start, end in _COMMON_RANGES for code in range(start, end))
# fpdf2's options for the subset it embeds (fpdf/output.py), which the cut to the common
# characters must match: it keeps what fpdf2 keeps, so fpdf2's own cut of it is the same.
_SUBSET_DROPPED = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix"]
_SUBSET_DROPPED += ["CBDT", "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR"]


@dataclass(frozen=True)
class _ParsedFont:
    """A vendored font as fpdf2 parsed it, once per process (ADR 0045, second addendum),
    with its fontTools font pickled whole, and pickled cut to the common characters."""

    font: TTFFont
    whole: bytes
    common: bytes
    common_glyphs: frozenset[str]


_parsed: dict[str, _ParsedFont] = {}
_parsing = threading.Lock()


def _parsed_font(style: str) -> _ParsedFont:
    """The vendored font of ``style``, parsed and pickled once per process."""
    with _parsing:
        found = _parsed.get(style)
        if found is None:
            scratch = FPDF()
            scratch.add_font(FONT, style, FONTS / FONT_FILES[style])
            font = scratch.fonts[f"{FONT.lower()}{style}"]
            assert isinstance(font, TTFFont)
            # fpdf2 opens fonts with fontTools' default, which recomputes every kept glyph's
            # bounding box when the subset is written: each glyph is unpacked and packed
            # again, two thirds of writing the fonts. The vendored glyphs are kept as they
            # are, so their boxes are already right; pyftsubset does not recompute them
            # either (ADR 0045).
            font.ttfont.recalcBBoxes = False
            whole = pickle.dumps(font.ttfont, protocol=pickle.HIGHEST_PROTOCOL)
            common = pickle.loads(whole)  # noqa: S301 - our own bytes, never read from outside
            options = subset.Options(notdef_outline=True, recommended_glyphs=True)
            options.glyph_names = True  # fpdf2 picks glyphs by name
            options.drop_tables += _SUBSET_DROPPED
            cutter = subset.Subsetter(options)
            cutter.populate(unicodes=sorted(COMMON_CHARACTERS & set(font.cmap)))
            cutter.subset(common)
            atexit.register(font.close)  # its font file stays open for the process
            found = _parsed[style] = _ParsedFont(
                font=font,
                whole=whole,
                common=pickle.dumps(common, protocol=pickle.HIGHEST_PROTOCOL),
                common_glyphs=frozenset(common.getGlyphOrder()),
            )
            common.close()  # unpickling opens the font file again
        return found


def fonttools_font(style: str, glyph_names: Collection[str]) -> TTFont:
    """A fontTools font of its own for a document to cut to ``glyph_names`` as it is
    written (fpdf2 subsets it in place): the vendored font cut to the common characters
    when they hold every glyph, else the whole font."""
    parsed = _parsed_font(style)
    fits = parsed.common_glyphs.issuperset(glyph_names)
    return cast(TTFont, pickle.loads(parsed.common if fits else parsed.whole))  # noqa: S301


class Page(FPDF):
    """A4 portrait with farebridge's fonts, title band and footer."""

    def __init__(self, *, title: str, created_at: datetime, footer_note: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_note = footer_note
        fonts = [self._add_parsed_font(style) for style in FONT_FILES]
        self._covered = frozenset(set.intersection(*(set(font.cmap) for font in fonts)))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_author("farebridge")
        self.set_creator("farebridge")
        self.set_creation_date(created_at)  # the same order state renders the same bytes
        self.alias_nb_pages()
        self.add_page()

    def _add_parsed_font(self, style: str) -> TTFFont:
        """``add_font`` of a vendored font without parsing it again: a third of an
        e-ticket's time was fontTools reading the two fonts' glyphs, widths and glyph
        names. The copy shares what fpdf2's own copy of a font (``TTFFont.__deepcopy__``,
        made for its recorder) shares, and starts afresh what that copy copies: the
        widths, the glyph ids, the missing glyphs, the subset and the largest size used.
        Until the document is written it shares the parsed fontTools font too, which
        laying out text never reads; ``render`` gives it one of its own."""
        parsed = _parsed_font(style).font
        font = copy.copy(parsed)
        font.i = len(self.fonts) + 1
        font.cw = copy.copy(parsed.cw)
        font.glyph_ids = dict(parsed.glyph_ids)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        self.fonts[font.fontkey] = font
        return font

    def printable(self, text: str) -> str:
        """``text`` with every character the fonts cannot draw replaced by ``?``."""
        return "".join(c if ord(c) in self._covered or c == "\n" else "?" for c in text)

    # --- page furniture -------------------------------------------------------------
    def footer(self) -> None:
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        self.cell(self.epw - 30, 6, self.printable(self._footer_note), align="L")
        self.set_x(MARGIN)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="R")

    def band(self, title: str, subtitle: str, qr: Image.Image | None = None) -> None:
        """The title band: brand, document title, a subtitle and (right) a QR code."""
        top = self.get_y()
        height = 32.0 if qr is not None else 28.0
        self.set_fill_color(*BAND)
        self.rect(MARGIN, top, self.epw, height, style="F")
        self.set_xy(MARGIN + 5, top + 5)
        self.set_font(FONT, "B", 9)
        self.set_text_color(*ACCENT)
        self.cell(0, 5, "farebridge", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_x(MARGIN + 5)
        self.set_font(FONT, "B", 17)
        self.set_text_color(*INK)
        self.cell(0, 10, self.printable(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_x(MARGIN + 5)
        self.set_font(FONT, "", 9)
        self.set_text_color(*MUTED)
        self.multi_cell(self.epw - 45, 4.5, self.printable(subtitle), align="L")
        if qr is not None:
            side = height - 4
            self.image(qr, x=self.w - MARGIN - side - 2, y=top + 2, w=side, h=side)
        self.set_xy(MARGIN, top + height + 4)
        self.set_text_color(*INK)

    def key_figures(self, pairs: Sequence[tuple[str, str]], widths: Sequence[float]) -> None:
        """A row of labelled values (booking reference, order, status…); ``widths`` are
        relative."""
        top = self.get_y()
        x = MARGIN
        for index, (label, value) in enumerate(pairs):
            width = self.epw * widths[index] / sum(widths)
            self.set_xy(x, top)
            x += width
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*MUTED)
            self.cell(width, 4, self.printable(label.upper()))
            self.set_xy(x - width, top + 4)
            self.set_font(FONT, "B", 12 if index == 0 else 8)
            self.set_text_color(*INK)
            self.cell(width, 7, self.printable(value))
        self.set_xy(MARGIN, top + 13)

    def section(self, title: str) -> None:
        if self.will_page_break(22):
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 11)
        self.set_text_color(*ACCENT)
        self.cell(0, 7, self.printable(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*ACCENT)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(2)
        self.set_text_color(*INK)

    def paragraph(self, text: str, *, size: float = 9, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*INK)
        self.multi_cell(0, size * 0.5, self.printable(text), align="L")
        self.ln(1)

    def note(self, text: str) -> None:
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 3.8, self.printable(text), align="L")
        self.set_text_color(*INK)
        self.ln(1)

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        align_right: Sequence[int] = (),
        bold_last_row: bool = False,
    ) -> None:
        """A table with a heading row (none when ``headings`` is empty); ``widths`` are
        relative; columns in ``align_right`` (amounts) are right-aligned.

        Rows are shaded alternately (band blue, then grey) with a rule between rows; a
        row that does not fit starts a new page under the heading row again, and the
        heading row never stands alone at the foot of a page. Drawn line by line with
        ``cell`` (ADR 0045): fpdf2's ``table`` measured every cell with a second, dry
        run of its line breaking, which was 40 % of an e-ticket's rendering."""
        columns = [self.epw * width / sum(widths) for width in widths]
        rooms = [column - GRID_PADDING[1] - GRID_PADDING[3] for column in columns]  # text
        table: list[tuple[str, list[list[str]]]] = []
        if headings:
            table.append(("B", self._row_lines(headings, rooms, "B")))
        for number, values in enumerate(rows):
            style = "B" if bold_last_row and number == len(rows) - 1 else ""
            table.append((style, self._row_lines(values, rooms, style)))
        self.set_draw_color(*RULE)
        self.set_text_color(*INK)
        heights = [self._row_height(lines) for _, lines in table]
        if headings and len(table) > 1 and self.will_page_break(heights[0] + heights[1]):
            self.add_page()
        for index, (style, lines) in enumerate(table):
            if index > 0 and self.will_page_break(heights[index]):
                self.add_page()
                if headings:
                    self._draw_row(0, *table[0], heights[0], rooms, align_right, last=False)
            last = index == len(table) - 1
            self._draw_row(index, style, lines, heights[index], rooms, align_right, last=last)
        self.set_xy(MARGIN, self.get_y())
        self.ln(2)

    def _row_lines(
        self, values: Sequence[str], rooms: Sequence[float], style: str
    ) -> list[list[str]]:
        """Each cell's lines: its own line breaks, and a line too wide for its column
        broken by fpdf2's word wrapping."""
        self.set_font(FONT, style, GRID_SIZE)
        cells = []
        for text, room in zip(values, rooms, strict=True):
            lines: list[str] = []
            for line in self.printable(text).split("\n"):
                if self.get_string_width(line) <= room:
                    lines.append(line)
                else:
                    # multi_cell keeps cell()'s margin inside the width, as _draw_row does
                    wrapped = self.multi_cell(
                        room + 2 * self.c_margin,
                        GRID_LINE,
                        line,
                        dry_run=True,
                        output=MethodReturnValue.LINES,
                    )
                    lines.extend(cast(list[str], wrapped))
            cells.append(lines)
        return cells

    @staticmethod
    def _row_height(lines: Sequence[Sequence[str]]) -> float:
        return max(len(cell) for cell in lines) * GRID_LINE + GRID_PADDING[0] + GRID_PADDING[2]

    def _draw_row(
        self,
        index: int,
        style: str,
        lines: Sequence[Sequence[str]],
        height: float,
        rooms: Sequence[float],
        align_right: Sequence[int],
        *,
        last: bool,
    ) -> None:
        """One row, and the rule under it unless it is the table's last."""
        top = self.get_y()
        self._row_ground(index, style, height, last=last)
        # Each line is placed where cell() would place it (its baseline half a line and
        # three tenths of the type size below the line's top), but drawn with text(),
        # which only writes the text: cell() lays each line out as styled fragments
        # first, a tenth of an e-ticket (ADR 0045, fifth addendum).
        baseline = top + GRID_PADDING[0] + 0.5 * GRID_LINE + 0.3 * self.font_size
        x = MARGIN + GRID_PADDING[3]
        for column, (cell, room) in enumerate(zip(lines, rooms, strict=True)):
            right = column in align_right
            for number, line in enumerate(cell):
                if line:
                    left = x + room - self.get_string_width(line) if right else x
                    self.text(left, baseline + number * GRID_LINE, line)
            x += room + GRID_PADDING[1] + GRID_PADDING[3]
        self.set_xy(MARGIN, top + height)

    def _row_ground(self, index: int, style: str, height: float, *, last: bool) -> None:
        """A row's shade, the rule under it unless it is the table's last, and its font."""
        top = self.get_y()
        self.set_fill_color(*(GRID_SHADE if index % 2 else BAND))
        self.rect(MARGIN, top, self.epw, height, style="F")
        if not last:
            self.line(MARGIN, top + height, self.w - MARGIN, top + height)
        self.set_font(FONT, style, GRID_SIZE)

    def render(self) -> bytes:
        self._fonttools_fonts_of_its_own()
        return bytes(self.output())

    def _fonttools_fonts_of_its_own(self) -> None:
        """Each font gets a fontTools font of its own, unpickled (fontTools supports
        pickling fonts), because writing the PDF subsets that font in place; it is
        chosen now that the glyphs the document uses are known."""
        for style in FONT_FILES:
            font = self.fonts[f"{FONT.lower()}{style}"]
            assert isinstance(font, TTFFont)
            font.ttfont = fonttools_font(style, font.subset.get_all_glyph_names())

"""A traveller's name as a passport prints it in Latin letters: what airlines accept in
a booking (ICAO Doc 9303 transliterates every other script into these)."""

from __future__ import annotations

import re
import unicodedata

# Latin letters with their accented forms (Latin-1 Supplement, Extended-A, -B and
# Additional), the same set in Python's and JavaScript's regular expressions, so a client
# can check it. Precomposed: a name is put in NFC first (``passport_name``).
_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_APOSTROPHES = "'\u2019"  # ' and the typographic one
PASSPORT_NAME_PATTERN = f"^[{_LETTERS}]+(?:[ {_APOSTROPHES}-][{_LETTERS}]+)*$"
PASSPORT_NAME_RULE = (
    "Letters, with single spaces, hyphens or apostrophes between them, as in the passport"
)
_PASSPORT_NAME = re.compile(PASSPORT_NAME_PATTERN)


def passport_name(text: str) -> str:
    """The name in NFC (``e`` + combining diaeresis → ``ë``), as the pattern expects."""
    return unicodedata.normalize("NFC", text)


def is_passport_name(text: str) -> bool:
    """``Jean-Luc``, ``O'Brien``, ``Zoë Ångström`` yes; ``R2D2``, ``Ann  Lee``, ``-Ann`` no."""
    return _PASSPORT_NAME.fullmatch(passport_name(text)) is not None

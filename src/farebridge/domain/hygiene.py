"""Input hygiene rules for every piece of text a client sends (issue 13, ADR 0027).

Pure functions, no I/O: the API applies them to every path, query string, header
and JSON string before a dialect sees the request; the services apply the metadata
caps (:func:`check_metadata`) whatever the dialect.

- No NUL, no other C0 or C1 control character (``\\t``, ``\\n`` and ``\\r`` are
  allowed in free text, never in a path or a query parameter) and no Unicode bidi
  override or isolate (the "right-to-left override" trick that makes
  ``invoice\u202egpj.exe`` read as ``invoice.exe.jpg``).
- No card number: a Luhn-valid run of 13 to 19 digits, whatever separates its
  digit groups (spaces, ``-``, ``.``, ``_``, ``/``...). "Never send card numbers":
  payments take a token.
- Metadata (Duffel's documented limits): at most 50 keys, a key at most 40
  characters, a value at most 500 characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from farebridge.domain.errors import ValidationFailed

METADATA_MAX_KEYS = 50
METADATA_MAX_KEY_LENGTH = 40
METADATA_MAX_VALUE_LENGTH = 500

# The refused characters as the inside of a regular-expression character class, read
# alike by Python and by ECMA 262 (the OpenAPI documents' patterns, api/openapi.py): C0
# and C1 controls, and the bidi embeddings, overrides and isolates U+202A-U+202E and
# U+2066-U+2069 (the marks LRM, RLM and ALM are allowed: a right-to-left name may need
# them). Free text keeps tab, line feed and carriage return.
_BIDI = r"\u202a-\u202e\u2066-\u2069"
REFUSED_IN_TEXT = rf"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}"
REFUSED_IN_QUERY = rf"\x00-\x1f\x7f-\x9f{_BIDI}"
_REFUSED = {True: re.compile(f"[{REFUSED_IN_TEXT}]"), False: re.compile(f"[{REFUSED_IN_QUERY}]")}

# Digits with at most three separator characters between two of them.
_DIGIT_RUN = re.compile(r"\d(?:[^0-9A-Za-z]{0,3}\d)+")
_GROUP = re.compile(r"\d+")


class InvalidCharacter(ValidationFailed):
    code = "invalid_character"
    title = "Invalid character"


class CardNumberRefused(ValidationFailed):
    code = "card_number_refused"
    title = "Card number refused"


class MetadataTooLarge(ValidationFailed):
    code = "metadata_too_large"
    title = "Metadata too large"


def forbidden_character(text: str, *, free_text: bool = True) -> str | None:
    """The first character that no text may hold, or None. ``free_text`` allows tab,
    line feed and carriage return."""
    found = _REFUSED[free_text].search(text)
    return found.group() if found else None


def check_text(text: str, *, field: str | None, free_text: bool = True) -> None:
    """Refuse control characters, bidi overrides and card numbers (400 naming ``field``)."""
    char = forbidden_character(text, free_text=free_text)
    if char is not None:
        what = "a NUL character" if char == "\x00" else f"the character U+{ord(char):04X}"
        raise InvalidCharacter(
            f"Text may not hold {what} (control and right-to-left override characters "
            "are refused).",
            field=field,
        )
    if holds_card_number(text):
        raise CardNumberRefused(
            "This looks like a card number: never send card numbers; pay with a "
            "payment token such as tok_visa.",
            field=field,
        )


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


_UUID = re.compile(
    r"[0-9a-fA-F]{8}(-?)[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{12}"
)
# The shape of the ids we issue (``domain.ids``: a prefix, ``_``, 26 Crockford base32
# characters; the Duffel upstream's mapped ids are 26 upper-case hex characters, within
# that alphabet): a client sends them back, and a run of their digits may pass Luhn.
_OUR_ID = re.compile(r"[a-z]{2,8}_[0-9A-HJKMNP-TV-Z]{26}")


def holds_card_number(text: str) -> bool:
    """Whether ``text`` holds a Luhn-valid 13-19 digit number, its digit groups
    separated by anything but letters and digits. A run of groups is tried from every
    group boundary, so digits before or after a card number do not hide it; a date or
    a timestamp on its own is not a card number, nor is a UUID (what clients send as
    idempotency keys: about 1 in 500 random ones holds a Luhn-valid run of digits) or
    an id of ours (the Duffel upstream's mapped ids are hex digests, about 1 in 200 of
    which holds one)."""
    if not any(char.isdigit() for char in text) or _is_date(text):
        return False
    if _UUID.fullmatch(text.strip()) or _OUR_ID.fullmatch(text):
        return False
    for run in _DIGIT_RUN.finditer(text):
        groups = _GROUP.findall(run.group())
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and luhn_valid(digits):
                    return True
    return False


def _is_date(text: str) -> bool:
    candidate = text.strip()
    if len(candidate) > 40:
        return False
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(candidate.replace("Z", "+00:00"))
        except ValueError:
            continue
        return True
    return False


def strings_in(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON document (keys included) with its dotted path:
    ``("passengers[0].given_name", "Ada")``; a key is reported at its own path."""
    pending: list[tuple[str, Any]] = [(path, value)]
    while pending:
        where, item = pending.pop(0)
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, Mapping):
            for name, child in item.items():
                child_path = f"{where}.{name}" if where else str(name)
                yield child_path, str(name)
                pending.append((child_path, child))
        elif isinstance(item, list):
            pending.extend((f"{where}[{index}]", child) for index, child in enumerate(item))


def check_metadata(metadata: Mapping[str, Any], *, field: str = "metadata") -> None:
    """Duffel's limits: 50 keys, keys up to 40 characters, values up to 500."""
    if len(metadata) > METADATA_MAX_KEYS:
        raise MetadataTooLarge(
            f"Metadata holds {len(metadata)} keys; at most {METADATA_MAX_KEYS} are allowed.",
            field=field,
        )
    for key, value in metadata.items():
        if len(str(key)) > METADATA_MAX_KEY_LENGTH:
            raise MetadataTooLarge(
                f"A metadata key is at most {METADATA_MAX_KEY_LENGTH} characters.",
                field=f"{field}.{str(key)[:METADATA_MAX_KEY_LENGTH]}",
            )
        text = value if isinstance(value, str) else str(value)
        if value is not None and len(text) > METADATA_MAX_VALUE_LENGTH:
            raise MetadataTooLarge(
                f"A metadata value is at most {METADATA_MAX_VALUE_LENGTH} characters.",
                field=f"{field}.{key}",
            )

"""A passenger's name as a passport prints it (domain/names.py)."""

from __future__ import annotations

import re

import pytest

from farebridge.domain.names import PASSPORT_NAME_PATTERN, is_passport_name


@pytest.mark.parametrize(
    "name",
    [
        "Amelia",
        "Jean-Luc",
        "O'Brien",
        "D\u2019Arcy",
        "Mary Ann",
        "Zoë",
        "Ångström-Łukasiewicz",
        "Nguyễn",
    ],
)
def test_latin_names_with_accents_and_single_separators_pass(name: str) -> None:
    assert is_passport_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "R2D2",
        "Amelia3",
        "Ann  Lee",
        "Ann--Lee",
        "-Ann",
        "Ann-",
        "Ann_Lee",
        "St. John",
        "李",
        "Ann\u00d7",
    ],
)
def test_digits_symbols_other_scripts_and_loose_separators_fail(name: str) -> None:
    assert not is_passport_name(name)


def test_the_pattern_needs_nothing_beyond_what_javascript_regular_expressions_have() -> None:
    # No \\w, \\p{...} or look-arounds: the OpenAPI document hands the pattern to clients.
    assert not re.search(r"\\[wWdDsSp]|\(\?[=!<]", PASSPORT_NAME_PATTERN)


def test_a_decomposed_accent_counts_as_the_letter() -> None:
    assert is_passport_name("Zoe\u0308")

"""Identifiers: ULID-shaped, in Crockford's base32, time-ordered."""

from __future__ import annotations

import os
import time

import pytest

from farebridge.domain import ids
from farebridge.domain.ids import new_id


def _five_bits_at_a_time(value: int) -> str:
    """The encoding by definition: 26 characters, the most significant first."""
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[index])
    return "".join(reversed(chars))


@pytest.mark.parametrize(
    "value",
    [0, 1, 31, 32, 2**80 - 1, 2**80, 2**128 - 1, (1_765_000_000_000 << 80) | 12345],
)
def test_an_id_is_its_128_bits_in_crockford_base32(
    value: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    milliseconds, random = value >> 80, value & (2**80 - 1)
    monkeypatch.setattr(ids.time, "time_ns", lambda: milliseconds * 1_000_000)
    monkeypatch.setattr(ids.os, "urandom", lambda n: random.to_bytes(n, "big"))
    assert new_id("off") == f"off_{_five_bits_at_a_time(value)}"


def test_random_ids_match_the_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(500):
        raw = os.urandom(10)
        now = time.time_ns()
        monkeypatch.setattr(ids.time, "time_ns", lambda now=now: now)
        monkeypatch.setattr(ids.os, "urandom", lambda _n, raw=raw: raw)
        value = (now // 1_000_000) << 80 | int.from_bytes(raw, "big")
        assert new_id("ord") == f"ord_{_five_bits_at_a_time(value)}"


def test_ids_sort_by_time() -> None:
    first = new_id("x")
    time.sleep(0.002)
    assert new_id("x")[:12] > first[:12]  # the first 10 characters are the milliseconds

"""Time-ordered, prefixed identifiers (``off_01J…``), ULID-shaped."""

from __future__ import annotations

import os
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Two characters per 10 bits: a search names some two hundred offers, slices and
# segments, and a character at a time cost a third of its ids' time (issue 14).
_PAIRS = tuple(high + low for high in _CROCKFORD for low in _CROCKFORD)
_SHIFTS = tuple(range(120, -1, -10))  # 26 characters: 130 bits, the top two zero


def new_id(prefix: str) -> str:
    """``prefix_`` + 26 Crockford base32 chars: 48 bits of milliseconds, 80 random bits."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    return f"{prefix}_{_encode(value)}"


def _encode(value: int) -> str:
    """``value`` (below 2**130) in 26 Crockford base32 characters, the most significant first."""
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in _SHIFTS])

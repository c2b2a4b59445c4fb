"""Finding a booking without an account: booking reference plus a passenger's family name.

Names are compared the way an airline's reservation system does: case, accents,
spaces, hyphens and apostrophes do not count ("O'Brien-Müller" is "obrienmuller").
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from farebridge.domain.duplicates import normalise_name


def name_key(name: str) -> str:
    """``name`` without case, accents or anything but letters and digits: the rule that
    duplicate bookings compare names by (``domain/duplicates.py``)."""
    return normalise_name(name)


def normalise_reference(reference: str) -> str:
    """Booking references are upper case letters and digits; spaces around do not count."""
    return reference.strip().upper()


def matches_any(family_name: str, names: Iterable[str]) -> bool:
    """Whether ``family_name`` is one of ``names``. Every name is compared (in constant
    time per name) even after a match, so the time taken does not tell which one
    matched; an empty key matches nothing."""
    wanted = name_key(family_name).encode()
    found = False
    for name in names:
        found |= hmac.compare_digest(wanted, name_key(name).encode())
    return found and bool(wanted)

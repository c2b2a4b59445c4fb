"""schemathesis hooks for the booking records dialect (named by
``schemathesis_booking_records.toml``).

A flight id of the document's shape must also name a flight of the timetable (or one
of the caller's orders): like an id that must exist, the seed's API answers any other
with 400 "Flight … not found" (tests/e2e/test_booking_records.py checks it). So a
well-formed flight id is replaced by a real one, which test_schemathesis.py finds with
a search on /api and passes in ``FAREBRIDGE_SCHEMATHESIS_FLIGHT_ID``; a malformed one
stays as generated.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import unquote

import schemathesis

from farebridge.api.dialects.booking_records.schemas import FLIGHT_ID
from tests.e2e.schemathesis_rules import without_card_numbers

FLIGHT = os.environ.get("FAREBRIDGE_SCHEMATHESIS_FLIGHT_ID", "")
WELL_FORMED = re.compile(FLIGHT_ID)


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    case.body = without_card_numbers(case.body)
    if not FLIGHT:
        return
    body, path = case.body, case.path_parameters
    if case.operation.path == "/booking" and isinstance(body, dict) and _real(body.get("flightId")):
        body["flightId"] = FLIGHT
    # Path parameters reach the hook already percent-encoded.
    if isinstance(path, dict) and _real(path.get("flightId"), encoded=True):
        path["flightId"] = FLIGHT


def _real(value: Any, *, encoded: bool = False) -> bool:
    """A flight id of the document's shape (possibly no flight of the timetable)."""
    if not isinstance(value, str):
        return False
    return WELL_FORMED.match(unquote(value) if encoded else value) is not None

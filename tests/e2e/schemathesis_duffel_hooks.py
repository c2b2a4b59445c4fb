"""schemathesis hooks for the Duffel dialect (named by ``schemathesis_duffel.toml``).

Rules JSON Schema cannot state, which the dialect rightly enforces with a 422 naming
the field:

- a journey's rules (known places, somewhere else, dates from today in order, time
  windows in order, no more infants than adults): as for /api, see
  ``schemathesis_hooks.py``; an offer request's and an order change request's
  (``slices.add``) slices are brought within them, under Duffel's ``data``;
- ``GET /places/suggestions`` needs ``query`` or ``name`` (Duffel's older name of
  it); the document says what each must look like. A call with neither is given
  ``query=lon``, as a client's first keystrokes.

Every call stays otherwise as generated.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from tests.e2e.schemathesis_rules import search_within_rules, without_card_numbers

SLICE_BODIES = frozenset({"/air/offer_requests", "/air/order_change_requests"})


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    case.body = without_card_numbers(case.body)
    if case.operation.path == "/places/suggestions":
        query = case.query if isinstance(case.query, dict) else {}
        if "query" not in query and "name" not in query:
            case.query = {**query, "query": "lon"}
    body = case.body.get("data") if isinstance(case.body, dict) else None
    if case.operation.path not in SLICE_BODIES or not isinstance(body, dict):
        return
    search_within_rules(body)

"""schemathesis hooks for tests/e2e/test_schemathesis.py (loaded by ``schemathesis.toml``).

Rules of a journey that JSON Schema cannot state (they tie two fields together, or a
field to today's date), which the API rightly enforces with a 400 naming the field
(domain/search.validate_criteria; tests/e2e/test_workflow.py and
tests/unit/test_flexible_dates.py check them):

- a slice goes from and to places the reference data knows (``unknown_place``: a
  code of ``GET /api/places``, like an id that must exist) and somewhere else
  (``same_origin_destination``);
- it departs between today and the booking horizon (``past_date``, ``beyond_horizon``);
- slices are in date order (``slices_out_of_order``);
- a time window does not end before it starts (``invalid_time_window``);
- flexible dates are for one-way and return searches (``flexible_dates_not_supported``);
- no more infants without a seat than adults (``too_many_infants``: a count);
- after signing in or out the browser goes back only to the web site
  (``redirect_refused``: ``next`` must start with ``FAREBRIDGE_SITE_URL``, a setting).

So before each call the generated request is brought within them: a known
airport for an unknown code, another destination, a date in a month (one day later
per slice), a window's ends in order, no flexible days on a multi-city search, an
infant too many travelling as an adult. It stays otherwise as generated (valid or
not), so every other check still sees what schemathesis made.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from farebridge.settings import Settings
from tests.e2e.schemathesis_rules import ordered_window, search_within_rules

SLICE_BODIES = frozenset({"/offer-requests", "/order_change_requests"})
SITE_REDIRECTS = frozenset({"/auth/web-session", "/auth/web-session/end"})
SITE_URL = Settings().site_url  # the test's API runs with the default


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    redirects = case.operation.path in SITE_REDIRECTS and isinstance(case.query, dict)
    if redirects and isinstance(case.query.get("next"), str):
        case.query["next"] = f"{SITE_URL}/"
    if case.operation.path == "/offers" and isinstance(case.query, dict):
        ordered_window(case.query, "departure_time_from", "departure_time_to")
    if case.operation.path not in SLICE_BODIES or not isinstance(case.body, dict):
        return
    search_within_rules(case.body)

"""The flight_api v1 dialect, served at ``/v1/flight_api``: the Django "flight booking
REST API" of seed 002, so that a client written against it works with its base URL
pointed here.

Accounts are ordinary farebridge users with a profile (username, names, mobile
number); a log-in opens a session (the ``sessionid`` cookie, a login token) and
gives its CSRF token, which every unsafe call then sends as ``X-CSRFToken``.
See docs/adr/0022-flight-api-dialect.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from farebridge.api.dialects import Dialect


def _build() -> FastAPI:
    from farebridge.api.dialects.flight_api.app import build

    return build()


dialect = Dialect(name="flight_api", prefix="/v1/flight_api", build=_build)

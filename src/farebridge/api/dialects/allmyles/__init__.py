"""The Allmyles dialect, served at ``/allmyles``: the Allmyles flight API's calls,
shapes and session rules, so that a travel site written against Allmyles works
with its base URL pointed here and a farebridge API key as ``X-Auth-Token``.

A session is the ``Cookie`` header: its calls search, show details, book, pay and
ticket, each applying to the session's latest search (``services.allmyles_sessions``).
Everything goes through the same use cases as ``/api``; the orders it makes are
ordinary orders of the key's user. See docs/adr/0014-allmyles-dialect.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from farebridge.api.dialects import Dialect


def _build() -> FastAPI:
    from farebridge.api.dialects.allmyles.app import build

    return build()


dialect = Dialect(name="allmyles", prefix="/allmyles", build=_build)

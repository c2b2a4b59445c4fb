"""The Duffel dialect, served at ``/duffel``: Duffel's API shape, so that the official
Duffel clients (Python ``duffel-api``, JavaScript ``@duffel/api``) work unchanged
with their base URL pointed here.

It speaks both generations of Duffel's API (``Duffel-Version: v1`` and ``v2``)
with one superset of their fields, Duffel's envelope (``data`` / ``meta.after``),
its error object and codes, and its timestamp formats. Everything it does goes
through the same use cases as ``/api``; see docs/adr/0013-duffel-dialect.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from farebridge.api.dialects import Dialect


def _build() -> FastAPI:
    from farebridge.api.dialects.duffel.app import build

    return build()


dialect = Dialect(name="duffel", prefix="/duffel", build=_build)

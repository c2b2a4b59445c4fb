"""The booking records dialect (seed 004), served at ``/v1/flight``: a traveller's
notes on a dated flight (booking code, seat, seat position, class, reason, notes)
as the source project's NestJS API has them — camelCase fields, its enums and
limits, and NestJS's error body ``{"statusCode", "message", "error"}``.

Everything goes through ``services/booking_records.py``; see
docs/adr/0023-booking-records.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from farebridge.api.dialects import Dialect


def _build() -> FastAPI:
    from farebridge.api.dialects.booking_records.app import build

    return build()


dialect = Dialect(name="booking_records", prefix="/v1/flight", build=_build)

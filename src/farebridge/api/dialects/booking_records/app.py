"""The booking records dialect's sub-application: its routes, its errors, its document."""

from __future__ import annotations

from fastapi import FastAPI

from farebridge.api.dialects.booking_records import errors, routes
from farebridge.api.routing import NO_NATIVE_TELEMETRY


def build() -> FastAPI:
    app = FastAPI(
        telemetry=NO_NATIVE_TELEMETRY,
        title="farebridge — booking records",
        version="0.1.0",
        description="Flight booking records (seed 004): your booking code, seat, seat "
        "position, class, reason and notes on a dated flight of the timetable. "
        "Authenticate with a farebridge bearer token or API key.",
    )
    app.include_router(routes.router)
    errors.install(app)
    return app

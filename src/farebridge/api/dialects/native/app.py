"""The native dialect's sub-application: its routers, its envelope, its OpenAPI document."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from farebridge.api.deps import sandbox_scenarios
from farebridge.api.dialects.native import errors
from farebridge.api.dialects.native.routes import (
    admin,
    agency,
    auth,
    booking_records,
    bookings,
    changes,
    currencies,
    documents,
    notifications,
    orders,
    schedule_changes,
    search,
    web_sessions,
    webhooks,
)
from farebridge.api.routing import NO_NATIVE_TELEMETRY


def build() -> FastAPI:
    app = FastAPI(
        telemetry=NO_NATIVE_TELEMETRY,
        title="farebridge",
        version="0.1.0",
        description="Flight booking engine: search → offers → orders → payments → tickets.",
        dependencies=[Depends(sandbox_scenarios)],
    )
    for module in (
        auth,
        currencies,
        search,
        orders,
        changes,
        schedule_changes,
        booking_records,
        documents,
        notifications,
        webhooks,
        bookings,
        agency,
        admin,
        web_sessions,
    ):
        app.include_router(module.router)
    errors.install(app)
    return app

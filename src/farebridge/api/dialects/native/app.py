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

TAG_ORDER = (
    "accounts",
    "currencies",
    "search",
    "orders",
    "order changes",
    "airline changes",
    "documents",
    "notifications",
    "webhooks",
    "find a booking",
    "agency",
    "admin",
    "web site",
)


def build() -> FastAPI:
    app = FastAPI(
        telemetry=NO_NATIVE_TELEMETRY,
        title="farebridge",
        version="0.1.0",
        description="Flight booking engine: search → offers → orders → payments → tickets.",
        dependencies=[Depends(sandbox_scenarios)],
        # The document's sections in the order of a booking, whatever the routers' order.
        openapi_tags=[{"name": name} for name in TAG_ORDER],
    )
    # Matched in this order, one route after another: the hot paths of a booking (orders,
    # then search) first, which spares a polled order's read about 20 failed matches
    # (issue 14). No two routes answer the same method and path, so the order decides
    # nothing else (tests/unit/test_route_order.py); the document keeps TAG_ORDER.
    for module in (
        orders,
        search,
        auth,
        currencies,
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

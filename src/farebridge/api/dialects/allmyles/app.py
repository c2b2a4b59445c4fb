"""The Allmyles dialect's sub-application: authentication, the session cookie, routers."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from farebridge.api.deps import sandbox_scenarios
from farebridge.api.dialects.allmyles import errors
from farebridge.api.dialects.allmyles.routes import bookings, flights
from farebridge.api.routing import NO_NATIVE_TELEMETRY


def build() -> FastAPI:
    app = FastAPI(
        telemetry=NO_NATIVE_TELEMETRY,
        title="farebridge — Allmyles dialect",
        version="0.1.0",
        description="The Allmyles flight API over farebridge: point a travel site's Allmyles "
        "base URL here, send a farebridge API key as X-Auth-Token and the customer's session "
        'cookie as Cookie. Errors are {"message": ...} with Allmyles\' status codes.',
        dependencies=[Depends(sandbox_scenarios)],
    )
    for module in (flights, bookings):
        app.include_router(module.router)
    errors.install(app)
    return app

"""The flight_api dialect's sub-application: its routers and its error bodies."""

from __future__ import annotations

from fastapi import FastAPI

from farebridge.api.dialects.flight_api import errors
from farebridge.api.dialects.flight_api.routes import accounts, bookings, flights


def build() -> FastAPI:
    app = FastAPI(
        title="farebridge — flight_api v1 dialect",
        version="0.1.0",
        description="The flight booking REST API of seed 002 over farebridge. Log in "
        "(POST /login) for the sessionid and csrftoken cookies; send the CSRF token as "
        "X-CSRFToken on every POST and PUT. Field errors are "
        '{"field": ["message"]}, other errors {"message": ...} or {"detail": ...}.',
    )
    for module in (accounts, flights, bookings):
        app.include_router(module.router)
    errors.install(app)
    return app

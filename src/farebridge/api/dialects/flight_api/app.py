"""The flight_api dialect's sub-application: its routers and its error bodies."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from farebridge.api.dialects.flight_api import errors, session
from farebridge.api.dialects.flight_api.routes import accounts, bookings, flights
from farebridge.api.routing import NO_NATIVE_TELEMETRY


def build() -> FastAPI:
    app = FastAPI(
        telemetry=NO_NATIVE_TELEMETRY,
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
    default = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = default()
            session.document_security(document)
            _optional_bodies_are_objects(document)
        return default()

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _optional_bodies_are_objects(document: dict[str, Any]) -> None:
    """An optional body (``POST /payments/{booking_ref}``) is an object or left out:
    FastAPI documents it as the object or null, and the route refuses a JSON null
    (400), as Django REST framework does."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body or body.get("required"):
                continue
            for media in body.get("content", {}).values():
                schema = media.get("schema", {})
                kinds = schema.get("anyOf", [])
                objects = [kind for kind in kinds if kind != {"type": "null"}]
                if len(kinds) == 2 and len(objects) == 1:
                    media["schema"] = objects[0]

"""The Duffel dialect's sub-application: version header, routers, envelope, OpenAPI."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Header

from farebridge.api.deps import sandbox_scenarios
from farebridge.api.dialects.duffel import errors
from farebridge.api.dialects.duffel.errors import DuffelError
from farebridge.api.dialects.duffel.routes import changes, orders, reference, search, webhooks
from farebridge.api.routing import NO_NATIVE_TELEMETRY

VERSIONS = ("v1", "v2")


async def duffel_version(
    version: Annotated[
        str | None,
        Header(alias="Duffel-Version", description="v1 or v2; both get the same fields"),
    ] = None,
) -> str:
    """Both generations are served with one superset of their fields; none is v2."""
    if version is None:
        return "v2"
    if version not in VERSIONS:
        raise DuffelError(
            400,
            "invalid_request_error",
            "unsupported_version",
            "Unsupported version",
            f"Duffel-Version {version!r} is not supported; send v1 or v2.",
        )
    return version


def build() -> FastAPI:
    app = FastAPI(
        telemetry=NO_NATIVE_TELEMETRY,
        title="farebridge — Duffel dialect",
        version="0.1.0",
        description="Duffel's flights API (v1 and v2) over farebridge: point an official "
        "Duffel client's base URL here and authenticate with a farebridge API key.",
        dependencies=[
            Depends(duffel_version),
            Depends(sandbox_scenarios),
        ],
    )
    for module in (search, orders, changes, reference, webhooks):
        app.include_router(module.router)
    errors.install(app)
    return app

"""FastAPI dependencies shared by every dialect: the services container, the
current user (bearer token) and the requested sandbox test scenarios."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from farebridge.domain.account import User
from farebridge.domain.errors import NotAuthenticated, NotFound, ValidationFailed
from farebridge.providers.base import parse_scenarios
from farebridge.services import accounts
from farebridge.services.ports import Dependencies

SCENARIO_HEADER = "Sandbox-Fault"

OPTIONAL_BEARER = "OptionalBearer"  # documented as an optional HTTPBearer (api/openapi.py)
_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/auth/login")
_optional_bearer = HTTPBearer(
    auto_error=False,
    scheme_name=OPTIONAL_BEARER,
    description="A token from POST /api/auth/login",
)


def get_services(request: Request) -> Dependencies:
    services: Dependencies = request.app.state.services
    return services


ServicesDep = Annotated[Dependencies, Depends(get_services)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
OptionalCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)]


def _authenticated(
    services: Dependencies, credentials: HTTPAuthorizationCredentials | None, request: Request
) -> User | None:
    if credentials is None:
        return None
    user = accounts.authenticate(services, token=credentials.credentials)
    request.state.user_id = user.id
    return user


def optional_user(
    services: ServicesDep, credentials: OptionalCredentials, request: Request
) -> User | None:
    """The caller, or None for an anonymous call (the token is optional)."""
    return _authenticated(services, credentials, request)


def current_user(services: ServicesDep, credentials: Credentials, request: Request) -> User:
    user = _authenticated(services, credentials, request)
    if user is None:
        raise NotAuthenticated("Send Authorization: Bearer <token> (POST /api/auth/login).")
    return user


def bearer_token(credentials: Credentials) -> str:
    if credentials is None:
        raise NotAuthenticated("Send Authorization: Bearer <token>.")
    return credentials.credentials


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
BearerToken = Annotated[str, Depends(bearer_token)]


class InvalidHeader(ValidationFailed):
    title = "Invalid header"


async def sandbox_scenarios(
    services: ServicesDep,
    header: Annotated[
        str | None,
        Header(
            alias=SCENARIO_HEADER,
            description="Sandbox test scenarios for this request, e.g. sold_out, timeout",
        ),
    ] = None,
) -> frozenset[str]:
    """The scenarios named in ``Sandbox-Fault``; unknown names are a 400. Routes that
    reach a provider take them as a parameter and hand them to the services as data."""
    try:
        return parse_scenarios(header, services.providers.scenarios)
    except ValueError as exc:
        raise InvalidHeader(str(exc), code="unknown_test_scenario", field=SCENARIO_HEADER) from exc


Scenarios = Annotated[frozenset[str], Depends(sandbox_scenarios)]


_NUL_IN_JSON = (b"\x00", b"\\u0000")  # raw, or escaped inside a JSON string


async def reject_nul_bytes(request: Request) -> None:
    """No identifier or stored text may hold a NUL character (PostgreSQL cannot store
    one): an id with one names nothing (404), anything else is invalid input."""
    if "\x00" in request.url.path:
        raise NotFound("No such resource.", code="not_found")
    if b"%00" in request.scope.get("query_string", b"").lower():
        raise ValidationFailed("A query parameter holds a NUL character.", code="invalid_character")
    if request.method in ("POST", "PUT", "PATCH"):
        body = await request.body()
        if any(marker in body.lower() for marker in _NUL_IN_JSON):
            raise ValidationFailed(
                "Text may not hold a NUL character.",
                code="invalid_character",
                field=_nul_field(body),
            )


def _nul_field(body: bytes) -> str | None:
    """Where in a JSON body the first NUL character is: ``slices[0].origin``."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, value = pending.pop(0)
        if isinstance(value, str) and "\x00" in value:
            return path.removeprefix("data.") or None
        if isinstance(value, dict):
            for name, item in value.items():
                if "\x00" in str(name):
                    return path.removeprefix("data.") or None
                pending.append((f"{path}.{name}" if path else str(name), item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None

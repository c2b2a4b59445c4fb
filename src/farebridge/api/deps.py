"""FastAPI dependencies shared by every dialect: the services container, the
current user (bearer token) and the requested sandbox test scenarios."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.base import SecurityBase
from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool

from farebridge.domain.account import User
from farebridge.domain.errors import NotAuthenticated, ValidationFailed
from farebridge.providers.base import parse_scenarios
from farebridge.services import accounts
from farebridge.services.ports import Dependencies

SCENARIO_HEADER = "Sandbox-Fault"

OPTIONAL_BEARER = "OptionalBearer"  # documented as an optional HTTPBearer (api/openapi.py)
_BEARER_DESCRIPTION = "A token from POST /api/auth/login"
_bearer = HTTPBearer(auto_error=False, description=_BEARER_DESCRIPTION)


async def get_services(request: Request) -> Dependencies:
    # async: a dependency without I/O runs on the event loop, not in a worker thread
    services: Dependencies = request.app.state.services
    return services


ServicesDep = Annotated[Dependencies, Depends(get_services)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def _authenticated(
    services: Dependencies, token: str | None, request: Request
) -> User | None:
    """The caller, from the token cache on the event loop when it knows the token (no
    thread hand-off), else from the database in a worker thread."""
    if token is None:
        return None
    # One look-up per request: the rate limit (optional user) and the route (current
    # user) both ask, and FastAPI caches each dependency function, not the pair.
    known: tuple[str, User] | None = getattr(request.state, "authenticated", None)
    if known is not None and known[0] == token:
        return known[1]
    user = accounts.cached_user(services, token=token)
    if user is None:
        user = await run_in_threadpool(accounts.authenticate, services, token=token)
    request.state.user_id = user.id
    request.state.authenticated = (token, user)
    return user


# The dependencies below read the services container from the request themselves, not
# through ServicesDep: FastAPI solves a sub-dependency again wherever it appears, before
# it looks in its cache, and each solve parses the request's parameters anew (issue 14).


class _Caller(SecurityBase):
    """The caller behind ``Authorization: Bearer <token>``, documented as an HTTP bearer
    scheme. One dependency, not a user over an ``HTTPBearer``: each dependency FastAPI
    solves costs a request some 20 µs (issue 14)."""

    def __init__(self, *, required: bool, scheme_name: str) -> None:
        self.model = HTTPBearerModel(description=_BEARER_DESCRIPTION)
        self.scheme_name = scheme_name
        self.required = required

    async def __call__(self, request: Request) -> User | None:
        scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
        bearer = token if token and scheme.lower() == "bearer" else None
        user = await _authenticated(request.app.state.services, bearer, request)
        if user is None and self.required:
            raise NotAuthenticated("Send Authorization: Bearer <token> (POST /api/auth/login).")
        return user


# The schemes' names are those FastAPI's HTTPBearer gave them (api/openapi.py).
optional_user = _Caller(required=False, scheme_name=OPTIONAL_BEARER)
current_user = _Caller(required=True, scheme_name="HTTPBearer")


async def bearer_token(credentials: Credentials) -> str:
    if credentials is None:
        raise NotAuthenticated("Send Authorization: Bearer <token>.")
    return credentials.credentials


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
BearerToken = Annotated[str, Depends(bearer_token)]


class InvalidHeader(ValidationFailed):
    title = "Invalid header"


async def sandbox_scenarios(
    request: Request,
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
    services: Dependencies = request.app.state.services
    try:
        return parse_scenarios(header, services.providers.scenarios)
    except ValueError as exc:
        raise InvalidHeader(str(exc), code="unknown_test_scenario", field=SCENARIO_HEADER) from exc


Scenarios = Annotated[frozenset[str], Depends(sandbox_scenarios)]

"""The caller of a flight_api call: the ``sessionid`` cookie, and for unsafe methods
the ``X-CSRFToken`` header that must match the session (Django's rules)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, APIKeyHeader

from farebridge.api.deps import ServicesDep
from farebridge.api.dialects.flight_api.errors import (
    CSRF_MISSING,
    CSRF_WRONG,
    NOT_LOGGED_IN,
    FlightApiError,
)
from farebridge.domain.account import User
from farebridge.domain.errors import NotAuthenticated
from farebridge.services import accounts, profiles

SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CSRF_HEADER = "X-CSRFToken"
# Documented as security schemes, not parameters: the session is the caller's
# credentials (document_security states that unsafe methods need both).
SESSION_SCHEME, CSRF_SCHEME = "session", "csrf"
SessionId = Annotated[
    str | None,
    Depends(
        APIKeyCookie(
            name=SESSION_COOKIE,
            scheme_name=SESSION_SCHEME,
            description="The sessionid cookie from POST /login",
            auto_error=False,
        )
    ),
]
CsrfHeader = Annotated[
    str | None,
    Depends(
        APIKeyHeader(
            name=CSRF_HEADER,
            scheme_name=CSRF_SCHEME,
            description="The csrfToken from POST /login, on every POST and PUT",
            auto_error=False,
        )
    ),
]


def session_secret(request: Request, session: SessionId = None, csrf: CsrfHeader = None) -> str:
    """The session cookie, CSRF-checked for unsafe methods; 403 without a session."""
    if not session:
        raise FlightApiError(403, NOT_LOGGED_IN, key="detail")
    if request.method not in SAFE_METHODS:
        if not csrf:
            raise FlightApiError(403, CSRF_MISSING, key="detail")
        if not profiles.csrf_matches(session, csrf):
            raise FlightApiError(403, CSRF_WRONG, key="detail")
    return session


SessionSecret = Annotated[str, Depends(session_secret)]


def session_user(request: Request, services: ServicesDep, secret: SessionSecret) -> User:
    """The logged-in user; an expired or logged-out session is no session (403)."""
    try:
        user = accounts.authenticate(services, token=secret)
    except NotAuthenticated:
        raise FlightApiError(403, NOT_LOGGED_IN, key="detail") from None
    request.state.user_id = user.id
    return user


SessionUser = Annotated[User, Depends(session_user)]


def document_security(document: dict[str, Any]) -> None:
    """Each operation's security as Django enforces it: the session for every call that
    needs one, and with it (not instead of it) the CSRF token for unsafe methods.
    FastAPI lists the two schemes as alternatives."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            security = operation.get("security") if isinstance(operation, dict) else None
            if not security:
                continue
            if method.upper() in SAFE_METHODS:
                operation["security"] = [{SESSION_SCHEME: []}]
            else:
                operation["security"] = [{SESSION_SCHEME: [], CSRF_SCHEME: []}]

"""The caller of a flight_api call: the ``sessionid`` cookie, and for unsafe methods
the ``X-CSRFToken`` header that must match the session (Django's rules)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Cookie, Depends, Header, Request

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

SessionId = Annotated[
    str | None,
    Cookie(alias=SESSION_COOKIE, description="The session from POST /login"),
]
CsrfHeader = Annotated[
    str | None,
    Header(alias="X-CSRFToken", description="The csrfToken from POST /login (POST, PUT)"),
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

"""Register, log in, log out."""

from __future__ import annotations

from fastapi import Depends, Request, Response

from farebridge.api import ratelimit
from farebridge.api.deps import ServicesDep
from farebridge.api.dialects.flight_api.errors import responses
from farebridge.api.dialects.flight_api.schemas import (
    LoggedIn,
    LoginBody,
    Message,
    RegisterBody,
    RegisteredUser,
)
from farebridge.api.dialects.flight_api.session import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SessionSecret,
    SessionUser,
)
from farebridge.api.routing import APIRouter
from farebridge.services import accounts, profiles

router = APIRouter(tags=["accounts"])


@router.post(
    "/register",
    status_code=201,
    responses=responses(429),
    dependencies=[Depends(ratelimit.limit_per_address("register"))],
)
def register(body: RegisterBody, services: ServicesDep) -> RegisteredUser:
    """Create an account (the same accounts as /api); log in with its username."""
    user, profile = profiles.register(
        services,
        email=body.email,
        password=body.password,
        confirmation=body.confirmation,
        username=body.username,
        first_name=body.first_name,
        last_name=body.last_name,
        mobile_no=body.mobile_no,
    )
    return RegisteredUser(
        id=profile.number,
        first_name=profile.first_name,
        last_name=profile.last_name,
        mobile_no=profile.mobile_no,
        email=user.email,
        username=profile.username,
    )


@router.post("/login", responses=responses(401, 429))
def login(body: LoginBody, services: ServicesDep, request: Request, response: Response) -> LoggedIn:
    """Open a session: the sessionid and csrftoken cookies, and the CSRF token to send.
    Repeated failures back off (429 with Retry-After)."""
    with ratelimit.login_attempt(request, body.username):
        session = profiles.log_in(services, username=body.username, password=body.password)
    lifetime = int(services.policies.token_lifetime.total_seconds())
    response.set_cookie(
        SESSION_COOKIE, session.secret, max_age=lifetime, httponly=True, samesite="lax"
    )
    response.set_cookie(CSRF_COOKIE, session.csrf_token, max_age=lifetime, samesite="lax")
    return LoggedIn(
        message="succesfully logged in", csrfToken=session.csrf_token, sessionId=session.secret
    )


@router.post("/logout", responses=responses(403))
def logout(
    services: ServicesDep, user: SessionUser, secret: SessionSecret, response: Response
) -> Message:
    """End the session (X-CSRFToken required)."""
    accounts.log_out(services, token=secret)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return Message(message="succesfully logged out")

"""Accounts as the flight_api dialect (seed 002) has them: register with a username,
names and a mobile number; log in by username (or email) into a session whose
CSRF token is derived from the session's secret.

The session is an ordinary login token (``accounts.log_in``): the same user, the
same expiry, revoked by log-out. The CSRF token is a hash of the session secret
under a fixed label, so only a holder of the session can know it, and nothing more
is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from farebridge.domain.account import User
from farebridge.domain.errors import NotAuthenticated, ValidationFailed
from farebridge.domain.profiles import Profile
from farebridge.services import accounts
from farebridge.services.ports import Dependencies

_CSRF_LABEL = b"farebridge flight_api csrf\x00"


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in session: the secret (the session cookie) and its CSRF token."""

    secret: str
    csrf_token: str
    user: User


def register(
    deps: Dependencies,
    *,
    email: str,
    password: str,
    confirmation: str,
    username: str,
    first_name: str,
    last_name: str,
    mobile_no: str,
) -> tuple[User, Profile]:
    """A new account with its profile, both stored in one transaction or neither."""
    if password != confirmation:
        raise ValidationFailed("Passwords must match.", field="confirmation")
    username = username.strip()
    if not username:
        raise ValidationFailed("This field may not be blank.", field="username")
    full_name = f"{first_name.strip()} {last_name.strip()}".strip()
    user, password_hash = accounts.new_account(
        deps, email=email, password=password, full_name=full_name
    )
    profile = Profile(user.id, username, first_name.strip(), last_name.strip(), mobile_no.strip())
    with deps.uow() as uow:
        uow.users.add(user, password_hash)
        profile = uow.profiles.add(profile)
        uow.commit()
    return user, profile


def log_in(deps: Dependencies, *, username: str, password: str) -> Session:
    """By username; an account without a profile (made in ``/api``) logs in by email."""
    with deps.uow(read_only=True) as uow:
        profile = uow.profiles.by_username(username.strip())
        user = uow.users.get(profile.user_id) if profile else None
    try:
        issued = accounts.log_in(deps, email=user.email if user else username, password=password)
    except NotAuthenticated:
        raise NotAuthenticated(
            "Invalid username and/or password.", code="invalid_credentials"
        ) from None
    return Session(issued.token, csrf_token(issued.token), issued.user)


def csrf_token(secret: str) -> str:
    """The CSRF token of the session whose cookie is ``secret``."""
    return hmac.new(secret.encode(), _CSRF_LABEL, hashlib.sha256).hexdigest()[:32]


def csrf_matches(secret: str, token: str | None) -> bool:
    return token is not None and hmac.compare_digest(csrf_token(secret), token)


def profile_of(deps: Dependencies, user: User) -> Profile | None:
    with deps.uow(read_only=True) as uow:
        return uow.profiles.by_user(user.id)

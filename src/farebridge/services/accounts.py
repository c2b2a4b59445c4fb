"""Register, log in, log out, and resolve a bearer token to a user."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from farebridge.domain.account import Role, User
from farebridge.domain.errors import NotAuthenticated, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.services import api_keys, passwords
from farebridge.services.currencies import check_sellable
from farebridge.services.ports import Dependencies, UnitOfWork

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
# Verifying against this keeps a login for an unknown email as slow as a real one.
_DUMMY_HASH = _hasher.hash("farebridge-timing-equaliser")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def hash_token(token: str) -> str:
    """How a login token (or any other bearer secret) is kept: its SHA-256, never itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_login_token(
    uow: UnitOfWork, user: User, *, now: datetime, lifetime: timedelta
) -> IssuedToken:
    """A new login token for ``user``, stored (hashed) in ``uow``; the caller commits."""
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    uow.tokens.add(hash_token(token), user.id, now=now, expires_at=expires_at)
    return IssuedToken(token, expires_at, user)


def revoke_login_token(deps: Dependencies, token_hash: str) -> bool:
    """End a login now, here and in this process's token cache; False: it was not live."""
    with deps.uow() as uow:
        revoked = uow.tokens.revoke(token_hash, now=deps.clock.now())
        uow.commit()
    deps.tokens.forget(token_hash)
    return revoked


def register_user(
    deps: Dependencies,
    *,
    email: str,
    password: str,
    full_name: str = "",
    role: Role = Role.CUSTOMER,
    preferred_currency: str | None = None,
) -> User:
    user, password_hash = new_account(
        deps,
        email=email,
        password=password,
        full_name=full_name,
        role=role,
        preferred_currency=preferred_currency,
    )
    with deps.uow() as uow:
        uow.users.add(user, password_hash)
        uow.commit()
    return user


def new_account(
    deps: Dependencies,
    *,
    email: str,
    password: str,
    full_name: str = "",
    role: Role = Role.CUSTOMER,
    preferred_currency: str | None = None,
) -> tuple[User, str]:
    """A checked new user and its password hash, for ``uow.users.add`` (not stored yet)."""
    email = email.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Password must have at least {MIN_PASSWORD_LENGTH} characters.",
            field="password",
            code="password_too_short",
        )
    if preferred_currency is not None:
        check_sellable(deps, preferred_currency, field="preferred_currency")
    user = User(new_id("usr"), email, role, deps.clock.now(), full_name.strip(), preferred_currency)
    return user, passwords.run(lambda: _hasher.hash(password))


def set_preferred_currency(deps: Dependencies, *, user: User, currency: str | None) -> User:
    """The currency the account's searches are priced in; None: the server's default."""
    if currency is not None:
        check_sellable(deps, currency, field="preferred_currency")
    with deps.uow() as uow:
        uow.users.set_preferred_currency(user.id, currency)
        uow.commit()
    deps.tokens.forget_user(user.id)
    return replace(user, preferred_currency=currency)


def log_in(deps: Dependencies, *, email: str, password: str) -> IssuedToken:
    """The password is checked between two short transactions, never inside one: a
    hash takes tens of milliseconds, and SQLite would serialise every log-in on its
    write lock (and answer "database is locked" under a storm)."""
    with deps.uow(read_only=True) as uow:
        found = uow.users.get_with_password_hash(email.strip().lower())
    password_hash = found[1] if found else _DUMMY_HASH
    if not passwords.run(lambda: _verifies(password_hash, password)) or found is None:
        raise NotAuthenticated("Email or password is wrong.", code="invalid_credentials")
    user = found[0]
    rehashed = None
    if _hasher.check_needs_rehash(password_hash):
        rehashed = passwords.run(lambda: _hasher.hash(password))
    with deps.uow() as uow:
        if rehashed is not None:
            uow.users.set_password_hash(user.id, rehashed)
        issued = add_login_token(
            uow, user, now=deps.clock.now(), lifetime=deps.policies.token_lifetime
        )
        uow.commit()
    return issued


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def log_out(deps: Dependencies, *, token: str) -> None:
    """Revoke a login token. A token that names no live login (made up, or already
    revoked) is 401, as for any other request; an API key is checked and left alone
    (keys are revoked with DELETE /api/api-keys/{id})."""
    if api_keys.is_api_key(token):
        api_keys.authenticate_api_key(deps, secret=token)
        return
    if not revoke_login_token(deps, hash_token(token)):
        raise NotAuthenticated("This token is not a live login token.", code="invalid_token")


def authenticate(deps: Dependencies, *, token: str) -> User:
    """The user behind a bearer credential: a login token or an API key."""
    if api_keys.is_api_key(token):
        return api_keys.authenticate_api_key(deps, secret=token)
    token_hash = hash_token(token)
    now = deps.clock.now()
    cached = deps.tokens.get(token_hash, now=now)
    if cached is not None:
        return cached
    with deps.uow(read_only=True) as uow:
        found = uow.tokens.user_for(token_hash, now=now)
    if found is None:
        raise NotAuthenticated("The access token is invalid or expired.", code="invalid_token")
    user, expires_at = found
    deps.tokens.put(token_hash, user, expires_at=expires_at)
    return user


def cached_user(deps: Dependencies, *, token: str) -> User | None:
    """The user behind a login token when the token cache knows it (no I/O), else None."""
    if api_keys.is_api_key(token):
        return None
    return deps.tokens.get(hash_token(token), now=deps.clock.now())

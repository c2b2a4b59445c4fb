"""API keys for server-to-server clients: ``POST /api/api-keys``.

A key's secret (``fbk_`` + 43 random URL-safe characters, 256 bits) is shown once,
when it is created; only its SHA-256 is stored (a random secret needs no slow
hash, unlike a password), with a short prefix to recognise it in a list. It is
sent as ``Authorization: Bearer fbk_…`` to every dialect, exactly like a login
token, until it is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from farebridge.domain.account import ApiKey, User
from farebridge.domain.errors import NotAuthenticated, NotFound, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.services.access import may_access_owner
from farebridge.services.ports import Dependencies

SECRET_PREFIX = "fbk_"  # noqa: S105  (a marker, not a secret)
PREFIX_LENGTH = 12
MAX_ACTIVE_KEYS = 20
# last_used_at is a hint, not an audit log: written at most this often per key
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    key: ApiKey
    secret: str  # shown once


def is_api_key(token: str) -> bool:
    return token.startswith(SECRET_PREFIX)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(deps: Dependencies, *, user: User, name: str) -> IssuedApiKey:
    name = name.strip()
    if not name:
        raise ValidationFailed("Name the key, e.g. after the server that uses it.", field="name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(new_id("key"), user.id, name, secret[:PREFIX_LENGTH], deps.clock.now())
    with deps.uow() as uow:
        active = [k for k in uow.api_keys.list_for_user(user.id) if k.is_active]
        if len(active) >= MAX_ACTIVE_KEYS:
            raise ValidationFailed(
                f"An account may have {MAX_ACTIVE_KEYS} active keys; revoke one first.",
                field="name",
                code="too_many_api_keys",
            )
        uow.api_keys.add(key, _hash(secret))
        uow.commit()
    return IssuedApiKey(key, secret)


def list_api_keys(deps: Dependencies, *, user: User) -> list[ApiKey]:
    with deps.uow(read_only=True) as uow:
        return uow.api_keys.list_for_user(user.id)


def revoke_api_key(deps: Dependencies, *, user: User, key_id: str) -> ApiKey:
    """Revoke a key the access policy lets the caller reach (ADR 0021: the caller's own;
    an admin's or agent's reach), revoking twice keeps the first time."""
    now = deps.clock.now()
    with deps.uow() as uow:
        key = uow.api_keys.get(key_id)
        if key is None or not may_access_owner(uow, user, key.user_id):
            raise NotFound(f"No API key {key_id}.", code="api_key_not_found", field="key_id")
        if uow.api_keys.revoke(key_id, now=now):
            key = replace(key, revoked_at=now)
        uow.commit()
    return key


def authenticate_api_key(deps: Dependencies, *, secret: str) -> User:
    now = deps.clock.now()
    with deps.uow(read_only=True) as uow:
        found = uow.api_keys.user_for(_hash(secret))
    if found is None:
        raise NotAuthenticated("The API key is invalid or revoked.", code="invalid_api_key")
    user, key = found
    if key.last_used_at is None or key.last_used_at < now - TOUCH_EVERY:
        with deps.uow() as uow:
            uow.api_keys.touch(key.id, now=now)
            uow.commit()
    return user

"""Accounts and tokens."""

from __future__ import annotations

from farebridge.api.dialects.native.models import accounts as wire
from farebridge.api.dialects.native.presenters.common import instant, optional_instant
from farebridge.domain.account import ApiKey, User
from farebridge.services.accounts import IssuedToken
from farebridge.services.api_keys import IssuedApiKey


def present_user(user: User) -> wire.User:
    return wire.User.model_construct(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        created_at=instant(user.created_at),
        preferred_currency=user.preferred_currency,
    )


def present_token(issued: IssuedToken) -> wire.Token:
    return wire.Token.model_construct(
        access_token=issued.token,
        token_type="bearer",  # noqa: S106 (the scheme, not a secret)
        expires_at=instant(issued.expires_at),
        user=present_user(issued.user),
    )


def present_api_key(key: ApiKey) -> wire.ApiKey:
    return wire.ApiKey.model_construct(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        created_at=instant(key.created_at),
        last_used_at=optional_instant(key.last_used_at),
        revoked_at=optional_instant(key.revoked_at),
    )


def present_new_api_key(issued: IssuedApiKey) -> wire.NewApiKey:
    shown = present_api_key(issued.key)
    return wire.NewApiKey.model_construct(**dict(shown), secret=issued.secret)

"""Accounts and tokens."""

from __future__ import annotations

from farebridge.api.dialects.native.models import accounts as wire
from farebridge.api.dialects.native.presenters.common import instant
from farebridge.domain.account import User
from farebridge.services.accounts import IssuedToken


def present_user(user: User) -> wire.User:
    return wire.User.model_construct(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        created_at=instant(user.created_at),
    )


def present_token(issued: IssuedToken) -> wire.Token:
    return wire.Token.model_construct(
        access_token=issued.token,
        token_type="bearer",  # noqa: S106 (the scheme, not a secret)
        expires_at=instant(issued.expires_at),
        user=present_user(issued.user),
    )

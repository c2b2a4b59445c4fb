"""Accounts and bearer tokens."""

from __future__ import annotations

from typing import Literal

from farebridge.api.dialects.native.models.common import Instant, WireModel
from farebridge.domain.account import Role


class User(WireModel):
    id: str
    email: str
    full_name: str
    role: Role
    created_at: Instant


class Token(WireModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_at: Instant
    user: User


class UserResponse(WireModel):
    data: User


class TokenResponse(WireModel):
    data: Token

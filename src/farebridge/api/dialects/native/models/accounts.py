"""Accounts and bearer tokens."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from farebridge.api.dialects.native.models.common import Currency, Instant, WireModel
from farebridge.domain.account import Role


class User(WireModel):
    id: str
    email: str
    full_name: str
    role: Role
    created_at: Instant
    preferred_currency: Currency | None = Field(
        description="Searches are priced in it unless they name a currency; null: the "
        "server's default"
    )


class Token(WireModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_at: Instant
    user: User


class UserResponse(WireModel):
    data: User


class TokenResponse(WireModel):
    data: Token


class ApiKey(WireModel):
    id: str
    name: str
    prefix: str  # the secret's first characters
    created_at: Instant
    last_used_at: Instant | None
    revoked_at: Instant | None


class NewApiKey(ApiKey):
    secret: str  # shown once, here; only its hash is kept


class ApiKeyResponse(WireModel):
    data: ApiKey


class NewApiKeyResponse(WireModel):
    data: NewApiKey


class ApiKeyListResponse(WireModel):
    data: list[ApiKey]

"""Accounts: who may book, and who may see whose bookings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    role: Role
    created_at: datetime
    full_name: str = ""
    preferred_currency: str | None = None  # searches are priced in it unless they ask otherwise

    def may_see(self, owner_id: str | None) -> bool:
        """Ownership rule for every object read by id: own objects; admins see all."""
        return owner_id is None or owner_id == self.id or self.role is Role.ADMIN


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A long-lived credential for server-to-server clients; its secret is shown once."""

    id: str
    user_id: str
    name: str
    prefix: str  # the secret's first characters, to recognise it in a list
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

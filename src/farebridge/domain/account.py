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
    agency_id: str | None = None  # agents: the agency they work for; customers: their agency
    # Who may see whose objects is decided by ``domain/access.py``, nowhere else.


@dataclass(frozen=True, slots=True)
class Agency:
    """A travel agency: its agents book and service the orders of its customers."""

    id: str
    name: str
    created_at: datetime


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

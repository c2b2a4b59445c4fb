"""Accounts in every role for the role tests (ADR 0021).

``owner`` (customer A) and ``agent_same`` work with agency North; ``agent_other`` with
agency South; ``agent_none`` is an agent of no agency; ``customer_b`` is a customer of
no agency; ``admin`` sees everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from farebridge.domain.account import Role, User
from farebridge.domain.ids import new_id
from farebridge.services import admin, api_keys
from farebridge.services.admin import RoleChange
from farebridge.services.ports import Dependencies

# actor name → (role, agency)
ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "owner": (Role.CUSTOMER, "North"),
    "customer_b": (Role.CUSTOMER, None),
    "agent_same": (Role.AGENT, "North"),
    "agent_other": (Role.AGENT, "South"),
    "agent_none": (Role.AGENT, None),
    "admin": (Role.ADMIN, None),
}
ACTORS = list(ACCOUNTS)
# What the access policy allows on the owner's objects: everyone else gets 404.
ALLOWED = {"owner", "agent_same", "admin"}


@dataclass(frozen=True)
class World:
    headers: dict[str, dict[str, str]]  # actor → Authorization header
    ids: dict[str, str]  # actor → user id


def email(actor: str) -> str:
    return f"{actor.replace('_', '-')}@test.com"


def create_account(services: Dependencies, *, email: str) -> tuple[User, dict[str, str]]:
    """A customer account and an API key's Authorization header (no password: quicker
    than registering, which hashes one)."""
    user = User(new_id("usr"), email, Role.CUSTOMER, services.clock.now(), "Test User")
    with services.uow() as uow:
        uow.users.add(user, "!no-password")
        uow.commit()
    issued = api_keys.create_api_key(services, user=user, name="tests")
    return user, {"Authorization": f"Bearer {issued.secret}"}


def make_world(client: TestClient, services: Dependencies) -> World:
    """Every account of ``ACCOUNTS``, its role given as ``farebridge users set-role`` does."""
    headers: dict[str, dict[str, str]] = {}
    ids: dict[str, str] = {}
    for actor, (role, agency) in ACCOUNTS.items():
        user, headers[actor] = create_account(services, email=email(actor))
        change = RoleChange(role=role, agency_name=agency)
        admin.set_role_by_email(services, email=email(actor), change=change)
        ids[actor] = user.id
    return World(headers, ids)

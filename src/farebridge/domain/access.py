"""The one access policy (ADR 0021): who may read or act on an object owned by an account.

An object owned by an account (an order and everything under it: events, payments,
cancellations, changes, seat maps, documents; a search; a webhook endpoint) may be
used by

- its owner;
- an ``agent`` of the owner's agency (an agent without an agency reaches nobody else's);
- an ``admin``.

Everyone else gets the object as if it did not exist (404), so ids cannot be probed.
Routes that need a role, not an object (``/api/admin/...``), use :func:`require_role`:
403 ``forbidden``, naming the role.

Pure: the caller loads the owner (:class:`Owner`, the owner's id and agency) and asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from farebridge.domain.account import Role, User
from farebridge.domain.errors import RoleRequired

# A role reaches everything a lower one does (for require_role).
_RANK = {Role.CUSTOMER: 0, Role.AGENT: 1, Role.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class Owner:
    """The account that owns an object, as far as the policy needs it."""

    id: str
    agency_id: str | None = None


def may_access(actor: User, owner: Owner | None) -> bool:
    """The policy. ``owner`` None: an object of no account (an anonymous search),
    open to everyone who holds its id."""
    if owner is None or owner.id == actor.id or actor.role is Role.ADMIN:
        return True
    return (
        actor.role is Role.AGENT
        and actor.agency_id is not None
        and owner.agency_id == actor.agency_id
    )


def needs_owner_agency(actor: User, owner_id: str | None) -> bool:
    """Whether deciding needs the owner's agency (only agents reaching someone else)."""
    return owner_id is not None and owner_id != actor.id and actor.role is Role.AGENT


@dataclass(frozen=True, slots=True)
class OrderScope:
    """Which orders a listing shows the actor: one owner's, one agency's, or all.
    Exactly the orders :func:`may_access` allows."""

    owner_id: str | None = None
    agency_id: str | None = None  # the orders of the agency's accounts (and the actor's own)
    everything: bool = False


def visible_scope(actor: User) -> OrderScope:
    if actor.role is Role.ADMIN:
        return OrderScope(everything=True)
    if actor.role is Role.AGENT and actor.agency_id is not None:
        return OrderScope(owner_id=actor.id, agency_id=actor.agency_id)
    return OrderScope(owner_id=actor.id)


def require_role(actor: User, role: Role) -> None:
    """403 ``forbidden`` unless the actor has ``role`` (or a higher one)."""
    if _RANK[actor.role] < _RANK[role]:
        raise RoleRequired(role.value)


def may_act_for(actor: User, customer: Owner) -> bool:
    """Whether the actor may book on behalf of ``customer`` (``customer_id`` of an
    order): an agent for an account of its agency, an admin for anyone. Acting for
    oneself is not acting for someone else and is always allowed."""
    if customer.id == actor.id:
        return True
    if actor.role is Role.CUSTOMER:
        return False
    return may_access(actor, customer)

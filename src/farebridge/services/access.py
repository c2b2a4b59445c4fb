"""The access policy (``domain/access.py``) applied to stored objects: the one check
every use case that reads or acts on an object by id makes (ADR 0021).

- an order, or anything under an order: ``reads.owned_order(uow, user, order_id)``;
- any other object owned by an account: ``may_access_owner(uow, user, owner_id)``,
  then answer 404 when it is False.
"""

from __future__ import annotations

from farebridge.domain.access import Owner, may_access, needs_owner_agency
from farebridge.domain.account import User
from farebridge.services.ports import UnitOfWork


def owner_of(uow: UnitOfWork, actor: User, owner_id: str | None) -> Owner | None:
    """The owner as the policy needs it; the owner's agency is read only for an agent
    reaching someone else's object."""
    if owner_id is None:
        return None
    if not needs_owner_agency(actor, owner_id):
        return Owner(owner_id)
    owner = uow.users.get(owner_id)
    return Owner(owner_id, owner.agency_id if owner is not None else None)


def may_access_owner(uow: UnitOfWork, actor: User, owner_id: str | None) -> bool:
    """Whether ``actor`` may read or act on an object of ``owner_id`` (None: of nobody)."""
    return may_access(actor, owner_of(uow, actor, owner_id))

"""An agency's customers, for the agents who book and service for them (ADR 0021, 0036).

The web site's customer picker reads this list; booking for a customer is then
``customer_id`` on ``POST /api/orders``, which checks the same reach again.
"""

from __future__ import annotations

from farebridge.domain.access import require_role
from farebridge.domain.account import Agency, Role, User
from farebridge.services.ports import Dependencies

MAX_CUSTOMERS = 500


def list_agency_customers(
    deps: Dependencies, *, actor: User, limit: int = MAX_CUSTOMERS
) -> list[tuple[User, Agency | None]]:
    """The customer accounts the actor may book for, oldest first: an agent's agency's
    customers (none for an agent of no agency), every customer for an admin. 403 for a
    customer."""
    require_role(actor, Role.AGENT)
    if actor.role is Role.AGENT and actor.agency_id is None:
        return []
    agency_id = None if actor.role is Role.ADMIN else actor.agency_id
    with deps.uow(read_only=True) as uow:
        customers = uow.users.list(agency_id=agency_id, role=Role.CUSTOMER, limit=limit)
        agencies = {agency.id: agency for agency in uow.agencies.list()}
    return [(user, agencies.get(user.agency_id or "")) for user in customers]

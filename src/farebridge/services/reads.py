"""Reading an order by id, with the access policy every use case applies (ADR 0021)."""

from __future__ import annotations

from farebridge.domain.account import User
from farebridge.domain.errors import OrderNotFound
from farebridge.domain.order import UNCONFIRMED_STATUSES, Order
from farebridge.services.access import may_access_owner
from farebridge.services.ports import UnitOfWork


def owned_order(uow: UnitOfWork, user: User, order_id: str) -> Order:
    """The order, if the policy lets ``user`` reach it (its owner, an agent of the owner's
    agency, an admin). Any other order is indistinguishable from a missing one: 404.
    So is an order its client was never told about (pending or failed)."""
    order = uow.orders.get(order_id)
    if (
        order is None
        or order.status in UNCONFIRMED_STATUSES
        or not may_access_owner(uow, user, order.owner_id)
    ):
        raise OrderNotFound(f"No order {order_id}.", field="order_id")
    return order

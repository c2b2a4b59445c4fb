"""Reading an order by id, with the ownership rule every use case applies."""

from __future__ import annotations

from farebridge.domain.account import User
from farebridge.domain.errors import OrderNotFound
from farebridge.domain.order import UNCONFIRMED_STATUSES, Order
from farebridge.services.ports import UnitOfWork


def owned_order(uow: UnitOfWork, user: User, order_id: str) -> Order:
    """Someone else's order is indistinguishable from a missing one: 404. So is an
    order its client was never told about (pending or failed)."""
    order = uow.orders.get(order_id)
    if order is None or not user.may_see(order.owner_id) or order.status in UNCONFIRMED_STATUSES:
        raise OrderNotFound(f"No order {order_id}.", field="order_id")
    return order

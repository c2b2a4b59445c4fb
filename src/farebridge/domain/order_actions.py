"""What a traveller may ask of an order, as far as its state and its fare say: a client
shows the buttons these name and holds no rule of its own (issue 15). The time windows
(a flight that has left, the cancellation cut-off) are checked when the action is
asked for, and refused then with their own message."""

from __future__ import annotations

from enum import StrEnum

from farebridge.domain.changes import check_changeable
from farebridge.domain.documents import document_kinds
from farebridge.domain.errors import FarebridgeError
from farebridge.domain.order import Order, OrderStatus, is_allowed


class OrderAction(StrEnum):
    CANCEL = "cancel"  # quote a refund, then confirm (POST …/cancellations)
    CHANGE = "change"  # a voluntary change of flights (POST /order_change_requests)
    DOCUMENTS = "documents"  # download its PDFs (GET …/documents): e-ticket, receipt


def available_actions(order: Order) -> tuple[OrderAction, ...]:
    actions: list[OrderAction] = []
    # Ticketing ends in cancelled only when the engine gives a failed ticketing up.
    if order.status is not OrderStatus.TICKETING and is_allowed(
        order.status, OrderStatus.CANCELLED
    ):
        actions.append(OrderAction.CANCEL)
    try:
        check_changeable(order)
    except FarebridgeError:
        pass
    else:
        actions.append(OrderAction.CHANGE)
    if document_kinds(order):
        actions.append(OrderAction.DOCUMENTS)
    return tuple(actions)


_NOT_CANCELLABLE = {
    OrderStatus.TICKETING: "its tickets are being issued right now; try again in a few minutes",
    OrderStatus.CANCELLED: "it is already cancelled",
    OrderStatus.EXPIRED: "it expired unpaid, so there is nothing to cancel",
}


def cancel_refusal(order: Order) -> str | None:
    """Why ``order`` may not be cancelled now, in words (None: it may)."""
    if OrderAction.CANCEL in available_actions(order):
        return None
    why = _NOT_CANCELLABLE.get(order.status, f"it is {order.status.value}")
    return f"Booking {order.booking_reference} cannot be cancelled: {why}."

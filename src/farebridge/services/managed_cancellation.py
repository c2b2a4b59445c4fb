"""Cancel a booking with its manage token (ADR 0038): the traveller who found it by its
reference and a passenger's family name, without the account it was booked with.

The same two steps as the owner's (``services/cancellation.py``): a refund quote, then
its confirmation, with the same refund, seat release, receipt and event; the quote is
only given while the order's ``available_actions`` include ``cancel`` (otherwise 422
``not_cancellable``, or 409 ``already_cancelled``, saying why). A voluntary
cancellation only: an airline's change is answered from the account. The event and the
audit entry say ``via: manage_token``; the audit entry has no acting account.
"""

from __future__ import annotations

from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.errors import InvalidState, OrderAlreadyCancelled
from farebridge.domain.order import Order, OrderStatus
from farebridge.domain.order_actions import cancel_refusal
from farebridge.services.cancellation import after_cancellation, cancel_with_quote, quote_for
from farebridge.services.lookup import managed_order
from farebridge.services.ports import Dependencies

VIA = "manage_token"
REASON = "requested_by_customer"


def _check_cancellable(order: Order) -> None:
    why = cancel_refusal(order)
    if why is None:
        return
    if order.status is OrderStatus.CANCELLED:
        raise OrderAlreadyCancelled(why)
    raise InvalidState(why, code="not_cancellable")


def quote_managed_cancellation(deps: Dependencies, *, token: str) -> CancellationQuote:
    """Step 1 of 2: what cancelling the managed booking refunds; nothing changes yet."""
    now = deps.clock.now()
    with deps.uow() as uow:
        order = managed_order(uow, token, now)
        _check_cancellable(order)
        quote = quote_for(uow, deps, order, reason=REASON, now=now)
        uow.commit()
    return quote


def confirm_managed_cancellation(
    deps: Dependencies, *, token: str, quote_id: str
) -> tuple[Order, CancellationQuote]:
    """Step 2 of 2: cancel the managed booking with its quote (404 for another booking's
    quote, 409 once cancelled: a second confirmation refunds nothing more)."""
    now = deps.clock.now()
    with deps.uow() as uow:
        order = managed_order(uow, token, now)
        quote = cancel_with_quote(uow, deps, order, quote_id, now=now, actor_id=None, via=VIA)
        uow.commit()
    after_cancellation(deps, order.id)
    with deps.uow(read_only=True) as uow:
        confirmed = uow.cancellations.get(quote.id)
        return managed_order(uow, token, deps.clock.now()), confirmed or quote

"""The reconciler of order changes (ADR 0012): finish a confirmation a crash left
``confirming``, once. ``Provider.find_booking(change id)`` and
``PaymentGateway.find_charge(payment id)`` say what happened (for a booking the
airline changes in place, "booked" means committed: Duffel confirmed the change):

booked  charged (or nothing due)   outcome
yes     yes                        confirmed: the order changed, the old booking released
yes     no                         failed: the new booking released
no      yes                        failed: the charge refunded
no      no                         failed

Each outcome is a compare-and-set from ``confirming``, so the reconciler and a late
request finish a change once. The worker's sweep runs ``recover_changes``.
"""

from __future__ import annotations

import structlog

from farebridge.domain.changes import OrderChange
from farebridge.domain.errors import FarebridgeError, UpstreamUnavailable
from farebridge.services.change_confirmation import fail_change, finish_change
from farebridge.services.ports import Dependencies

log = structlog.get_logger(__name__)


def recover_changes(services: Dependencies, *, limit: int = 100) -> int:
    """Finish every change whose confirmation died (``confirming`` past the grace):
    booked and charged → confirmed; anything less → failed, the new booking released
    and any charge refunded. Returns how many were looked at."""
    cutoff = services.clock.now() - services.policies.recovery_grace
    with services.uow(read_only=True) as uow:
        stale = uow.changes.confirming_before(cutoff, limit=limit)
    for change in stale:
        try:
            recover_change(services, change)
        except Exception as exc:  # one stuck upstream must not stop the others
            log.warning("change.recovery_failed", change_id=change.id, error=repr(exc))
    return len(stale)


def recover_change(services: Dependencies, change: OrderChange) -> None:
    with services.uow(read_only=True) as uow:
        order = uow.orders.get(change.order_id)
    if order is None:
        return
    booking = services.providers.for_order(order).find_booking(change.id)
    booked = booking is not None and booking.active
    charge = services.gateway.find_charge(change.payment_id) if change.payment_id else None
    charged = charge is not None and charge.succeeded
    if booked and (charged or change.payment_id is None):
        assert booking is not None
        try:
            finish_change(services, change, booking, charged=charged)
        except FarebridgeError as exc:  # the order moved on: undone by finish_change
            log.info("change.recovered_undone", change_id=change.id, code=exc.code)
        return
    interrupted = UpstreamUnavailable(
        "The change was interrupted; nothing was changed.", code="change_interrupted"
    )
    fail_change(services, change, interrupted, release=True, charged=charged)

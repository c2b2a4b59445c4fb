"""Replaying an order request by its ``Idempotency-Key`` (Stripe's semantics).

* same key, same body, first request finished: its outcome again — the order, or
  the error it failed with;
* same key, another body: 422 ``idempotency_key_reused``;
* first request still running: wait a little for its outcome, then 409
  ``idempotency_in_progress``;
* first request died (pending past the recovery grace): the reconciler finishes
  it now, and its outcome is replayed; an order it had to undo gives the key
  back, so this request runs afresh.
"""

from __future__ import annotations

import time

import structlog

from farebridge.domain.account import User
from farebridge.domain.errors import IdempotencyInProgress, IdempotencyKeyReused, rebuild_error
from farebridge.domain.order import Order, OrderStatus
from farebridge.services.ports import Dependencies
from farebridge.services.recovery import recover_order

log = structlog.get_logger(__name__)
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05


def replay_order(deps: Dependencies, user: User, key: str, fingerprint: str) -> Order | None:
    """The first outcome for ``key`` (raised if it was an error); None: run the request."""
    deadline = time.monotonic() + WAIT_SECONDS
    recovered = False
    while True:
        with deps.uow(read_only=True) as uow:
            found = uow.orders.get_by_idempotency_key(user.id, key)
        if found is None:
            return None
        order, first_fingerprint = found
        if first_fingerprint is not None and first_fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used for a different request; use a new key.",
                field="Idempotency-Key",
            )
        if order.status is not OrderStatus.PENDING:
            return _outcome(order)
        if time.monotonic() >= deadline:
            raise IdempotencyInProgress(
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                field="Idempotency-Key",
            )
        if not recovered and order.created_at <= deps.clock.now() - deps.policies.recovery_grace:
            recovered = True  # once per replay: then wait for whoever finishes it
            try:
                recover_order(deps, order.id)
                continue
            except Exception as exc:  # an upstream cannot answer yet: report in progress
                log.warning("order.recovery_failed", order_id=order.id, error=repr(exc))
        time.sleep(POLL_SECONDS)


def _outcome(order: Order) -> Order:
    if order.status is OrderStatus.FAILED and order.failure is not None:
        failure = order.failure
        raise rebuild_error(
            failure.error, code=failure.code, message=failure.message, field=failure.field
        )
    return order

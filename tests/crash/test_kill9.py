"""Kill -9 a booking flow at every step boundary, restart, recover, check the books.

Each case starts ``tests/crash/flow.py`` in a child process, waits for it to reach
one step boundary of an instant order, a declined order, a hold payment,
ticketing, a cancellation refund or an order change (ADR 0012), and kills it
with SIGKILL (no exception, no clean-up: a real crash). A fresh process then
runs the worker's recovery sweep and its jobs, and ``check_invariants`` asserts:
every charge has exactly one order, no order is charged twice, no refund without
a charge, no airline booking without a live order, seats add up, no order,
payment or change stuck half done. A hold whose payment was interrupted must
still be payable.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from farebridge.bootstrap import build
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.jobs.worker import Worker
from farebridge.services import payments
from farebridge.store.tables import jobs, orders, users
from tests.crash.flow import crash_settings
from tests.crash.invariants import check_invariants

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "crash"
CASES = [
    ("instant", "order.recorded"),
    ("instant", "order.booked"),
    ("instant", "order.charged"),
    ("instant", "order.confirmed"),
    ("declined", "order.recorded"),
    ("declined", "order.booked"),
    ("declined", "order.failed"),
    ("hold_payment", "payment.recorded"),
    ("hold_payment", "payment.charged"),
    ("hold_payment", "payment.settled"),
    ("ticketing", "ticketing.started"),
    ("ticketing", "ticketing.issued"),
    ("cancel", "cancellation.confirmed"),
    ("cancel", "refund.sent"),
    ("change", "change.recorded"),
    ("change", "change.booked"),
    ("change", "change.charged"),
    ("change", "change.committed"),
    ("change", "change.confirmed"),
    ("change_declined", "change.failed"),
]
CHILD_TIMEOUT_SECONDS = 300  # a hang guard, not a timing check: a loaded machine is slow


def _kill_at(url: str, flow: str, step: str) -> None:
    """Run the flow in a child and SIGKILL it at ``step``."""
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.crash.flow", url, flow, step],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "FAREBRIDGE_LOG_LEVEL": "WARNING"},
    )
    assert child.stdout is not None
    deadline = time.monotonic() + CHILD_TIMEOUT_SECONDS
    try:
        for line in child.stdout:
            if line.strip() == f"AT {step}":
                child.send_signal(signal.SIGKILL)
                break
            assert line.strip() != "DONE", f"{flow} never reached {step}"
            assert time.monotonic() < deadline, "the flow took too long"
        else:
            pytest.fail(f"{flow} ended (exit {child.wait()}) before {step}")
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def _wait_for_dead_leases(engine: Engine) -> None:
    """Until every lease the dead process held has run out (1 s after it was taken, the
    crash settings); no wait when it held none, as at most steps, whose work runs in
    the request, not in a job."""
    with engine.connect() as db:
        until = db.execute(
            select(func.max(jobs.c.locked_until)).where(jobs.c.status == "running")
        ).scalar()
    if until is not None:
        time.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()) + 0.05)


def _recover(engine: Engine, url: str) -> Worker:
    """A fresh process after the crash: the worker's sweep and jobs, until quiet."""
    _wait_for_dead_leases(engine)
    worker = Worker(build(crash_settings(url), engine=engine))
    for _ in range(3):
        worker.sweep()
        worker.drain()
    return worker


def _pay_interrupted_holds(engine: Engine, url: str) -> None:
    """A hold whose payment died is still payable, and then gets its tickets."""
    services = build(crash_settings(url), engine=engine)
    with engine.connect() as db:
        held = db.execute(select(orders.c.id, orders.c.owner_id).where(orders.c.status == "hold"))
        pairs = list(held)
        owners = {r.id: r for r in db.execute(select(users))}
    for order_id, owner_id in pairs:
        with services.uow(read_only=True) as uow:
            order, owner = uow.orders.get(order_id), uow.users.get(owner_id)
        assert order is not None and owner is not None and owner_id in owners
        payments.pay_order(
            services,
            user=owner,
            order_id=order_id,
            amount=order.total,
            method=PaymentMethod(PaymentType.CARD, "tok_visa"),
        )
    if pairs:
        Worker(services).drain()


@pytest.mark.slow
@pytest.mark.parametrize(("flow", "step"), CASES, ids=[f"{f}@{s}" for f, s in CASES])
def test_kill_9_at_each_step_then_recover(engine: Engine, flow: str, step: str) -> None:
    url = engine.url.render_as_string(hide_password=False)
    _kill_at(url, flow, step)
    _recover(engine, url)
    counts = check_invariants(engine)
    _pay_interrupted_holds(engine, url)
    check_invariants(engine)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS / f"{engine.dialect.name}-{flow}@{step}.json"
    report.write_text(json.dumps({"flow": flow, "step": step, **counts}) + "\n")

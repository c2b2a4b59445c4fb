"""The worker loop: claim a due job, run it, repeat; periodically expire holds and
finish what crashed requests left pending (orders, then hold payments).

Several workers may run at once: a job is claimed with a compare-and-set (and
``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and its lease runs out if a worker dies,
so another worker picks it up. A worker refuses to start while the queue holds a
job kind nobody handles. Each worker records a heartbeat every few seconds; the
API's ``/ready`` fails while no worker has beaten recently (ADR 0029).
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType

import structlog

from farebridge.services.change_recovery import recover_changes
from farebridge.services.expiry import expire_holds
from farebridge.services.health import forget_worker, record_heartbeat, worker_identity
from farebridge.services.jobs import check_handler_table, run_next_job
from farebridge.services.notifications import dispatch_emails
from farebridge.services.payments import reconcile_pending_payments
from farebridge.services.ports import Dependencies
from farebridge.services.recovery import recover_orders
from farebridge.services.webhooks import dispatch_events

log = structlog.get_logger(__name__)
EXPIRY_INTERVAL_SECONDS = 30.0
WEBHOOK_INTERVAL_SECONDS = 1.0  # how soon an order event is handed to webhooks
HEARTBEAT_INTERVAL_SECONDS = 5.0


class Worker:
    def __init__(
        self,
        deps: Dependencies,
        *,
        poll_seconds: float = 0.2,
        heartbeat_seconds: float = HEARTBEAT_INTERVAL_SECONDS,
    ) -> None:
        with deps.uow(read_only=True) as uow:
            check_handler_table(deps.job_handlers, frozenset(uow.jobs.kinds_waiting()))
        self._deps = deps
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._next_expiry = 0.0
        self._next_dispatch = 0.0
        self._heartbeat_seconds = heartbeat_seconds
        self._next_heartbeat = 0.0
        self.worker_id, self._hostname, self._pid = worker_identity()

    def stop(self, *_args: object) -> None:
        self._stopping.set()

    def run_once(self) -> bool:
        """Do one unit of work; True if there was any."""
        if time.monotonic() >= self._next_heartbeat:
            self._next_heartbeat = time.monotonic() + self._heartbeat_seconds
            self.heartbeat()
        if time.monotonic() >= self._next_expiry:
            self._next_expiry = time.monotonic() + EXPIRY_INTERVAL_SECONDS
            self.sweep()
        if time.monotonic() >= self._next_dispatch:
            self._next_dispatch = time.monotonic() + WEBHOOK_INTERVAL_SECONDS
            self.dispatch_webhooks()
            self.dispatch_emails()
        return run_next_job(self._deps)

    def heartbeat(self) -> None:
        try:
            record_heartbeat(self._deps, self.worker_id, hostname=self._hostname, pid=self._pid)
        except Exception as exc:  # the database blinking must not stop the jobs
            log.warning("worker.heartbeat_failed", error=repr(exc))

    def dispatch_webhooks(self) -> None:
        try:
            queued = dispatch_events(self._deps)
        except Exception as exc:
            log.exception("worker.dispatch_failed", error=repr(exc))
            return
        if queued:
            log.info("webhooks.queued", count=queued)

    def dispatch_emails(self) -> None:
        try:
            queued = dispatch_emails(self._deps)
        except Exception as exc:
            log.exception("worker.email_dispatch_failed", error=repr(exc))
            return
        if queued:
            log.info("emails.queued", count=queued)

    def sweep(self) -> None:
        """Expire due holds and finish what crashed requests left pending; one failing
        step (the database blinking) does not keep the others from running."""
        steps = (
            ("holds.expired", expire_holds),
            ("orders.recovered", recover_orders),
            ("payments.reconciled", reconcile_pending_payments),
            ("changes.recovered", recover_changes),
        )
        for name, step in steps:
            try:
                count = step(self._deps)
            except Exception as exc:
                log.exception("worker.sweep_failed", step=name, error=repr(exc))
                continue
            if count:
                log.info(name, count=count)

    def drain(self, *, max_jobs: int = 1000) -> int:
        """Run due jobs until none is left (tests and one-off runs)."""
        done = 0
        while done < max_jobs and run_next_job(self._deps):
            done += 1
        return done

    def run_forever(self) -> None:
        log.info("worker.started", worker_id=self.worker_id)
        while not self._stopping.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # the database may blink; keep serving
                log.exception("worker.loop_error", error=repr(exc))
                busy = False
            if not busy:
                self._stopping.wait(self._poll_seconds)
        try:
            forget_worker(self._deps, self.worker_id)
        except Exception as exc:
            log.warning("worker.heartbeat_not_removed", error=repr(exc))
        log.info("worker.stopped", worker_id=self.worker_id)

    def install_signal_handlers(self) -> None:
        def handle(_signum: int, _frame: FrameType | None) -> None:
            self.stop()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

"""The worker loop: claim due jobs, run them on a pool of threads, repeat;
periodically expire holds, finish what crashed requests left pending (orders, then
hold payments) and delete old done jobs.

One process runs up to ``threads`` jobs at once (FAREBRIDGE_WORKER_THREADS, ADR 0033):
the loop claims as many due jobs as it has idle threads, in one transaction, and
hands each to a thread; handlers wait on the database and upstreams, not the CPU.
That transaction also marks done the jobs that ended since the last one, and, with
``batch_size`` above 1, claims up to that many jobs of each kind that has a batch
handler (tickets) for one thread to run together (ADR 0052).
At most ``bulk_threads`` of them (FAREBRIDGE_WORKER_BULK_THREADS, default half) run
bulk jobs, so a ticket due while PDFs render finds a thread (ADR 0040).
The heartbeat, the sweeps and the dispatch of webhooks and e-mails run on a thread of
their own (ADR 0040), so busy jobs never starve them and they never hold up a claim:
on the loop's thread, a dispatch of hundreds of paid orders' e-mails left the job
threads idle while urgent jobs waited. ``stop`` (SIGTERM, SIGINT) claims
nothing more and waits for the jobs in flight to finish; a process killed instead
leaves leases that run out, and the jobs are claimed again.

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
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import FrameType

import structlog

from farebridge.services.change_recovery import recover_changes
from farebridge.services.expiry import expire_holds
from farebridge.services.health import forget_worker, record_heartbeat, worker_identity
from farebridge.services.jobs import (
    URGENT_PRIORITY,
    check_handler_table,
    claim_jobs,
    prune_done_jobs,
    run_claimed,
    run_claimed_batch,
    run_next_job,
)
from farebridge.services.notifications import dispatch_emails
from farebridge.services.payments import reconcile_pending_payments
from farebridge.services.ports import Dependencies, JobLike
from farebridge.services.recovery import recover_orders
from farebridge.services.webhooks import dispatch_events

log = structlog.get_logger(__name__)
EXPIRY_INTERVAL_SECONDS = 30.0
WEBHOOK_INTERVAL_SECONDS = 1.0  # how soon an order event is handed to webhooks
HEARTBEAT_INTERVAL_SECONDS = 5.0
DEFAULT_THREADS = 4  # FAREBRIDGE_WORKER_THREADS
# Paid orders one thread tickets together on SQLite, whose single writer the API's
# bookings also need (FAREBRIDGE_WORKER_TICKETING_BATCH, ADR 0052).
SQLITE_TICKETING_BATCH = 16
# While BULK_HOLD_JOBS urgent jobs (tickets) or more were claimed within the last
# BULK_QUIET_SECONDS, a burst of bookings is coming in: bulk jobs (PDFs, e-mails,
# webhooks) are claimed only once they have waited BULK_MAX_WAIT, leaving the CPU to
# the API and the tickets (ADR 0052). A booking now and then holds nothing back.
BULK_QUIET_SECONDS = 1.0
BULK_HOLD_JOBS = 5
BULK_MAX_WAIT = timedelta(seconds=60)


class Worker:
    def __init__(
        self,
        deps: Dependencies,
        *,
        poll_seconds: float = 0.2,
        heartbeat_seconds: float = HEARTBEAT_INTERVAL_SECONDS,
        threads: int = DEFAULT_THREADS,
        bulk_threads: int | None = None,
        batch_size: int = 1,
        bulk_quiet_seconds: float = BULK_QUIET_SECONDS,
        bulk_hold_jobs: int = BULK_HOLD_JOBS,
        bulk_max_wait: timedelta = BULK_MAX_WAIT,
    ) -> None:
        if threads < 1:
            raise ValueError("a worker needs at least one thread")
        if bulk_threads is not None and bulk_threads < 1:
            raise ValueError("bulk jobs need at least one thread")
        if batch_size < 1:
            raise ValueError("a batch holds at least one job")
        with deps.uow(read_only=True) as uow:
            check_handler_table(deps.job_handlers, frozenset(uow.jobs.kinds_waiting()))
        self._deps = deps
        self._poll_seconds = poll_seconds
        self._threads = threads
        # Bulk jobs (a PDF is 100 ms of CPU) never take every thread: urgent ones that
        # arrive meanwhile find one free.
        self._bulk_threads = min(bulk_threads or max(1, threads // 2), threads)
        self._bulk_in_flight = 0
        self._batches = dict.fromkeys(deps.batch_handlers, batch_size) if batch_size > 1 else {}
        self._bulk_quiet_seconds = bulk_quiet_seconds
        self._bulk_hold_jobs = bulk_hold_jobs
        self._bulk_max_wait = bulk_max_wait
        self._urgent_claims: deque[float] = deque()  # monotonic, one per urgent job claimed
        self._stopping = threading.Event()
        self._wake = threading.Event()  # a job finished (a thread is free) or stop
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        # Jobs run to the end, marked done by the next claim's transaction (ADR 0052).
        self._finished: list[int] = []
        self._next_expiry = 0.0
        self._next_dispatch = 0.0
        self._heartbeat_seconds = heartbeat_seconds
        self._next_heartbeat = 0.0
        self.worker_id, self._hostname, self._pid = worker_identity()

    def stop(self, *_args: object) -> None:
        """Claim nothing more; ``run_forever`` returns once the jobs in flight are done."""
        self._stopping.set()
        self._wake.set()

    @property
    def in_flight(self) -> int:
        """Jobs this worker has claimed and not yet finished."""
        with self._in_flight_lock:
            return self._in_flight

    def run_once(self) -> bool:
        """Do one unit of work on this thread; True if there was any."""
        self.run_periodic()
        return run_next_job(self._deps)

    def run_periodic(self) -> None:
        """The heartbeat, the sweep and the dispatch, each when its interval is up."""
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
            ("jobs.pruned", prune_done_jobs),
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
        log.info("worker.started", worker_id=self.worker_id, threads=self._threads)
        housekeeping = threading.Thread(
            target=self._housekeep, name="farebridge-housekeeping", daemon=True
        )
        housekeeping.start()
        with ThreadPoolExecutor(self._threads, thread_name_prefix="farebridge-job") as pool:
            while not self._stopping.is_set():
                self._wake.clear()  # a job finishing from here on wakes the wait below
                try:
                    started = self._start_jobs(pool)
                except Exception as exc:  # the database may blink; keep serving
                    log.exception("worker.loop_error", error=repr(exc))
                    started = 0
                if not started:
                    self._wake.wait(self._poll_seconds)
            log.info("worker.stopping", worker_id=self.worker_id, in_flight=self.in_flight)
        # Leaving the pool waited for the jobs in flight: none is left half-run. The
        # housekeeping ends before the heartbeat is removed, so none comes after it.
        housekeeping.join()
        try:
            self._finish_rest()
        except Exception as exc:  # not marked done: their leases run out, they run again
            log.warning("worker.finish_failed", error=repr(exc))
        try:
            forget_worker(self._deps, self.worker_id)
        except Exception as exc:
            log.warning("worker.heartbeat_not_removed", error=repr(exc))
        log.info("worker.stopped", worker_id=self.worker_id)

    def _housekeep(self) -> None:
        """``run_periodic`` until ``stop``: each step is due on its own interval."""
        while not self._stopping.is_set():
            try:
                self.run_periodic()
            except Exception as exc:  # each step logs its own; this is a last resort
                log.exception("worker.housekeeping_error", error=repr(exc))
            self._stopping.wait(self._poll_seconds)

    def _start_jobs(self, pool: ThreadPoolExecutor) -> int:
        """Mark the jobs run since the last claim done and claim work for each idle
        thread, in one transaction (ADR 0052), and start it: a job, or a batch of jobs of
        one kind."""
        with self._in_flight_lock:
            idle = self._threads - self._in_flight
            bulk = self._bulk_threads - self._bulk_in_flight
            finished, self._finished = self._finished, []
        if self._stopping.is_set():
            idle = 0
        if idle <= 0 and not finished:
            return 0
        busy = self._burst()
        try:
            claimed = claim_jobs(
                self._deps,
                max(idle, 0),
                bulk=max(bulk, 0),
                finished=finished,
                batches=self._batches,
                bulk_waited=self._bulk_max_wait if busy else timedelta(0),
            )
        except Exception:
            with self._in_flight_lock:  # not marked done: the next claim tries again
                self._finished[:0] = finished
            raise
        now = time.monotonic()
        self._urgent_claims.extend(now for job in claimed if job.priority <= URGENT_PRIORITY)
        for unit in self._units(claimed):
            with self._in_flight_lock:
                self._in_flight += 1
                self._bulk_in_flight += unit[0].priority > URGENT_PRIORITY
            pool.submit(self._run_unit, unit)
        return len(claimed)

    def _burst(self) -> bool:
        """Whether urgent jobs are coming in fast: ``bulk_hold_jobs`` or more claimed
        within the last ``bulk_quiet_seconds``."""
        since = time.monotonic() - self._bulk_quiet_seconds
        while self._urgent_claims and self._urgent_claims[0] < since:
            self._urgent_claims.popleft()
        return len(self._urgent_claims) >= self._bulk_hold_jobs

    def _units(self, claimed: list[JobLike]) -> list[list[JobLike]]:
        """What each thread runs: up to a batch's size of the claimed jobs of a batched
        kind together (the claim's first for that kind), any other job alone."""
        together: dict[str, list[JobLike]] = {}
        alone: list[list[JobLike]] = []
        for job in claimed:
            batch = together.setdefault(job.kind, []) if job.kind in self._batches else None
            if batch is not None and len(batch) < self._batches[job.kind]:
                batch.append(job)
            else:
                alone.append([job])
        return [*(batch for batch in together.values() if batch), *alone]

    def _finish_rest(self) -> None:
        """Mark done the jobs that ended after the last claim (on stopping)."""
        with self._in_flight_lock:
            finished, self._finished = self._finished, []
        if finished:
            claim_jobs(self._deps, 0, finished=finished)

    def _run_unit(self, unit: list[JobLike]) -> None:
        done: list[int] = []
        try:
            if len(unit) == 1:
                done = [unit[0].id] if run_claimed(self._deps, unit[0], finish=False) else []
            else:
                handle = self._deps.batch_handlers[unit[0].kind]
                done = run_claimed_batch(self._deps, unit, handle)
        except Exception as exc:  # their outcome not recorded: the leases run out, they run again
            log.exception(
                "worker.job_error",
                job_ids=[job.id for job in unit],
                job_kind=unit[0].kind,
                error=repr(exc),
            )
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1
                self._bulk_in_flight -= unit[0].priority > URGENT_PRIORITY
                self._finished.extend(done)
            self._wake.set()

    def install_signal_handlers(self) -> None:
        def handle(_signum: int, _frame: FrameType | None) -> None:
            self.stop()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

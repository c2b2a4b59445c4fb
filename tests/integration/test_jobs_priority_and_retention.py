"""Ticketing first and finished jobs out of the way (ADR 0033): urgent kinds are claimed
before bulk ones; done jobs are deleted after the retention, in bounded batches, and
failed ones kept; a key whose done job was deleted is queued again, as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from farebridge.bootstrap import build
from farebridge.domain.clock import ManualClock
from farebridge.jobs.worker import Worker
from farebridge.services import jobs as job_service
from farebridge.services.jobs import (
    BULK_PRIORITY,
    URGENT,
    URGENT_PRIORITY,
    JobKind,
    enqueue_in,
    priority_of,
    prune_done_jobs,
    run_job_now,
)
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.tables import jobs

BULK = [JobKind.RENDER_DOCUMENT, JobKind.SEND_EMAIL, JobKind.DELIVER_WEBHOOK]


def test_the_urgent_kinds_are_the_ones_a_booking_or_a_client_waits_on() -> None:
    assert {kind.value for kind in URGENT} == {
        "issue_tickets",
        "sync_order",
        "recover_order",
        "cancel_booking",
        "refund_payment",
        "reissue_tickets",
        "search_offers",
    }
    assert all(priority_of(kind) == BULK_PRIORITY for kind in BULK)
    assert URGENT_PRIORITY < BULK_PRIORITY


def _recording(services: Dependencies, ran: list[str]) -> Dependencies:
    def record(kind: str) -> Any:
        return lambda _deps, payload: ran.append(f"{kind}:{payload['n']}")

    return replace(services, job_handlers={kind.value: record(kind.value) for kind in JobKind})


def test_tickets_are_claimed_before_documents_queued_earlier(services: Dependencies) -> None:
    ran: list[str] = []
    services = _recording(services, ran)
    with services.uow() as uow:  # bulk first, as a busy minute leaves them
        for n in range(2):
            for kind in BULK:
                enqueue_in(uow, services, kind, {"n": n})
        enqueue_in(uow, services, JobKind.TICKETING, {"n": 0})
        enqueue_in(uow, services, JobKind.SYNC, {"n": 0})
        enqueue_in(uow, services, JobKind.TICKETING, {"n": 1})
        uow.commit()
    Worker(services, threads=1).drain()
    assert ran[:3] == ["issue_tickets:0", "sync_order:0", "issue_tickets:1"]
    assert sorted(ran[3:]) == sorted(f"{kind.value}:{n}" for n in range(2) for kind in BULK)
    assert ran[3:6] == [f"{kind.value}:0" for kind in BULK], "FIFO within a priority"


def _three_emails_then(services: Dependencies, urgent: JobKind) -> None:
    """E-mails 0, 1, 2 (bulk), then one ``urgent`` job (n=9), queued in that order."""
    with services.uow() as uow:
        for n in range(3):
            enqueue_in(uow, services, JobKind.SEND_EMAIL, {"n": n})
        enqueue_in(uow, services, urgent, {"n": 9})
        uow.commit()


def test_a_batch_claim_takes_the_urgent_jobs_first(services: Dependencies) -> None:
    _three_emails_then(services, JobKind.REFUND)
    first = job_service.claim_jobs(services, 2)
    assert [(job.kind, job.payload["n"]) for job in first] == [
        ("refund_payment", 9),
        ("send_email", 0),
    ]
    rest = job_service.claim_jobs(services, 5)
    assert [job.payload["n"] for job in rest] == [1, 2]
    assert job_service.claim_jobs(services, 5) == []


def test_a_batch_claim_takes_no_more_bulk_jobs_than_it_is_given(services: Dependencies) -> None:
    _three_emails_then(services, JobKind.TICKETING)
    first = job_service.claim_jobs(services, 4, bulk=1)
    assert [(job.kind, job.payload["n"]) for job in first] == [
        ("issue_tickets", 9),
        ("send_email", 0),
    ]
    assert [job.priority for job in first] == [0, 1]
    assert job_service.claim_jobs(services, 4, bulk=0) == []
    rest = job_service.claim_jobs(services, 4, bulk=5)
    assert [job.payload["n"] for job in rest] == [1, 2]


def test_a_job_waiting_for_its_retry_does_not_hold_back_the_next(services: Dependencies) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        uow.jobs.enqueue("issue_tickets", {"n": 0}, now=now, run_after=now + timedelta(hours=1))
        uow.jobs.enqueue("issue_tickets", {"n": 1}, now=now)
        uow.commit()
    claimed = job_service.claim_jobs(services, 5)
    assert [job.payload["n"] for job in claimed] == [1]


# --- retention ---------------------------------------------------------------------


@pytest.fixture
def clocked(engine: Engine) -> tuple[Dependencies, ManualClock]:
    clock = ManualClock(datetime.now(UTC))
    settings = Settings(database_url="sqlite://", job_retention=timedelta(hours=1))
    return build(settings, engine=engine, clock=clock), clock


def _finish(services: Dependencies, key: str, *, fail: bool = False) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        uow.jobs.enqueue("send_email", {"key": key}, now=now, dedupe_key=key)
        job = uow.jobs.claim_next(now=now, lease=timedelta(seconds=60), kind="send_email")
        assert job is not None and job.payload == {"key": key}
        if fail:
            uow.jobs.fail(job.id, error="boom", now=now)
        else:
            uow.jobs.finish(job.id, now=now)
        uow.commit()


def _rows(engine: Engine) -> dict[str, str]:
    with engine.connect() as db:
        return {row[0]: row[1] for row in db.execute(select(jobs.c.dedupe_key, jobs.c.status))}


def test_done_jobs_past_the_retention_are_deleted_failed_ones_kept(
    clocked: tuple[Dependencies, ManualClock], engine: Engine
) -> None:
    services, clock = clocked
    _finish(services, "old-done")
    _finish(services, "old-failed", fail=True)
    clock.advance(timedelta(minutes=90))
    _finish(services, "recent-done")
    with services.uow() as uow:
        uow.jobs.enqueue("send_email", {}, now=clock.now(), dedupe_key="queued")
        uow.commit()
    assert prune_done_jobs(services) == 1
    assert _rows(engine) == {"old-failed": "failed", "recent-done": "done", "queued": "queued"}
    assert prune_done_jobs(services) == 0


def test_pruning_goes_in_bounded_batches(
    clocked: tuple[Dependencies, ManualClock], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, clock = clocked
    for n in range(7):
        _finish(services, f"done-{n}")
    clock.advance(timedelta(hours=2))
    monkeypatch.setattr(job_service, "PRUNE_BATCH", 2)
    monkeypatch.setattr(job_service, "PRUNE_MAX_BATCHES", 3)
    assert prune_done_jobs(services) == 6, "three batches of two in one sweep"
    assert prune_done_jobs(services) == 1
    assert _rows(engine) == {}


def test_a_key_asked_for_again_after_its_done_job_was_deleted_runs_again(
    clocked: tuple[Dependencies, ManualClock], engine: Engine
) -> None:
    services, clock = clocked
    _finish(services, "again")
    _finish(services, "failed-again", fail=True)
    clock.advance(timedelta(hours=2))
    assert prune_done_jobs(services) == 1
    with services.uow() as uow:
        for key in ("again", "failed-again"):
            uow.jobs.enqueue("send_email", {"key": key, "ask": 2}, now=clock.now(), dedupe_key=key)
        uow.jobs.enqueue("send_email", {"ask": 3}, now=clock.now(), dedupe_key="again")  # no-op
        uow.commit()
    with engine.connect() as db:
        rows = db.execute(select(jobs.c.dedupe_key, jobs.c.status, jobs.c.payload, jobs.c.attempts))
        found = {row.dedupe_key: (row.status, row.payload, row.attempts) for row in rows}
    assert found == {
        "again": ("queued", {"key": "again", "ask": 2}, 0),
        "failed-again": ("queued", {"key": "failed-again", "ask": 2}, 0),
    }


def test_run_job_now_after_the_done_job_was_deleted_finds_nothing_to_run(
    clocked: tuple[Dependencies, ManualClock],
) -> None:
    services, clock = clocked
    _finish(services, "search-key")
    assert run_job_now(services, JobKind.SEND_EMAIL, "search-key") is False  # done: nothing
    clock.advance(timedelta(hours=2))
    assert prune_done_jobs(services) == 1
    assert run_job_now(services, JobKind.SEND_EMAIL, "search-key") is False  # gone: the same


def test_the_sweep_prunes_done_jobs(
    clocked: tuple[Dependencies, ManualClock], engine: Engine
) -> None:
    services, clock = clocked
    _finish(services, "swept")
    clock.advance(timedelta(hours=2))
    Worker(services).sweep()
    assert _rows(engine) == {}

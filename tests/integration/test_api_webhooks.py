"""The native webhooks' invariants on SQLite and PostgreSQL, under concurrency: one
dispatcher hands each event to each webhook once (both schemes share it), and an
attempt that runs twice at once is recorded once."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from farebridge.domain.account import User
from farebridge.domain.webhook_deliveries import Delivery, DeliveryStatus
from farebridge.services import standard_webhooks, webhook_delivery, webhooks
from farebridge.services.jobs import JobKind, run_next_job
from farebridge.services.ports import Dependencies, PageRequest
from farebridge.store.tables import jobs, webhook_deliveries
from tests.integration.conftest import create_user, find_offers, place_order
from tests.webhook_receiver import Receiver, running_receiver


@pytest.fixture
def local_services(services: Dependencies) -> Dependencies:
    policies = dataclasses.replace(services.policies, webhook_allow_http_localhost=True)
    return dataclasses.replace(services, policies=policies)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def _jobs_with_key(engine: Engine, key: str) -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(jobs).where(jobs.c.dedupe_key == key)
        return int(connection.execute(query).scalar_one())


def _race(target: Callable[[], object], threads: int) -> None:
    start = threading.Barrier(threads)

    def run() -> None:
        start.wait()
        target()

    racers = [threading.Thread(target=run) for _ in range(threads)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()


def test_racing_dispatchers_log_each_delivery_once_for_both_schemes(
    local_services: Dependencies, engine: Engine
) -> None:
    services = local_services
    user = create_user(services)
    standard = standard_webhooks.create_webhook(
        services, user=user, url="https://example.com/a", events=["order.created"]
    )
    second = standard_webhooks.create_webhook(
        services, user=user, url="https://example.com/b", events=["order.created", "order.paid"]
    )
    duffel = webhooks.create_webhook(
        services, user=user, url="https://example.com/duffel", events=["order.created"]
    )
    assert webhooks.dispatch_events(services) == 0
    for offer in find_offers(services, user=user)[:3]:
        place_order(services, user=user, offer=offer, instant=False)

    counts: list[int] = []

    def dispatch() -> None:
        for _ in range(3):
            counts.append(webhooks.dispatch_events(services))

    _race(dispatch, 4)

    assert sum(counts) == 9, counts  # three orders, three webhooks, order.created each
    with engine.connect() as connection:
        rows = connection.execute(
            select(webhook_deliveries.c.webhook_id, webhook_deliveries.c.event_id)
        ).all()
        keys = Counter(
            str(r.dedupe_key)
            for r in connection.execute(
                select(jobs.c.dedupe_key).where(jobs.c.kind == JobKind.DELIVER_WEBHOOK.value)
            )
        )
    assert Counter(r.webhook_id for r in rows) == {standard.id: 3, second.id: 3}
    assert len(set(rows)) == 6, "one delivery per event and webhook"
    assert len({r.event_id for r in rows}) == 3, "one id per event, whichever webhook"
    assert set(keys.values()) == {1} and len(keys) == 9
    assert sum(1 for key in keys if key.startswith(f"{duffel.id}:")) == 3
    assert webhooks.dispatch_events(services) == 0, "nothing is handed out twice"


def test_an_attempt_run_twice_at_once_is_recorded_once(
    local_services: Dependencies, engine: Engine, receiver: Receiver
) -> None:
    services = local_services
    user = create_user(services)
    hook = standard_webhooks.create_webhook(
        services, user=user, url=receiver.url("down"), events=["order.created"]
    )
    endpoint = receiver.endpoint("down")
    endpoint.secret = hook.secret
    endpoint.always_fail = True
    webhooks.dispatch_events(services)
    place_order(services, user=user, offer=find_offers(services, user=user)[0], instant=False)
    assert webhooks.dispatch_events(services) == 1
    [delivery] = _log(services, user, hook.id)

    _race(lambda: webhook_delivery.deliver_attempt(services, _attempt(delivery.id, 0)), 3)

    [after] = _log(services, user, hook.id)
    assert after.attempts == 1 and after.status is DeliveryStatus.PENDING
    assert after.last_status_code == 500
    assert len(endpoint.received) >= 1, "each run posts; the receiver deduplicates by id"
    assert {r.webhook_id for r in endpoint.received} == {delivery.event_id}
    next_jobs = _jobs_with_key(engine, webhook_delivery.job_key(delivery.id, 1))
    assert next_jobs == 1, "one next attempt queued"


def test_a_failing_streak_disables_the_webhook_once(
    local_services: Dependencies, engine: Engine
) -> None:
    """Two attempts failing at once past the disable window: the compare-and-set turns the
    webhook off once, and a success in between would have reset the streak."""
    services = local_services
    user = create_user(services)
    hook = standard_webhooks.create_webhook(
        services, user=user, url="https://example.com/x", events=["ping"]
    )
    now = services.clock.now()
    with services.uow() as uow:
        uow.webhooks.mark_failing(hook.id, now=now)
        uow.webhooks.mark_failing(hook.id, now=now + services.policies.webhook_retries.window)
        uow.commit()
    cutoff = now + services.policies.webhook_retries.disable_after
    results: list[bool] = []

    def disable() -> None:
        with services.uow() as uow:
            results.append(
                uow.webhooks.disable_if_failing_since(hook.id, cutoff=cutoff, reason="r", now=now)
            )
            uow.commit()

    _race(disable, 4)
    assert sorted(results) == [False, False, False, True]
    found = standard_webhooks.get_webhook(services, user=user, webhook_id=hook.id)
    assert found.active is False and found.disabled_reason == "r"
    assert found.failing_since == now, "the streak started at the first failure"


def _attempt(delivery_id: str, attempt: int) -> dict[str, Any]:
    return {"delivery_id": delivery_id, "attempt": attempt}


def _log(services: Dependencies, user: User, webhook_id: str) -> list[Delivery]:
    page = standard_webhooks.list_deliveries(
        services, user=user, webhook_id=webhook_id, page=PageRequest(limit=50)
    )
    return list(page.items)


def test_a_paused_webhook_gets_nothing_and_its_delivery_fails(
    local_services: Dependencies, engine: Engine, receiver: Receiver
) -> None:
    services = local_services
    user = create_user(services)
    hook = standard_webhooks.create_webhook(
        services, user=user, url=receiver.url("paused"), events=["order.created"]
    )
    receiver.endpoint("paused").secret = hook.secret
    webhooks.dispatch_events(services)
    place_order(services, user=user, offer=find_offers(services, user=user)[0], instant=False)
    assert webhooks.dispatch_events(services) == 1
    standard_webhooks.update_webhook(
        services,
        user=user,
        webhook_id=hook.id,
        changes=standard_webhooks.WebhookChanges(active=False),
    )
    while run_next_job(services, kind=JobKind.DELIVER_WEBHOOK.value):
        pass
    [delivery] = _log(services, user, hook.id)
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == 0
    assert delivery.last_error == "The webhook is disabled."
    assert receiver.endpoint("paused").received == []
    place_order(services, user=user, offer=find_offers(services, user=user)[1], instant=False)
    assert webhooks.dispatch_events(services) == 0, "a paused webhook is handed nothing"

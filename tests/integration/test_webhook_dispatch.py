"""The webhook dispatcher on SQLite and PostgreSQL: each order event is handed to each
interested webhook exactly once, even with dispatchers racing."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Engine, select

from farebridge.services import webhooks
from farebridge.services.jobs import JobKind
from farebridge.services.ports import Dependencies
from farebridge.store.tables import jobs
from tests.integration.conftest import create_user, find_offers, place_order


def _deliveries(engine: Engine) -> Counter[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(jobs.c.dedupe_key).where(jobs.c.kind == JobKind.DELIVER_WEBHOOK.value)
        )
        return Counter(str(r.dedupe_key) for r in rows)


def test_racing_dispatchers_queue_each_delivery_once(
    services: Dependencies, engine: Engine
) -> None:
    """Four dispatchers at once: the position's compare-and-set lets one hand out each
    event (their counts add up to the events), for the owner's webhook only."""
    user = create_user(services)
    other = create_user(services)
    hook = webhooks.create_webhook(
        services, user=user, url="https://example.com/hooks", events=["order.created"]
    )
    webhooks.create_webhook(
        services, user=other, url="https://example.com/theirs", events=["order.created"]
    )
    assert webhooks.dispatch_events(services) == 0  # the worker is running: nothing yet
    offers = find_offers(services, user=user)
    for offer in offers[:4]:
        place_order(services, user=user, offer=offer, instant=False)

    start = threading.Barrier(4)
    counts: list[int] = []

    def dispatch() -> None:
        start.wait()
        for _ in range(3):
            counts.append(webhooks.dispatch_events(services))

    racers = [threading.Thread(target=dispatch) for _ in range(4)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()

    queued = _deliveries(engine)
    assert sum(counts) == 4 == len(queued), (counts, queued)
    assert all(key.startswith(f"{hook.id}:") for key in queued), "only the owner's webhook"
    assert set(queued.values()) == {1}
    assert webhooks.dispatch_events(services) == 0, "nothing is handed out twice"

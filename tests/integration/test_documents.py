"""Rendering and storing an order's PDFs (ADR 0017) on SQLite and PostgreSQL: the job is
queued with the ticketing, runs twice and stores one document, races store one, and
a new ticket state stores the next version."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, delete, func, select

from farebridge.domain.documents import DocumentKind
from farebridge.domain.order import Document, Order
from farebridge.jobs.worker import Worker
from farebridge.services import documents
from farebridge.services.jobs import JobKind, run_next_job
from farebridge.services.ports import Dependencies
from farebridge.store.tables import jobs, order_documents
from tests.integration.conftest import create_user, find_offers, place_order


def paid_order(services: Dependencies) -> Order:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    return place_order(services, user=user, offer=offer, instant=True)


def versions(engine: Engine, order_id: str) -> list[int]:
    with engine.connect() as db:
        return list(
            db.execute(
                select(order_documents.c.version)
                .where(order_documents.c.order_id == order_id)
                .order_by(order_documents.c.version)
            ).scalars()
        )


def render_jobs(engine: Engine) -> list[str]:
    with engine.connect() as db:
        return list(
            db.execute(
                select(jobs.c.status).where(jobs.c.kind == JobKind.RENDER_DOCUMENT.value)
            ).scalars()
        )


def test_ticketing_queues_the_e_ticket_and_a_rerun_stores_nothing(
    services: Dependencies, engine: Engine
) -> None:
    order = paid_order(services)
    assert documents.ensure_document(services, order.id, DocumentKind.E_TICKET) is None
    assert run_next_job(services, kind=JobKind.TICKETING.value)
    assert render_jobs(engine) == ["queued"], "queued in the ticketing's transaction"
    assert versions(engine, order.id) == []
    Worker(services).drain()
    assert render_jobs(engine) == ["done"] and versions(engine, order.id) == [1]
    first = documents.newest_document(services, order.id, DocumentKind.E_TICKET)
    assert first is not None and first.content.startswith(b"%PDF-")
    payload = {"order_id": order.id, "kind": "e_ticket"}
    documents.render_document(services, payload)  # the job again: a crash before "done"
    again = documents.ensure_document(services, order.id, DocumentKind.E_TICKET)
    assert versions(engine, order.id) == [1]
    assert again is not None and again.id == first.id and again.content == first.content
    receipt = DocumentKind.CANCELLATION_RECEIPT
    assert documents.ensure_document(services, order.id, receipt) is None, "not cancelled"


def test_renders_that_race_store_one_document(services: Dependencies, engine: Engine) -> None:
    order = paid_order(services)
    Worker(services).drain()
    with engine.begin() as db:
        db.execute(delete(order_documents).where(order_documents.c.order_id == order.id))

    def ensure(_: int) -> str:
        document = documents.ensure_document(services, order.id, DocumentKind.E_TICKET)
        assert document is not None
        return document.id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = set(pool.map(ensure, range(6)))
    assert len(ids) == 1 and versions(engine, order.id) == [1]


def test_new_tickets_make_the_next_version_and_the_newest_is_served(
    services: Dependencies, engine: Engine
) -> None:
    order = paid_order(services)
    Worker(services).drain()
    now = services.clock.now()
    with services.uow() as uow:
        old = uow.orders.remove_documents(order.id)
        uow.orders.add_documents(
            order.id,
            [
                Document("electronic_ticket", f"{number}9", p.id, now)
                for number, p in zip(old, order.passengers, strict=True)
            ],
        )
        uow.commit()
    second = documents.ensure_document(services, order.id, DocumentKind.E_TICKET)
    assert second is not None and second.version == 2
    assert second.filename == f"e-ticket-{order.booking_reference}-v2.pdf"
    documents.ensure_document(services, order.id, DocumentKind.E_TICKET)
    assert versions(engine, order.id) == [1, 2]
    newest = documents.newest_document(services, order.id, DocumentKind.E_TICKET)
    assert newest is not None and newest.id == second.id
    with services.uow(read_only=True) as uow:
        [listed] = uow.documents.list_newest(order.id)
    assert listed.version == 2 and listed.size == len(second.content)
    with engine.connect() as db:
        total = db.execute(select(func.count()).select_from(order_documents)).scalar_one()
    assert total == 2

"""Email notifications on SQLite and PostgreSQL, against a real SMTP server (aiosmtpd):
retries after SMTP failures, the payment reminder of a hold (time moved by the clock),
the .eml folder when no server is configured, and racing dispatchers and workers."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select

from farebridge.bootstrap import build, mail_transport
from farebridge.domain.account import User
from farebridge.domain.clock import ManualClock
from farebridge.domain.errors import UpstreamUnavailable
from farebridge.domain.notifications import Attachment, EmailKind, EmailStatus, OutboxEmail
from farebridge.domain.order import Order
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.jobs.worker import Worker
from farebridge.outbound.mail import EmlFolderTransport, SmtpTransport, parse_smtp_url
from farebridge.services import notifications
from farebridge.services.jobs import JobKind, run_next_job
from farebridge.services.notifications import dispatch_emails
from farebridge.services.payments import pay_order
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.tables import email_outbox, jobs
from tests.integration.conftest import create_user, find_offers, place_order
from tests.mail_server import SmtpCatcher, free_port, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpCatcher]:
    with smtp_server() as catcher:
        yield catcher


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


def _mailing(engine: Engine, clock: ManualClock, **settings: object) -> Dependencies:
    deps = build(Settings(database_url="sqlite://", **settings), engine=engine, clock=clock)  # type: ignore[arg-type]
    assert dispatch_emails(deps) == 0  # the position, where the migration leaves it
    return deps


@pytest.fixture
def mailing(engine: Engine, smtp: SmtpCatcher, clock: ManualClock) -> Dependencies:
    return _mailing(engine, clock, smtp_url=smtp.url)


def _emails(deps: Dependencies, order_id: str) -> dict[EmailKind, OutboxEmail]:
    with deps.uow(read_only=True) as uow:
        found = uow.email_outbox.list_for_order(order_id)
    kinds = Counter(e.kind for e in found)
    assert set(kinds.values()) <= {1}, kinds
    return {e.kind: e for e in found}


def _hold(deps: Dependencies, user: User | None = None) -> tuple[User, Order]:
    user = user or create_user(deps)
    offer = find_offers(deps, user=user)[0]
    return user, place_order(deps, user=user, offer=offer, instant=False)


def test_a_refused_message_is_retried_with_backoff_and_delivered_once(
    mailing: Dependencies, smtp: SmtpCatcher, clock: ManualClock
) -> None:
    worker = Worker(mailing)
    user, order = _hold(mailing)
    smtp.refuse_next("451 4.3.0 Try again later", "452 4.3.1 Out of room")
    assert dispatch_emails(mailing) == 2  # the confirmation, and the reminder (due later)
    worker.drain()
    confirmation = _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION]
    assert (confirmation.status, confirmation.attempts) == (EmailStatus.PENDING, 1)
    assert confirmation.last_error and "451" in confirmation.last_error
    assert smtp.received == []
    worker.drain()
    assert smtp.received == [], "the retry waits for its backoff"
    clock.advance(timedelta(seconds=3))
    worker.drain()
    assert _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION].attempts == 2
    clock.advance(timedelta(seconds=5))
    worker.drain()
    clock.advance(timedelta(minutes=10))
    worker.drain()
    assert dispatch_emails(mailing) == 0
    sent = _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION]
    assert (sent.status, sent.attempts) == (EmailStatus.SENT, 3)
    assert sent.sent_at is not None
    [received] = smtp.received
    assert received.recipients == [user.email]
    assert received.message["Message-ID"] == f"<{sent.id}@farebridge.localhost>"
    assert received.message["Subject"] == sent.subject
    assert f"Booking {order.booking_reference} is held until" in sent.subject


def test_a_permanent_refusal_fails_the_message_without_retries(
    mailing: Dependencies, smtp: SmtpCatcher, clock: ManualClock
) -> None:
    worker = Worker(mailing)
    _, order = _hold(mailing)
    smtp.refuse_next("550 5.1.1 Mailbox unavailable")
    dispatch_emails(mailing)
    worker.drain()
    clock.advance(timedelta(minutes=5))
    worker.drain()
    failed = _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION]
    assert (failed.status, failed.attempts) == (EmailStatus.FAILED, 1)
    assert failed.last_error and "550" in failed.last_error
    assert smtp.received == []


def test_the_payment_reminder_goes_before_the_hold_expires(
    mailing: Dependencies, smtp: SmtpCatcher, clock: ManualClock
) -> None:
    worker = Worker(mailing)
    user, order = _hold(mailing)
    deadline = order.payment_required_by
    assert deadline is not None
    dispatch_emails(mailing)
    worker.drain()
    assert [r.message["Subject"] for r in smtp.received] == [
        f"Booking {order.booking_reference} is held until "
        + deadline.strftime("%a %d %b %Y %H:%M UTC")
    ]
    reminder = _emails(mailing, order.id)[EmailKind.PAYMENT_REMINDER]
    lead = min(timedelta(hours=2), (deadline - order.created_at) / 2)
    assert abs(reminder.send_after - (deadline - lead)) < timedelta(seconds=5)
    clock.advance(reminder.send_after - clock.now() - timedelta(minutes=1))
    worker.drain()
    assert len(smtp.received) == 1, "not due yet"
    clock.advance(timedelta(minutes=2))
    worker.drain()
    assert len(smtp.received) == 2
    message = smtp.received[1]
    assert message.recipients == [user.email]
    assert message.message["Subject"].startswith(
        f"Reminder: pay for booking {order.booking_reference}"
    )
    assert f"Amount due: {order.total}" in message.text
    assert order.id in message.text and "Itinerary (local times):" in message.text
    assert f"Amount due: {order.total}" in message.html
    assert _emails(mailing, order.id)[EmailKind.PAYMENT_REMINDER].status is EmailStatus.SENT


def test_a_paid_hold_is_not_reminded(
    mailing: Dependencies, smtp: SmtpCatcher, clock: ManualClock
) -> None:
    worker = Worker(mailing)
    user, order = _hold(mailing)
    dispatch_emails(mailing)
    worker.drain()
    pay_order(
        mailing,
        user=user,
        order_id=order.id,
        amount=order.total,
        method=PaymentMethod(PaymentType.BALANCE),
    )
    clock.advance(timedelta(hours=30))
    worker.drain()
    reminder = _emails(mailing, order.id)[EmailKind.PAYMENT_REMINDER]
    assert reminder.status is EmailStatus.SKIPPED
    # Tickets are claimed before e-mails (ADR 0033): by the reminder's turn it is ticketed.
    assert reminder.last_error and "ticketed" in reminder.last_error
    assert [r.message["X-Farebridge-Kind"] for r in smtp.received] == ["booking_confirmation"]


def test_without_an_smtp_url_each_message_is_an_eml_file_named_by_its_id(
    engine: Engine, clock: ManualClock, tmp_path: Path
) -> None:
    folder = tmp_path / "mail"
    deps = _mailing(engine, clock, mail_dir=folder)
    user, order = _hold(deps)
    dispatch_emails(deps)
    Worker(deps).drain()
    confirmation = _emails(deps, order.id)[EmailKind.BOOKING_CONFIRMATION]
    assert confirmation.status is EmailStatus.SENT
    assert [p.name for p in folder.iterdir()] == [f"{confirmation.id}.eml"]
    parsed = message_from_bytes(
        (folder / f"{confirmation.id}.eml").read_bytes(), policy=policy.default
    )
    assert parsed["To"] == user.email
    assert parsed["Subject"] == confirmation.subject
    assert parsed["Message-ID"] == f"<{confirmation.id}@farebridge.localhost>"
    assert order.booking_reference in parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_the_default_transport_is_the_var_mail_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAREBRIDGE_SMTP_URL", raising=False)
    monkeypatch.delenv("FAREBRIDGE_MAIL_DIR", raising=False)
    transport = mail_transport(Settings(_env_file=None))
    assert isinstance(transport, EmlFolderTransport)
    assert transport.folder == Path("var/mail")


def test_smtp_login_with_a_percent_encoded_password(engine: Engine, clock: ManualClock) -> None:
    with smtp_server(with_auth=True) as server:
        url = f"smtp://bookings:s3cret%40pass@127.0.0.1:{server.port}"
        deps = _mailing(engine, clock, smtp_url=url)
        _hold(deps)
        dispatch_emails(deps)
        Worker(deps).drain()
        assert server.logins == [("bookings", "s3cret@pass")]
        assert len(server.received) == 1
        wrong = _mailing(engine, clock, smtp_url=url.replace("s3cret", "wrong"))
        _, other = _hold(wrong)
        dispatch_emails(wrong)
        Worker(wrong).drain()
        refused = _emails(wrong, other.id)[EmailKind.BOOKING_CONFIRMATION]
    assert refused.status is EmailStatus.PENDING and refused.last_error
    assert "wrong" not in refused.last_error and "s3cret" not in refused.last_error
    assert "smtp://bookings@127.0.0.1" in refused.last_error


def test_racing_dispatchers_and_workers_queue_and_send_each_message_once(
    mailing: Dependencies, smtp: SmtpCatcher, engine: Engine
) -> None:
    """Four dispatchers at once, then two workers: the position's compare-and-set (and the
    outbox's unique event and kind) queue each message once; the job claim sends it once."""
    user = create_user(mailing)
    offers = find_offers(mailing, user=user)
    orders = [place_order(mailing, user=user, offer=o, instant=False) for o in offers[:4]]

    start = threading.Barrier(4)
    counts: list[int] = []

    def dispatch() -> None:
        start.wait()
        for _ in range(3):
            counts.append(dispatch_emails(mailing))

    _race(dispatch, 4)
    assert sum(counts) == 8, counts  # a confirmation and a reminder per hold
    with engine.connect() as connection:
        rows = connection.execute(select(email_outbox.c.event_id, email_outbox.c.kind)).all()
        queued = connection.execute(
            select(func.count()).where(jobs.c.kind == JobKind.SEND_EMAIL.value)
        ).scalar()
    assert len(rows) == len(set(rows)) == 8 == queued

    def work() -> None:
        while run_next_job(mailing):
            pass

    _race(work, 2)
    ids = Counter(r.message["Message-ID"] for r in smtp.received)
    assert len(ids) == 4 and set(ids.values()) == {1}, ids
    references = sorted(r.message["Subject"].split()[1] for r in smtp.received)
    assert references == sorted(o.booking_reference for o in orders)


def _race(target: object, count: int) -> None:
    racers = [threading.Thread(target=target) for _ in range(count)]  # type: ignore[arg-type]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()


def test_a_crash_after_sending_resends_once_with_the_same_message_id(
    mailing: Dependencies,
    smtp: SmtpCatcher,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server took the message, then the worker died before marking it sent: the job
    runs again and sends it again — one duplicate, recognisable by its Message-ID."""
    worker = Worker(mailing)
    _, order = _hold(mailing)
    dispatch_emails(mailing)
    finish = notifications._finish
    crashes: list[str] = []

    def crash_once(
        deps: Dependencies, email_id: str, status: EmailStatus, **kwargs: object
    ) -> None:
        if status is EmailStatus.SENT and not crashes:
            crashes.append(email_id)
            raise ConnectionError("the database went away")
        finish(deps, email_id, status, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(notifications, "_finish", crash_once)
    worker.drain()
    assert len(smtp.received) == 1
    assert _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION].status is EmailStatus.PENDING
    clock.advance(timedelta(seconds=3))
    worker.drain()
    clock.advance(timedelta(minutes=10))
    worker.drain()
    sent = _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION]
    assert sent.status is EmailStatus.SENT
    assert [r.message["Message-ID"] for r in smtp.received] == [
        f"<{sent.id}@farebridge.localhost>"
    ] * 2


def test_attachments_are_produced_when_sent_and_recorded_on_the_outbox(
    mailing: Dependencies,
    smtp: SmtpCatcher,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one attachment hook: not ready yet is retried like an SMTP failure; ready, the
    file goes with the message and the outbox records its name, type and size."""
    worker = Worker(mailing)
    _, order = _hold(mailing)
    dispatch_emails(mailing)
    asked: list[tuple[EmailKind, str]] = []

    def attachments(kind: EmailKind, order_id: str, deps: Dependencies) -> list[Attachment]:
        asked.append((kind, order_id))
        if len(asked) == 1:
            raise UpstreamUnavailable("not rendered yet", code="mail_unavailable")
        return [Attachment("itinerary.pdf", "application/pdf", b"%PDF-1.7 test")]

    monkeypatch.setattr(notifications, "_attachments_for", attachments)
    worker.drain()
    pending = _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION]
    assert (pending.status, pending.attempts, pending.last_error) == (
        EmailStatus.PENDING,
        1,
        "not rendered yet",
    )
    clock.advance(timedelta(seconds=3))
    worker.drain()
    assert asked == [(EmailKind.BOOKING_CONFIRMATION, order.id)] * 2
    [received] = smtp.received
    [pdf] = list(received.message.iter_attachments())
    assert (pdf.get_filename(), pdf.get_content_type()) == ("itinerary.pdf", "application/pdf")
    assert pdf.get_content() == b"%PDF-1.7 test"
    sent = _emails(mailing, order.id)[EmailKind.BOOKING_CONFIRMATION]
    assert sent.attachments == (
        {"filename": "itinerary.pdf", "content_type": "application/pdf", "size": 13},
    )


def test_an_unreachable_server_or_unwritable_folder_is_a_retryable_failure(
    tmp_path: Path,
) -> None:
    message = EmailMessage()
    message["Subject"] = "x"
    message.set_content("x")
    closed = SmtpTransport(
        parse_smtp_url(f"smtp://ann:hunter2@127.0.0.1:{free_port()}?timeout=2"), sender="a@b.c"
    )
    with pytest.raises(UpstreamUnavailable) as refused:
        closed.send(message, email_id="eml_1")
    assert refused.value.code == "mail_unavailable"
    assert "could not be reached" in refused.value.message and "hunter2" not in str(refused.value)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(UpstreamUnavailable) as unwritable:
        EmlFolderTransport(blocked, sender="a@b.c").send(message, email_id="eml_1")
    assert unwritable.value.code == "mail_unavailable"


def test_a_batch_of_events_reads_its_orders_and_owners_once(
    mailing: Dependencies, engine: Engine
) -> None:
    """Five holds of two accounts: one dispatch queues their ten messages, reading the
    orders (with their tickets) and the accounts in one query each, not two per event."""
    for user, holds in ((create_user(mailing), 3), (create_user(mailing), 2)):
        for offer in find_offers(mailing, user=user)[:holds]:
            place_order(mailing, user=user, offer=offer, instant=False)
    selects: Counter[str] = Counter()

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        words = statement.split()
        if words[0].upper() == "SELECT":
            table = words[words.index("FROM") + 1] if "FROM" in words else "?"
            selects[table.strip('"')] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert dispatch_emails(mailing) == 10
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert selects["orders"] == 1, selects
    assert selects["users"] == 1, selects
    assert selects["documents"] == 1, selects


def test_many_orders_and_users_by_id(mailing: Dependencies) -> None:
    user = create_user(mailing)
    _, order = _hold(mailing, user)
    with mailing.uow(read_only=True) as uow:
        stored = uow.orders.get(order.id)
        assert stored is not None and stored.id == order.id
        assert uow.orders.get_many([order.id, "ord_missing"]) == {order.id: stored}
        assert uow.orders.get_many([]) == {}
        assert uow.users.get_many({user.id, "usr_missing"}) == {user.id: user}
        assert uow.users.get_many([]) == {}

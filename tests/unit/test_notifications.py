"""Notifications without I/O: the SMTP URL format, the reminder's time, the messages."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.headerregistry import AddressHeader, HeaderRegistry, UnstructuredHeader
from email.policy import default as default_policy
from typing import cast

import pytest
from pydantic import SecretStr, ValidationError

from farebridge.domain.notifications import (
    EVENT_EMAILS,
    Attachment,
    EmailKind,
    OutboxEmail,
    message_id,
    reminder_at,
)
from farebridge.domain.order import Document, OrderType
from farebridge.outbound.mail import SmtpConfig, parse_smtp_url
from farebridge.services import notifications
from farebridge.services.email_messages import render
from farebridge.services.notifications import build_message
from farebridge.settings import Settings
from tests.factories import create_order

NOW = datetime(2029, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpConfig("mail.example.com", 25, False, False, None)),
        (
            "smtp://ann:p%40ss%3Aword@mail.example.com?starttls=true",
            SmtpConfig("mail.example.com", 587, False, True, "ann", "p@ss:word"),
        ),
        (
            "smtps://ann:pw@mail.example.com:2465?timeout=3.5",
            SmtpConfig("mail.example.com", 2465, True, False, "ann", "pw", 3.5),
        ),
        ("smtps://mail.example.com", SmtpConfig("mail.example.com", 465, True, False, None)),
    ],
)
def test_smtp_url_forms(url: str, expected: SmtpConfig) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("http://mail.example.com", "must start with smtp:// or smtps://"),
        ("smtp://", "names no host"),
        ("smtp://host:99999", "invalid port"),
        ("smtp://host?tls=1", "unknown option tls"),
        ("smtp://host?starttls=maybe", "starttls must be true or false"),
        ("smtps://host?starttls=true", "smtps:// is TLS already"),
        ("smtp://host?timeout=soon", "timeout must be a number"),
        ("smtp://host?timeout=0", "timeout must be positive"),
    ],
)
def test_a_malformed_smtp_url_is_refused_with_the_reason(url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        parse_smtp_url(url)


def test_the_smtp_password_is_never_shown() -> None:
    config = parse_smtp_url("smtp://ann:hunter2@mail.example.com")
    assert "hunter2" not in str(config) and "hunter2" not in repr(config)
    assert str(config) == "smtp://ann@mail.example.com:25"
    settings = Settings(_env_file=None, smtp_url=SecretStr("smtp://ann:hunter2@mail.example.com"))
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, smtp_url=SecretStr("smtp://ann:hunter2@mail.example.com?x=1"))
    assert "unknown option x" in str(refused.value) and "hunter2" not in str(refused.value)


def test_the_reminder_goes_at_the_lead_or_halfway_through_a_short_hold() -> None:
    lead = timedelta(hours=2)
    assert reminder_at(NOW, NOW + timedelta(hours=24), lead) == NOW + timedelta(hours=22)
    assert reminder_at(NOW, NOW + timedelta(hours=4), lead) == NOW + timedelta(hours=2)
    assert reminder_at(NOW, NOW + timedelta(hours=1), lead) == NOW + timedelta(minutes=30)
    assert reminder_at(NOW, NOW, lead) is None


def test_every_named_event_is_an_order_event() -> None:
    assert set(EVENT_EMAILS) == {
        "order.created",
        "order.ticketed",
        "order.schedule_changed",
        "order.cancelled",
        "order.ticketing_failed",
    }


def test_messages_escape_html_and_name_the_next_step() -> None:
    order = create_order()
    order = replace(
        order,
        passengers=(replace(order.passengers[0], given_name="<b>Amelia</b>"),),
        documents=(Document("electronic_ticket", "1251234567890", "pas_1", NOW),),
        type=OrderType.INSTANT,
    )
    ticket = render(EmailKind.TICKET_ISSUED, order, event={}, now=NOW)
    assert "E-ticket 1251234567890: <b>Amelia</b> Earhart" in ticket.text_body
    assert "&lt;b&gt;Amelia&lt;/b&gt;" in ticket.html_body and "<b>Amelia" not in ticket.html_body
    assert "BA117 New York (JFK) Thu 10 Jan 2030 18:30 -> London (LHR)" in ticket.text_body
    change = render(
        EmailKind.SCHEDULE_CHANGE,
        order,
        event={"flight": "BA117", "departure_on": "2030-01-10", "message": "55 minutes later"},
        now=NOW,
    )
    assert "changed flight BA117 on 2030-01-10" in change.text_body
    failed = render(EmailKind.CANCELLATION, order, event={"code": "x"}, now=NOW)
    assert "everything you paid is refunded" in failed.text_body
    assert f"Refund: {order.charged_total}" in failed.text_body


def _ticket_email(email_id: str, subject: str, text_body: str, html_body: str) -> OutboxEmail:
    return OutboxEmail(
        id=email_id,
        order_id="ord_1",
        event_id=7,
        kind=EmailKind.TICKET_ISSUED,
        to_address="amelia@test.com",
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        created_at=NOW,
        send_after=NOW,
    )


def test_a_message_has_both_bodies_its_attachments_and_a_stable_message_id() -> None:
    email = _ticket_email("eml_1", "Your e-tickets", "plain words", "<p>html words</p>")
    pdf = Attachment("e-ticket-ABC234.pdf", "application/pdf", b"%PDF-1.7 fake")
    sender = "farebridge <bookings@example.com>"
    message = build_message(email, [pdf], sender=sender)
    assert message["Message-ID"] == "<eml_1@example.com>" == message_id("eml_1", sender)
    assert message.get_body(("plain",)).get_content().strip() == "plain words"  # type: ignore[union-attr]
    assert "html words" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "e-ticket-ABC234.pdf"
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content() == b"%PDF-1.7 fake"


def _boundaries_named(raw: bytes) -> bytes:
    for number, boundary in enumerate(re.findall(rb'boundary="([^"]+)"', raw)):
        raw = raw.replace(boundary, b"boundary-%d" % number)
    return raw


@pytest.mark.parametrize("attached", [True, False])
def test_a_message_is_written_as_the_standard_librarys_defaults_write_it(
    attached: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Header classes made once and boundaries chosen by the message (ADR 0033, second
    addendum) write the bytes the standard library's default policy and its own
    boundaries write, but for the boundaries: folded non-ASCII subject, both bodies,
    the attachment."""
    email = _ticket_email(
        "eml_2",
        "Your e-tickets, Zoë Ångström-Łukasiewicz: JFK → LHR " + "and back " * 6,
        "Dear Zoë,\n" + "your trip " * 30 + "\n--\nfarebridge\n",
        "<p>Dear Zoë,</p>\n<p>" + "your trip " * 30 + "</p>\n",
    )
    pdfs = [Attachment("e-ticket-ABC234.pdf", "application/pdf", bytes(range(256)) * 40)]
    pdfs = pdfs if attached else []
    sender = "farebridge <bookings@example.com>"
    ours = build_message(email, pdfs, sender=sender).as_bytes()
    monkeypatch.setattr(notifications, "MAIL_POLICY", default_policy)
    monkeypatch.setattr(notifications, "_boundary", lambda *_: None)  # the generator's own
    expected = build_message(email, pdfs, sender=sender).as_bytes()
    assert _boundaries_named(ours) == _boundaries_named(expected)
    assert ours.count(b"boundary=") == (2 if attached else 1)


def test_a_boundary_is_never_one_the_bodies_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(secrets, "token_hex", lambda _: next(drawn))
    assert notifications._boundary("plain", "x ===fbaaaa== y") == "===fbbbbb=="


def test_each_header_class_is_made_once() -> None:
    """The standard library's registry makes a new class per parsed header; ours makes
    one per header name (ADR 0033, second addendum)."""
    registry = cast(HeaderRegistry, notifications.MAIL_POLICY.header_factory)
    assert registry["Subject"] is registry["subject"] is registry["SUBJECT"]
    assert issubclass(registry["Subject"], UnstructuredHeader)
    assert issubclass(registry["To"], AddressHeader)

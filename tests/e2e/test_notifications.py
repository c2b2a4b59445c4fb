"""Notifications through /api: a booking, its tickets, an airline schedule change and its
cancellation each mail the account once, caught by a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from farebridge.jobs.worker import Worker
from farebridge.services.notifications import dispatch_emails
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from tests.e2e.conftest import first_offer, instant_order_body, register, search
from tests.mail_server import Received, SmtpCatcher, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpCatcher]:
    with smtp_server() as catcher:
        yield catcher


@pytest.fixture
def settings(smtp: SmtpCatcher) -> Settings:
    return Settings(
        database_url="sqlite://",
        search_rate_limit_per_minute=1000,
        booking_rate_limit_per_minute=1000,
        payment_rate_limit_per_minute=1000,
        search_wait_seconds=30,
        smtp_url=smtp.url,
        mail_from="Farebridge Bookings <bookings@example.com>",
    )


def _deliver(services: Dependencies, worker: Worker) -> None:
    """What the worker loop does: queue the new events' emails, run the due jobs."""
    worker.dispatch_emails()
    worker.drain()


def _by_kind(received: list[Received]) -> dict[str, Received]:
    kinds = [r.message["X-Farebridge-Kind"] for r in received]
    assert len(kinds) == len(set(kinds)), kinds
    return {str(kind): r for kind, r in zip(kinds, received, strict=True)}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_book_ticket_schedule_change_and_cancel_each_mail_the_account_once(
    client: TestClient, services: Dependencies, worker: Worker, smtp: SmtpCatcher
) -> None:
    dispatch_emails(services)  # the worker is running before anything is booked
    auth = register(client, "amelia.mail@test.com")
    offer = first_offer(search(client, auth)["offers"])
    headers = {**auth, "Sandbox-Fault": "schedule_change"}
    order = client.post("/api/orders", json=instant_order_body(offer), headers=headers).json()[
        "data"
    ]
    _deliver(services, worker)  # the confirmation; ticketing runs
    _deliver(services, worker)  # the e-tickets
    assert client.post(f"/api/orders/{order['id']}/actions/sync", headers=auth).status_code == 200
    _deliver(services, worker)
    quote = client.post(f"/api/orders/{order['id']}/actions/cancel", headers=auth).json()["data"]
    confirmed = client.post(
        f"/api/orders/{order['id']}/actions/cancel/confirm",
        json={"cancellation_id": quote["id"]},
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text
    for _ in range(3):
        _deliver(services, worker)

    mails = _by_kind(smtp.received)
    assert list(mails) == [
        "booking_confirmation",
        "ticket_issued",
        "schedule_change",
        "cancellation",
    ]
    reference = order["booking_reference"]
    total = f"{order['total_amount']} {order['total_currency']}"
    for mail in mails.values():
        assert mail.recipients == ["amelia.mail@test.com"]
        assert mail.message["To"] == "amelia.mail@test.com"
        assert mail.message["From"] == "Farebridge Bookings <bookings@example.com>"
        assert reference in mail.message["Subject"]
        assert f"Booking reference: {reference}" in mail.text
        assert f"Total: {total}" in mail.text
        assert "Itinerary (local times):" in mail.text and "What to do next:" in mail.text
        assert f"Booking reference: {reference}" in mail.html
        assert mail.message.get_body(("html",)) is not None

    segment = order["slices"][0]["segments"][0]
    flight = segment["marketing_carrier"]["iata_code"] + segment["marketing_carrier_flight_number"]
    leaves = segment["departing_at"]  # airport-local: 2027-01-14T18:30:00
    local = f"{segment['origin']['iata_code']}) "
    confirmation = mails["booking_confirmation"]
    assert confirmation.message["Subject"] == f"Booking {reference} is confirmed"
    assert "confirmed and paid" in confirmation.text
    itinerary = next(line for line in confirmation.text.splitlines() if line.startswith("  "))
    assert itinerary.strip().startswith(flight) and local in itinerary
    assert leaves[11:16] in itinerary, (leaves, itinerary)

    ticketed = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    numbers = [d["unique_identifier"] for d in ticketed["documents"]]
    assert numbers
    tickets = mails["ticket_issued"]
    assert tickets.message["Subject"] == f"Your e-tickets for booking {reference}"
    assert all(f"E-ticket {number}: Amelia Earhart" in tickets.text for number in numbers)
    # The e-ticket receipt PDF the documents route serves is attached.
    (pdf,) = tickets.message.iter_attachments()
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() and pdf.get_filename().endswith(".pdf")
    assert reference in pdf_text(pdf.get_content())

    change = mails["schedule_change"]
    assert change.message["Subject"] == f"Schedule change on booking {reference}"
    assert "later" in change.text and "keep the new flight" in change.text

    cancellation = mails["cancellation"]
    assert cancellation.message["Subject"] == f"Booking {reference} is cancelled"
    refund = f"Refund: {Decimal(quote['refund_amount'])} {quote['refund_currency']}"
    assert refund in cancellation.text
    (receipt,) = cancellation.message.iter_attachments()
    assert receipt.get_content_type() == "application/pdf"
    assert reference in pdf_text(receipt.get_content())

    listed = client.get(f"/api/orders/{order['id']}/emails", headers=auth)
    assert listed.status_code == 200, listed.text
    emails = listed.json()["data"]
    assert [e["kind"] for e in emails] == list(mails)
    assert {e["status"] for e in emails} == {"sent"}
    assert [f"<{e['id']}@example.com>" for e in emails] == [
        m.message["Message-ID"] for m in mails.values()
    ]
    stranger = register(client, "someone.else@test.com")
    assert client.get(f"/api/orders/{order['id']}/emails", headers=stranger).status_code == 404

"""PDF documents over HTTP (ADR 0017): book with the sandbox, pay, let the worker ticket,
then download the e-ticket and read it back; cancel and read the cancellation receipt;
change the flight and get the next e-ticket version. Page 1 of an e-ticket is rendered
to ``test-artifacts/documents/`` for a person to look at."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine, func, select

from farebridge.jobs.worker import Worker
from farebridge.store.tables import order_documents
from tests.e2e.conftest import (
    adult,
    amount_due,
    cancel_order,
    offer_of_an_airline_flying_later,
    register,
    search,
)
from tests.e2e.test_order_changes import change_offers, dearest, request_change

Json = dict[str, Any]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


def book(client: TestClient, headers: dict[str, str], worker: Worker, *, brand: str) -> Json:
    """An instant order of one adult with an accented name, ticketed by the worker."""
    offers = search(client, headers)["offers"]
    offer = offer_of_an_airline_flying_later(client, headers, offers, brand=brand)
    passenger = adult(id=offer["passengers"][0]["id"], given_name="Zoë", family_name="Ångström")
    body = {
        "type": "instant",
        "selected_offers": [offer["id"]],
        "passengers": [passenger],
        "payments": [
            {
                "type": "card",
                "card_token": "tok_visa",
                "amount": amount_due(offer),
                "currency": offer["total_currency"],
            }
        ],
    }
    created = client.post("/api/orders", json=body, headers=headers)
    assert created.status_code == 201, created.text
    worker.drain()
    order_id = created.json()["data"]["id"]
    order: Json = client.get(f"/api/orders/{order_id}", headers=headers).json()["data"]
    assert order["status"] == "ticketed", order["status"]
    return order


def download(client: TestClient, headers: dict[str, str], order_id: str, kind: str) -> Any:
    response = client.get(f"/api/orders/{order_id}/documents/{kind}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def printed_time(local: str) -> str:
    """The order's airport-local ISO time as the PDF prints it."""
    return datetime.fromisoformat(local).strftime("%a %d %b %Y %H:%M")


def money(amount: str, currency: str) -> str:
    return f"{Decimal(amount):,} {currency}"


def stored(engine: Engine, order_id: str) -> int:
    with engine.connect() as db:
        return int(
            db.execute(
                select(func.count())
                .select_from(order_documents)
                .where(order_documents.c.order_id == order_id)
            ).scalar_one()
        )


def test_the_e_ticket_shows_the_order(
    client: TestClient, auth: dict[str, str], worker: Worker, engine: Engine
) -> None:
    order = book(client, auth, worker, brand="Standard")
    assert "documents" in order["available_actions"], "the order says it has PDFs"
    listed = client.get(f"/api/orders/{order['id']}/documents", headers=auth)
    assert listed.status_code == 200, listed.text
    [document] = listed.json()["data"]
    reference = order["booking_reference"]
    assert document["kind"] == "e_ticket" and document["version"] == 1
    assert document["filename"] == f"e-ticket-{reference}.pdf"
    assert document["url"] == f"/api/orders/{order['id']}/documents/e_ticket"

    response = download(client, auth, order["id"], "e_ticket")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="e-ticket-{reference}.pdf"'
    assert len(response.content) == document["size"]
    text = text_of(response.content)
    assert reference in text
    assert "Zoë Ångström" in text, "accented names render (a Unicode font)"
    for ticket in order["documents"]:
        assert ticket["unique_identifier"] in text
    for segment in (s for item in order["slices"] for s in item["segments"]):
        flight = f"{segment['marketing_carrier']['iata_code']} "
        assert flight + segment["marketing_carrier_flight_number"] in text
        assert printed_time(segment["departing_at"]) in text
        assert printed_time(segment["arriving_at"])[:-6] in text  # the date; (+1) may follow
        assert segment["origin"]["iata_code"] in text
    assert money(order["base_amount"], order["base_currency"]) in text
    assert money(order["tax_amount"], order["tax_currency"]) in text
    payment = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    charged = amount_due_of(payment)
    assert money(charged, order["total_currency"]) in text, "the total charged"
    assert "X1234567" not in text and "*****567" in text, "the passport number is masked"
    assert "Changes" in text and "Refunds" in text
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].images, "the QR code is embedded as an image"

    worker.drain()
    assert stored(engine, order["id"]) == 1, "one document, however often the worker runs"
    save_page_one(response.content, f"e_ticket_{engine.dialect.name}.png")


def amount_due_of(order: Json) -> str:
    """What the order's payment charged: its total plus the card surcharge."""
    surcharge = order.get("surcharge_amount") or "0"
    return str(Decimal(order["total_amount"]) + Decimal(surcharge))


def save_page_one(pdf: bytes, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=2).to_pil()
        path = ARTIFACTS / name
        image.save(path)
        assert image.width > 1000 and path.stat().st_size > 10_000
        page.close()
    finally:
        document.close()


def test_the_cancellation_receipt_says_what_came_back_and_why(
    client: TestClient, auth: dict[str, str], worker: Worker, engine: Engine
) -> None:
    order = book(client, auth, worker, brand="Basic")
    before = client.get(f"/api/orders/{order['id']}/documents/cancellation_receipt", headers=auth)
    assert before.status_code == 404 and before.json()["errors"][0]["code"] == "document_not_ready"
    quote = cancel_order(client, auth, order["id"])
    worker.drain()
    kinds = [
        d["kind"]
        for d in client.get(f"/api/orders/{order['id']}/documents", headers=auth).json()["data"]
    ]
    assert kinds == ["e_ticket", "cancellation_receipt"]
    response = download(client, auth, order["id"], "cancellation_receipt")
    text = text_of(response.content)
    currency = quote["refund_currency"]
    assert Decimal(quote["penalty_amount"]) > 0, "Basic is non-refundable: the fare is kept"
    assert f"Refunded {money(quote['refund_amount'], currency)}" in text
    assert f"Kept (penalty) {money(quote['penalty_amount'], currency)}" in text
    assert "Basic is non-refundable" in text and "taxes are refunded" in text
    assert order["booking_reference"] in text and quote["id"] in text
    assert "Zoë Ångström" in text
    assert stored(engine, order["id"]) == 2
    save_page_one(response.content, f"cancellation_receipt_{engine.dialect.name}.png")


def test_a_reissue_makes_the_next_e_ticket_version(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = book(client, auth, worker, brand="Flex")
    request = request_change(client, auth, order)
    offer = dearest(change_offers(client, auth, request["id"]))
    change = client.post(
        "/api/order_changes", json={"selected_order_change_offer": offer["id"]}, headers=auth
    ).json()["data"]
    payment = {
        "type": "card",
        "card_token": "tok_visa",
        "amount": offer["change_total_amount"],
        "currency": offer["change_total_currency"],
    }
    url = f"/api/order_changes/{change['id']}/actions/confirm"
    assert client.post(url, json={"payment": payment}, headers=auth).status_code == 200
    worker.drain()
    changed = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    [document] = client.get(f"/api/orders/{order['id']}/documents", headers=auth).json()["data"]
    assert document["version"] == 2
    assert document["filename"] == f"e-ticket-{changed['booking_reference']}-v2.pdf"
    text = text_of(download(client, auth, order["id"], "e_ticket").content)
    assert changed["booking_reference"] in text and order["booking_reference"] not in text
    for ticket in changed["documents"]:
        assert ticket["unique_identifier"] in text
    new_segment = changed["slices"][0]["segments"][0]
    assert printed_time(new_segment["departing_at"]) in text


def test_documents_are_the_owners_only(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    order = book(client, auth, worker, brand="Standard")
    other = register(client, "bessie@test.com")
    for path in ("documents", "documents/e_ticket"):
        response = client.get(f"/api/orders/{order['id']}/{path}", headers=other)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "order_not_found"
    assert client.get(f"/api/orders/{order['id']}/documents").status_code == 401
    wrong = client.get(f"/api/orders/{order['id']}/documents/boarding_pass", headers=auth)
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["source"]["field"] == "kind"


@pytest.mark.parametrize("kind", ["e_ticket", "cancellation_receipt"])
def test_an_unticketed_order_has_no_document_yet(
    client: TestClient, auth: dict[str, str], kind: str
) -> None:
    offer = next(
        o
        for o in search(client, auth)["offers"]
        if o["payment_requirements"]["requires_instant_payment"] is False
    )
    body = {"type": "hold", "selected_offers": [offer["id"]], "passengers": [adult()]}
    order = client.post("/api/orders", json=body, headers=auth).json()["data"]
    assert "documents" not in order["available_actions"]
    listed = client.get(f"/api/orders/{order['id']}/documents", headers=auth)
    assert listed.status_code == 200 and listed.json()["data"] == []
    response = client.get(f"/api/orders/{order['id']}/documents/{kind}", headers=auth)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "document_not_ready"


def test_a_failed_ticketing_gets_a_receipt_of_the_full_refund(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    offer = next(o for o in search(client, auth)["offers"] if o["fare_brand_name"] == "Basic")
    body = {
        "type": "instant",
        "selected_offers": [offer["id"]],
        "passengers": [adult(id=offer["passengers"][0]["id"])],
        "payments": [
            {
                "type": "card",
                "card_token": "tok_visa",
                "amount": amount_due(offer),
                "currency": offer["total_currency"],
            }
        ],
    }
    faulty = {**auth, "Sandbox-Fault": "pnr_query_failed"}
    created = client.post("/api/orders", json=body, headers=faulty)
    assert created.status_code == 201, created.text
    worker.drain()
    order_id = created.json()["data"]["id"]
    assert client.get(f"/api/orders/{order_id}", headers=auth).json()["data"]["status"] == (
        "cancelled"
    )
    listed = client.get(f"/api/orders/{order_id}/documents", headers=auth).json()["data"]
    assert [d["kind"] for d in listed] == ["cancellation_receipt"], "no tickets, no e-ticket"
    text = text_of(download(client, auth, order_id, "cancellation_receipt").content)
    paid = money(amount_due(offer), offer["total_currency"])
    assert f"Refunded {paid}" in text and f"Kept (penalty) 0.00 {offer['total_currency']}" in text
    assert "could not issue the tickets" in text

"""Duffel as an enabled provider: its store, orders through the engine's use cases,
the recovery after an unknown outcome, and ``POST /hooks/duffel``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, func, select

from farebridge.api.app import create_app
from farebridge.bootstrap import PROVIDER_FACTORIES, ProviderContext, build
from farebridge.domain.account import User
from farebridge.domain.changes import OrderChange, OrderChangeStatus, SliceSpec
from farebridge.domain.errors import InvalidState, UpstreamTimeout
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderStatus
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.jobs.worker import Worker
from farebridge.providers.base import Provider
from farebridge.providers.duffel.provider import DuffelProvider
from farebridge.providers.duffel.references import DuffelBookingRecord
from farebridge.providers.duffel.webhooks import sign
from farebridge.services import cancellation, changes, payments, search
from farebridge.services.change_recovery import recover_changes
from farebridge.services.orders import PaymentRequest, get_order
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.settings import Settings
from farebridge.store.duffel_refs import SqlDuffelReferences
from farebridge.store.tables import jobs, sandbox_refunds
from tests.fake_duffel.rig import NOW, criteria, make_rig
from tests.fake_duffel.server import HOLDABLE, FakeDuffel, fixture, timeout
from tests.integration.conftest import create_user, place_order

SECRET = "whsec_integration"
LATER = date(2027, 6, 17)  # the fixtures fly on 2027-06-15


def _settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        providers="duffel",
        duffel_access_token="duffel_test_token",
        duffel_webhook_secret=SECRET,
    )


@pytest.fixture
def fake() -> FakeDuffel:
    return FakeDuffel()


@pytest.fixture
def deps(engine: Engine, fake: FakeDuffel) -> Dependencies:
    def duffel(context: ProviderContext) -> Provider:
        return make_rig(fake, SqlDuffelReferences(context.engine)).provider

    return build(
        _settings(), engine=engine, provider_factories={**PROVIDER_FACTORIES, "duffel": duffel}
    )


def test_enabling_duffel_without_a_token_fails_at_start() -> None:
    with pytest.raises(ValidationError, match="FAREBRIDGE_DUFFEL_ACCESS_TOKEN"):
        Settings(providers="sandbox,duffel")


def test_the_registered_factory_builds_a_duffel_provider(engine: Engine) -> None:
    built = build(_settings(), engine=engine)
    assert isinstance(built.providers.get("duffel"), DuffelProvider)


def test_the_store_keeps_the_first_attempt_and_each_event_once(engine: Engine) -> None:
    refs = SqlDuffelReferences(engine)
    first = DuffelBookingRecord("ord_1", "off_d1", "hold", True, "10.00", "GBP", {"a": "b"}, NOW)
    refs.attempt(first)
    assert (
        refs.attempt(DuffelBookingRecord("ord_1", "off_d2", "instant", False, "1", "GBP", {}, NOW))
        == first
    )
    refs.booked(
        "ord_1", duffel_order_id="ord_d1", booking_reference="ABC123", departures={}, now=NOW
    )
    assert refs.by_reference("ABC123") == refs.by_order("ord_d1") == refs.get("ord_1")
    assert refs.remember_event("wev_1", "order.created", now=NOW)
    assert not refs.remember_event("wev_1", "order.created", now=NOW)
    assert refs.has_event("wev_1") and not refs.has_event("wev_2")


def _offers(deps: Dependencies) -> dict[str, Offer]:
    request = search.create_offer_request(deps, user=None, criteria=criteria())
    search.get_offer_request(deps, user=None, request_id=request.id, wait=True)
    page = search.list_offers(
        deps, user=None, request_id=request.id, filters=OfferFilter(), page=PageRequest(limit=200)
    )
    return {offer.owner.iata_code: offer for offer in page.items}


def test_an_instant_order_is_ticketed_and_cancelled_through_duffel(
    deps: Dependencies, fake: FakeDuffel
) -> None:
    user = create_user(deps)
    offer = _offers(deps)["BA"]  # holdable: held at Duffel, paid when ticketed
    order = place_order(deps, user=user, offer=offer, instant=True)
    assert order.provider == "duffel" and order.booking_reference == "RZPN01"

    Worker(deps).drain()

    with deps.uow(read_only=True) as uow:
        ticketed = uow.orders.get(order.id)
    assert ticketed is not None and ticketed.status is OrderStatus.TICKETED
    assert [d.unique_identifier for d in ticketed.documents] == ["125-2212312455"]
    assert len(fake.posts("/air/payments")) == 1
    quote = cancellation.quote_cancellation(deps, user=user, order_id=order.id, reason="other")
    cancelled, _ = cancellation.confirm_cancellation(
        deps, user=user, order_id=order.id, quote_id=quote.id
    )
    Worker(deps).drain()
    assert cancelled.status is OrderStatus.CANCELLED
    assert fake.orders["ord_0000AqRrDuffelOrder01"]["cancelled_at"]


def test_a_hold_is_paid_then_ticketed(deps: Dependencies, fake: FakeDuffel) -> None:
    user = create_user(deps)
    offer = _offers(deps)["BA"]
    order = place_order(deps, user=user, offer=offer, instant=False)
    assert order.status is OrderStatus.HOLD and order.payment_required_by is not None
    assert fake.posts("/air/payments") == []
    payments.pay_order(
        deps,
        user=user,
        order_id=order.id,
        amount=order.total,
        method=PaymentMethod(PaymentType.BALANCE),
    )
    Worker(deps).drain()
    with deps.uow(read_only=True) as uow:
        ticketed = uow.orders.get(order.id)
    assert ticketed is not None and ticketed.status is OrderStatus.TICKETED
    [payment] = fake.posts("/air/payments")
    assert payment.body["data"]["payment"]["amount"] == "420.50"


def _event(order_id: str, duffel_order_id: str, *, kind: str, event_id: str) -> bytes:
    body = fixture("webhook_airline_change.json")
    body.update(id=event_id, type=kind)
    body["data"]["object"].update(id=duffel_order_id, metadata={"farebridge_order_id": order_id})
    return json.dumps(body).encode()


def _sync_jobs(engine: Engine) -> int:
    with engine.connect() as db:
        return int(
            db.execute(
                select(func.count()).select_from(jobs).where(jobs.c.kind == "sync_order")
            ).scalar_one()
        )


def test_a_signed_order_event_syncs_our_order_once(
    deps: Dependencies, fake: FakeDuffel, engine: Engine
) -> None:
    user = create_user(deps)
    order = place_order(deps, user=user, offer=_offers(deps)["BA"], instant=False)
    body = _event(
        order.id,
        "ord_0000AqRrDuffelOrder01",
        kind="order.airline_initiated_change_detected",
        event_id="wev_1",
    )
    now = int(deps.clock.now().timestamp())
    headers = {"X-Duffel-Signature": sign(SECRET, body, now)}
    duffel_order = fake.orders["ord_0000AqRrDuffelOrder01"]
    duffel_order["slices"][0]["segments"][0]["departing_at"] = "2027-06-15T19:15:00"

    with TestClient(create_app(deps, _settings())) as client:
        first = client.post("/hooks/duffel", content=body, headers=headers)
        before_replay = _sync_jobs(engine)
        Worker(deps).drain()
        replay = client.post("/hooks/duffel", content=body, headers=headers)
        forged = client.post(
            "/hooks/duffel", content=body, headers={"X-Duffel-Signature": sign("x", body, now)}
        )
        stale_at = int((deps.clock.now() - timedelta(minutes=10)).timestamp())
        stale = client.post(
            "/hooks/duffel",
            content=body,
            headers={"X-Duffel-Signature": sign(SECRET, body, stale_at)},
        )
        other = _event(order.id, "ord_x", kind="air.payment.succeeded", event_id="wev_2")
        ignored = client.post(
            "/hooks/duffel", content=other, headers={"X-Duffel-Signature": sign(SECRET, other, now)}
        )

    assert (first.status_code, replay.status_code) == (200, 200)
    assert (forged.status_code, stale.status_code, ignored.status_code) == (401, 401, 204)
    assert before_replay == 1
    assert _sync_jobs(engine) == 1  # the replay queued nothing
    with deps.uow(read_only=True) as uow:
        events = [e for e in uow.orders.events(order.id) if e.type == "order.schedule_changed"]
    assert [(e.data["flight"], e.data["minutes"]) for e in events] == [("BA112", 45)]


def test_an_event_about_an_order_that_is_not_ours_queues_nothing(
    deps: Dependencies, engine: Engine
) -> None:
    body = _event("ord_not_ours", "ord_0000Elsewhere", kind="order.cancelled", event_id="wev_9")
    now = int(deps.clock.now().timestamp())
    with TestClient(create_app(deps, _settings())) as client:
        answer = client.post(
            "/hooks/duffel", content=body, headers={"X-Duffel-Signature": sign(SECRET, body, now)}
        )
    assert answer.status_code == 200 and _sync_jobs(engine) == 0


# --- order changes: Duffel changes the order in place ----------------------------------
def _changeable(fake: FakeDuffel) -> None:
    """The holdable BA fare allows changes for a GBP 30 penalty."""
    fake.offers[HOLDABLE]["conditions"]["change_before_departure"] = {
        "allowed": True,
        "penalty_amount": "30.00",
        "penalty_currency": "GBP",
    }


def _ticketed_change(deps: Dependencies, fake: FakeDuffel) -> tuple[User, Order, OrderChange]:
    """A ticketed BA order and a pending change of its flight to two days later."""
    _changeable(fake)
    user = create_user(deps)
    order = place_order(deps, user=user, offer=_offers(deps)["BA"], instant=True)
    Worker(deps).drain()
    order = get_order(deps, user=user, order_id=order.id)
    assert order.status is OrderStatus.TICKETED
    request = changes.request_change(
        deps,
        user=user,
        order_id=order.id,
        remove_slice_ids=[order.slices[0].id],
        add=[SliceSpec("JFK", "LHR", LATER)],
    )
    [offer] = changes.list_change_offers(
        deps, user=user, change_request_id=request.id, page=PageRequest(limit=200)
    ).items
    assert offer.added[0].departing_at.date() == LATER
    change = changes.create_change(deps, user=user, change_offer_id=offer.id)
    return user, order, change


def _pay(change: OrderChange) -> PaymentRequest:
    return PaymentRequest(change.change_total, PaymentMethod(PaymentType.BALANCE))


def test_a_change_is_confirmed_at_duffel_in_place_and_reissued(
    deps: Dependencies, fake: FakeDuffel
) -> None:
    user, order, change = _ticketed_change(deps, fake)
    assert change.change_total == Money.of("37.50", "USD"), "the GBP 30 penalty, same fare"

    done = changes.confirm_change(deps, user=user, change_id=change.id, payment=_pay(change))
    Worker(deps).drain()

    assert done.status is OrderChangeStatus.CONFIRMED
    [confirm] = [c for c in fake.calls if c.path.endswith("/actions/confirm")]
    assert confirm.path.startswith("/air/order_changes/")
    assert confirm.body["data"]["payment"] == {
        "type": "balance",
        "amount": "30.00",
        "currency": "GBP",
    }
    assert fake.posts("/air/order_cancellations") == [], "the booking changed, not replaced"
    [duffel_order] = fake.orders.values()
    assert duffel_order["slices"][0]["segments"][0]["departing_at"].startswith(str(LATER))
    changed = get_order(deps, user=user, order_id=order.id)
    assert changed.booking_reference == order.booking_reference == "RZPN01"
    assert changed.slices[0].departing_at.date() == LATER
    assert changed.status is OrderStatus.TICKETED
    assert [d.unique_identifier for d in changed.documents] == ["125-7000000000"], "reissued"
    assert not duffel_order["cancelled_at"]


def test_a_change_duffel_prices_higher_than_quoted_is_refused_before_any_charge(
    deps: Dependencies, fake: FakeDuffel
) -> None:
    user, order, change = _ticketed_change(deps, fake)
    fake.change_total = "40.00"  # GBP 50 at our rate, more than the USD 37.50 quoted

    with pytest.raises(InvalidState, match="more than"):
        changes.confirm_change(deps, user=user, change_id=change.id, payment=_pay(change))
    Worker(deps).drain()

    failed = changes.get_change(deps, user=user, change_id=change.id)
    assert failed.status is OrderChangeStatus.FAILED
    assert failed.payment_id is not None and deps.gateway.find_charge(failed.payment_id) is None
    assert fake.posts("/air/order_changes") == [] and fake.order_changes == {}
    assert get_order(deps, user=user, order_id=order.id).slices == order.slices
    assert fake.posts("/air/order_cancellations") == [], "the booking is kept"


@pytest.mark.parametrize("duffel_confirmed", [True, False])
def test_an_unanswered_confirm_is_settled_by_the_reconciler(
    deps: Dependencies, fake: FakeDuffel, engine: Engine, duffel_confirmed: bool
) -> None:
    """The confirm at Duffel times out (it is never retried blindly); the reconciler asks
    Duffel: confirmed → the order changes; not → the change fails and is refunded."""
    user, order, change = _ticketed_change(deps, fake)
    fake.confirm_on_timeout = duffel_confirmed
    fake.fail_next("POST", "/air/order_changes/oce_0000AqRrDuffelChange01/actions/confirm", timeout)

    with pytest.raises(UpstreamTimeout):
        changes.confirm_change(deps, user=user, change_id=change.id, payment=_pay(change))
    pending = changes.get_change(deps, user=user, change_id=change.id)
    assert pending.status is OrderChangeStatus.CONFIRMING
    confirms = [c for c in fake.calls if c.path.endswith("/actions/confirm")]
    assert len(confirms) == 1, "a confirm that pays the airline is sent once"

    patient = replace(deps, policies=replace(deps.policies, recovery_grace=timedelta(0)))
    assert recover_changes(patient) == 1
    Worker(deps).drain()

    settled = changes.get_change(deps, user=user, change_id=change.id)
    now = get_order(deps, user=user, order_id=order.id)
    assert now.booking_reference == order.booking_reference
    assert fake.posts("/air/order_cancellations") == [], "the booking is never cancelled"
    refunded = _refunds(engine, pending.payment_id or "")
    if duffel_confirmed:
        assert settled.status is OrderChangeStatus.CONFIRMED
        assert now.slices[0].departing_at.date() == LATER
        assert refunded == []
    else:
        assert settled.status is OrderChangeStatus.FAILED
        assert now.slices == order.slices
        assert refunded == [change.change_total], "the change's charge given back"


def _refunds(engine: Engine, payment_id: str) -> list[Money]:
    with engine.connect() as db:
        rows = db.execute(
            select(sandbox_refunds.c.amount_minor, sandbox_refunds.c.currency).where(
                sandbox_refunds.c.payment_id == payment_id
            )
        ).all()
    return [Money.from_minor(row.amount_minor, row.currency) for row in rows]

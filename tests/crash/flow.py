"""A booking flow run in a child process that the crash test kills with SIGKILL.

``python -m tests.crash.flow DATABASE_URL FLOW STEP`` runs FLOW on a migrated
database; when the flow reaches the step boundary STEP (a ``deps.checkpoint``)
it prints ``AT STEP`` and waits there to be killed. A flow that ends without
reaching STEP prints ``DONE`` and exits 0, which the test counts as a failure.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from farebridge.bootstrap import build
from farebridge.domain.account import Role, User
from farebridge.domain.changes import SliceSpec
from farebridge.domain.errors import PaymentFailed
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderType
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.services import cancellation, changes, payments, search
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.settings import Settings
from tests.factories import create_passenger

VISA = PaymentMethod(PaymentType.CARD, "tok_visa")
DECLINED = PaymentMethod(PaymentType.CARD, "tok_card_declined")


def crash_settings(url: str) -> Settings:
    """Short leases, so the restarted worker reclaims a dead process's job at once."""
    return Settings(database_url=url, job_lease_seconds=1.0, recovery_grace_seconds=0.0)


def pause_at(step: str) -> Callable[[str], None]:
    def checkpoint(name: str) -> None:
        if name == step:
            print(f"AT {step}", flush=True)
            time.sleep(600)  # killed here

    return checkpoint


def _user(deps: Dependencies) -> User:
    user = User(new_id("usr"), f"{new_id('u')}@crash.test", Role.CUSTOMER, deps.clock.now())
    with deps.uow() as uow:
        uow.users.add(user, "not-a-real-hash")
        uow.commit()
    return user


def _offer(deps: Dependencies, user: User, *, holdable: bool, brand: str | None = None) -> Offer:
    criteria = SearchCriteria(
        (SliceRequest("JFK", "LHR", date.today() + timedelta(days=40)),),
        (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
        max_connections=0,
    )
    request = search.create_offer_request(deps, user=user, criteria=criteria)
    search.get_offer_request(deps, user=user, request_id=request.id, wait=True)
    page = search.list_offers(
        deps, user=user, request_id=request.id, filters=OfferFilter(), page=PageRequest(limit=200)
    )
    return next(
        o
        for o in page.items
        if (not holdable or not o.requires_instant_payment)
        and (brand is None or o.fare_brand_name == brand)
    )


def _instant(
    deps: Dependencies, user: User, method: PaymentMethod = VISA, brand: str | None = None
) -> Order:
    offer = _offer(deps, user, holdable=False, brand=brand)
    card_type = deps.gateway.card_type(method)  # its surcharge is part of the amount due
    command = CreateOrder(
        OrderType.INSTANT,
        offer.id,
        [create_passenger(id="")],
        payment=PaymentRequest(offer.total + offer.card_surcharge(card_type), method),
        idempotency_key=new_id("key"),
    )
    return create_order(deps, user=user, command=command)


def instant(deps: Dependencies, user: User) -> None:
    _instant(deps, user)


def declined(deps: Dependencies, user: User) -> None:
    with contextlib.suppress(PaymentFailed):  # the decline is the expected answer
        _instant(deps, user, DECLINED)


def hold_payment(deps: Dependencies, user: User) -> None:
    offer = _offer(deps, user, holdable=True)
    held = create_order(
        deps, user=user, command=CreateOrder(OrderType.HOLD, offer.id, [create_passenger(id="")])
    )
    due = held.amount_due(deps.gateway.card_type(VISA))
    payments.pay_order(deps, user=user, order_id=held.id, amount=due, method=VISA)


def ticketing(deps: Dependencies, user: User) -> None:
    order = _instant(deps, user)
    run_job_now(deps, JobKind.TICKETING, f"{JobKind.TICKETING.value}:{order.id}")


def cancel(deps: Dependencies, user: User) -> None:
    order = _instant(deps, user)
    quote = cancellation.quote_cancellation(deps, user=user, order_id=order.id, reason="other")
    cancellation.confirm_cancellation(deps, user=user, order_id=order.id, quote_id=quote.id)
    run_job_now(deps, JobKind.REFUND, f"{JobKind.REFUND.value}:{quote.id}")


def _change(deps: Dependencies, user: User, method: PaymentMethod) -> None:
    """Ticket an instant order, then change its flight to the dearest change offer."""
    order = _instant(deps, user, brand="Flex")  # a fare that allows changes
    run_job_now(deps, JobKind.TICKETING, f"{JobKind.TICKETING.value}:{order.id}")
    first = order.slices[0]
    for days in (42, 43, 45, 48, 52, 57):  # the airline may not fly the brand every day
        request = changes.request_change(
            deps,
            user=user,
            order_id=order.id,
            remove_slice_ids=[first.id],
            add=[SliceSpec("JFK", "LHR", date.today() + timedelta(days=days))],
        )
        offers = changes.list_change_offers(
            deps, user=user, change_request_id=request.id, page=PageRequest(limit=200)
        ).items
        if any(o.change_total.amount > 0 for o in offers):
            break
    offer = max(offers, key=lambda o: o.change_total.amount)
    assert offer.change_total.amount > 0, "a change with something to pay"
    change = changes.create_change(deps, user=user, change_offer_id=offer.id)
    payment = PaymentRequest(offer.change_total, method)
    changes.confirm_change(deps, user=user, change_id=change.id, payment=payment)


def change(deps: Dependencies, user: User) -> None:
    _change(deps, user, VISA)


def change_declined(deps: Dependencies, user: User) -> None:
    with contextlib.suppress(PaymentFailed):  # the decline is the expected answer
        _change(deps, user, DECLINED)


FLOWS: dict[str, Callable[[Dependencies, User], None]] = {
    "change": change,
    "change_declined": change_declined,
    "instant": instant,
    "declined": declined,
    "hold_payment": hold_payment,
    "ticketing": ticketing,
    "cancel": cancel,
}


def main() -> None:
    url, flow, step = sys.argv[1:4]
    deps = build(crash_settings(url), checkpoint=pause_at(step))
    FLOWS[flow](deps, _user(deps))
    print("DONE", flush=True)


if __name__ == "__main__":
    main()

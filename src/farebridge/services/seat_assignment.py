"""Seats assigned by the passengers' preferences when an order is made or priced
(ADR 0025; the rules are ``domain.seat_assignment``'s).

When any passenger of an order states a ``seat_preference``, every passenger who
occupies a seat and chose none explicitly on a segment gets a free seat there,
near the rest of the group; the seats are added to the order's services, so they
are booked as real seats and shown as ``seat`` services (``segment_id``,
``passenger_id``, ``designator``). Without any preference nothing is assigned and
the airline seats the passengers at check-in, as before.

A seat lost to another booking between the seat map and the booking
(``SeatUnavailable``) is assigned again from a fresh seat map, at most
``SEAT_ATTEMPTS`` times, each time drawing the row among the equally good ones so
that racing orders part ways; after that the order is booked without the assigned
seats. An assignment never makes an order fail and never costs anything.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

import structlog

from farebridge.domain.errors import SeatUnavailable, UpstreamTimeout, UpstreamUnavailable
from farebridge.domain.offer import Offer
from farebridge.domain.order import EXCESS_BAGGAGE, Order, OrderService, OrderType, Passenger
from farebridge.domain.seat_assignment import (
    AssignedSeat,
    SeatPreference,
    assign_trip_seats,
    seat_requests,
)
from farebridge.domain.seatmap import SeatMap
from farebridge.providers.base import NO_SCENARIOS, Booking, Provider
from farebridge.services.ports import Dependencies

log = structlog.get_logger(__name__)
SEAT_ATTEMPTS = 4  # seat maps read for one order: the first and up to three after a lost seat


def preferences_of(passengers: Sequence[Passenger]) -> dict[str, SeatPreference | None]:
    """Offer passenger id → seat preference, for passengers matched to their offer."""
    return {p.id: p.seat_preference for p in passengers}


def with_assigned_seats(
    deps: Dependencies,
    provider: Provider,
    offer: Offer,
    preferences: Mapping[str, SeatPreference | None],
    requested: Sequence[tuple[str, int]],
    *,
    spread: random.Random | None = None,
    seat_maps: Sequence[SeatMap] | None = None,
) -> tuple[OrderService, ...]:
    """``requested`` (service id, quantity) priced, followed by the free seats assigned
    to the passengers by ``preferences`` (none when nobody states one), from
    ``seat_maps`` if given, else from the provider's."""
    assigned = _assign(deps, provider, offer, preferences, requested, spread, seat_maps)
    wanted = [*requested, *((seat.service.id, 1) for seat in assigned)]
    priced = tuple(provider.price_services(offer, wanted)) if wanted else ()
    auto = {seat.service.id for seat in assigned}
    # Never auto-buy: a seat the map showed free but the airline prices is dropped.
    return tuple(s for s in priced if s.id not in auto or s.total.amount == 0)


def assigned_service_ids(
    services: Sequence[OrderService], requested: Sequence[tuple[str, int]]
) -> frozenset[str]:
    """The services of ``services`` that were assigned, not requested."""
    asked = {service_id for service_id, _ in requested}
    return frozenset(s.id for s in services if s.type == "seat" and s.id not in asked)


def _assign(
    deps: Dependencies,
    provider: Provider,
    offer: Offer,
    preferences: Mapping[str, SeatPreference | None],
    requested: Sequence[tuple[str, int]],
    spread: random.Random | None,
    seat_maps: Sequence[SeatMap] | None,
) -> tuple[AssignedSeat, ...]:
    if not any(preferences.values()):
        return ()
    if seat_maps is None:
        seat_maps = _seat_maps(deps, provider, offer)
    passengers = seat_requests(offer.passengers, preferences)
    chosen = frozenset(service_id for service_id, _ in requested)
    return assign_trip_seats(seat_maps, passengers, chosen, spread=spread)


def book_with_assigned_seats(
    deps: Dependencies,
    provider: Provider,
    offer: Offer,
    order: Order,
    assigned: frozenset[str],
    *,
    scenarios: frozenset[str] = NO_SCENARIOS,
) -> tuple[Booking, Order]:
    """``provider.create_booking`` of the pending ``order``, whose services ``assigned``
    (ids) were assigned: a seat lost meanwhile is assigned again (the order's stored
    services follow), and at last left out. A seat chosen explicitly that is lost
    raises ``SeatUnavailable`` as before."""
    attempt = 1
    while True:
        try:
            booking = provider.create_booking(
                offer,
                order.passengers,
                key=order.id,
                hold=order.type is OrderType.HOLD,
                now=deps.clock.now(),
                services=order.services,
                scenarios=scenarios,
            )
        except SeatUnavailable:
            if not assigned:
                raise
            log.info("seats.assigned_seat_lost", order_id=order.id, attempt=attempt)
            order, assigned = _reassign(deps, provider, offer, order, assigned, attempt)
            attempt += 1
            continue
        return booking, order


def _reassign(
    deps: Dependencies,
    provider: Provider,
    offer: Offer,
    order: Order,
    assigned: frozenset[str],
    attempt: int,
) -> tuple[Order, frozenset[str]]:
    """The order with its assigned seats drawn again (none after the last attempt),
    stored; ``SeatUnavailable`` if an explicitly chosen seat is no longer free or the
    order is no longer pending."""
    kept = tuple(s for s in order.services if s.id not in assigned)
    # farebridge's own extras (ADR 0026) are not the provider's to price again
    extras = tuple(s for s in kept if s.type == EXCESS_BAGGAGE)
    requested = [(s.id, s.quantity) for s in kept if s.type != EXCESS_BAGGAGE]
    if attempt < SEAT_ATTEMPTS:
        seat_maps = _seat_maps(deps, provider, offer)
        if not _explicit_seats_free(seat_maps, kept):
            raise SeatUnavailable(
                "A seat you chose was taken meanwhile; choose another from the seat map.",
                field="services",
            )
        services = (
            with_assigned_seats(
                deps,
                provider,
                offer,
                preferences_of(order.passengers),
                requested,
                spread=random.Random(f"{order.id}|{attempt}"),
                seat_maps=seat_maps,
            )
            + extras
        )
    else:
        services = kept
    changed = replace(order, services=services)
    with deps.uow() as uow:
        if not uow.orders.replace_pending_services(changed):
            raise SeatUnavailable("The order is no longer pending.", field="services")
        uow.commit()
    return changed, assigned_service_ids(services, requested)


def _seat_maps(deps: Dependencies, provider: Provider, offer: Offer) -> list[SeatMap]:
    try:
        return provider.seat_maps(offer, now=deps.clock.now())
    except (UpstreamUnavailable, UpstreamTimeout):
        log.warning("seats.no_seat_maps", offer_id=offer.id)  # booked unseated: still fine
        return []


def _explicit_seats_free(seat_maps: Sequence[SeatMap], kept: Sequence[OrderService]) -> bool:
    seats = {s.id for s in kept if s.type == "seat"}
    if not seats:
        return True
    free = {
        service.id
        for seat_map in seat_maps
        for cabin in seat_map.cabins
        for row in cabin.rows
        for section in row.sections
        for element in section
        for service in element.available_services
    }
    return seats <= free

"""Choosing seats at order time: ids from the seat map become priced order services."""

from __future__ import annotations

from collections.abc import Sequence

from farebridge.domain.errors import SeatUnavailable, ValidationFailed
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderService
from farebridge.domain.seatmap import exit_row_passenger_ids
from farebridge.providers.sandbox.booking.inventory import LegKey, LegReservation, SeatHold
from farebridge.providers.sandbox.fares.selling import SellingRate
from farebridge.providers.sandbox.seats.seatmap import (
    is_exit_row_seat,
    occupied_seats,
    parse_seat_service_id,
    seat_designators,
    seat_price,
)
from farebridge.providers.sandbox.world.aircraft import CabinLayout
from farebridge.providers.sandbox.world.network import Network


def price_seats(
    network: Network,
    offer: Offer,
    legs: Sequence[LegReservation],
    requests: Sequence[tuple[int, str]],
    selling: SellingRate,
) -> list[OrderService]:
    """Validate and price each chosen seat ``(index in the order's services, id)``, in the
    offer's currency."""
    seats = _OfferSeats(network, offer, legs)
    taken: set[tuple[str, str]] = set()
    priced: list[OrderService] = []
    for index, service_id in requests:
        field = f"services[{index}].id"
        segment_id, designator, passenger_id, layout = seats.check(service_id, field)
        for pair in ((segment_id, designator), (segment_id, passenger_id)):
            if pair in taken:
                raise ValidationFailed(
                    "One seat per passenger and one passenger per seat.",
                    field=field,
                    code="duplicate_service",
                )
            taken.add(pair)
        price = selling.sell(seat_price(layout, designator, selling.airline_currency))
        priced.append(OrderService(service_id, "seat", segment_id, passenger_id, price, designator))
    return priced


class _OfferSeats:
    """The seats an offer's passengers may choose, segment by segment."""

    def __init__(self, network: Network, offer: Offer, legs: Sequence[LegReservation]) -> None:
        self._network = network
        self._legs = legs
        segments = (segment for item in offer.slices for segment in item.segments)
        self._segment_index = {segment.id: i for i, segment in enumerate(segments)}
        self._seated = {p.id for p in offer.passengers if p.type.occupies_seat}
        self._exit_row_allowed = exit_row_passenger_ids(offer.passengers)

    def check(self, service_id: str, field: str) -> tuple[str, str, str, CabinLayout]:
        """``(segment id, designator, passenger id, cabin layout)`` of a seat service id,
        or ``ValidationFailed`` naming ``field``."""
        parsed = parse_seat_service_id(service_id)
        if parsed is None or parsed[0] not in self._segment_index or parsed[2] not in self._seated:
            raise ValidationFailed(
                f"{service_id} is not a seat of this offer for these passengers.",
                field=field,
                code="unknown_service",
            )
        segment_id, designator, passenger_id = parsed
        layout = _layout(self._network, self._legs[self._segment_index[segment_id]])
        if layout is None or designator not in seat_designators(layout):
            raise ValidationFailed(
                f"No seat {designator} on this flight.", field=field, code="unknown_service"
            )
        if is_exit_row_seat(layout, designator) and passenger_id not in self._exit_row_allowed:
            raise ValidationFailed(
                f"Seat {designator} is in an exit row: only adults travelling without an "
                "infant may sit there.",
                field=field,
                code="seat_not_allowed_for_passenger",
            )
        return segment_id, designator, passenger_id, layout


def seat_holds(
    network: Network,
    offer: Offer,
    legs: Sequence[LegReservation],
    services: Sequence[OrderService],
    *,
    available: dict[LegKey, int],
    chosen: dict[LegKey, frozenset[str]],
    seed: int,
) -> tuple[SeatHold, ...]:
    """The rows to insert for the chosen seats; ``SeatUnavailable`` if one is occupied now."""
    segment_ids = [seg.id for sl in offer.slices for seg in sl.segments]
    holds: list[SeatHold] = []
    for service in services:
        if service.type != "seat" or service.designator is None or service.segment_id is None:
            continue
        leg = legs[segment_ids.index(service.segment_id)]
        layout = _layout(network, leg)
        assert layout is not None  # checked when priced
        occupied = occupied_seats(
            layout,
            leg.key,
            available.get(leg.key, leg.initially_available),
            seed=seed,
            chosen=chosen.get(leg.key, frozenset()),
        )
        if service.designator in occupied:
            raise SeatUnavailable(
                f"Seat {service.designator} on {leg.key.flight} is taken; "
                "choose another from the seat map.",
                field="services",
            )
        holds.append(SeatHold(leg.key, service.designator, service.passenger_id))
    return tuple(holds)


def _layout(network: Network, leg: LegReservation) -> CabinLayout | None:
    flight = network.flight(leg.key.flight, leg.key.departure_on)
    if flight is None:
        return None
    return flight.pattern.aircraft.layout(CabinClass(leg.key.cabin))

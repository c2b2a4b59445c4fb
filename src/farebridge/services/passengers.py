"""Matching the passengers of an order to the passengers of its offer, and checking
their details: names, birth dates against their types, and passports when the
trip crosses a border."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import trip_ends_on
from farebridge.domain.offer import Offer
from farebridge.domain.order import Passenger
from farebridge.domain.search import ADULT_AGE, CHILD_MIN_AGE, OfferPassenger, PassengerType
from farebridge.domain.travel_documents import check_identity_documents

TITLES = frozenset({"mr", "ms", "mrs", "miss", "dr"})
GENDERS = frozenset({"m", "f"})
MAX_AGE = 120


def age_on(born_on: date, day: date) -> int:
    return day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day))


def match_passengers(offer: Offer, given: list[Passenger], *, today: date) -> tuple[Passenger, ...]:
    """Give each passenger the id of its offer passenger and check their details.

    Passengers may name their offer passenger ``id``; those without one take
    the offer's passengers of the same type in order.
    """
    if len(given) != len(offer.passengers):
        raise ValidationFailed(
            f"The offer is for {len(offer.passengers)} passengers; {len(given)} were given.",
            field="passengers",
            code="passenger_count_mismatch",
        )
    free = list(offer.passengers)
    matched: list[Passenger] = []
    for index, passenger in enumerate(given):
        where = f"passengers[{index}]"
        target = _offer_passenger(passenger, free, where)
        free.remove(target)
        _check_details(passenger, where, travel_on=offer.slices[0].departing_at.date(), today=today)
        check_identity_documents(
            passenger.identity_documents,
            where=where,
            required=offer.passenger_identity_documents_required,
            valid_until=trip_ends_on(offer.slices),
            today=today,
        )
        matched.append(replace(passenger, id=target.id))
    return tuple(matched)


def _offer_passenger(
    passenger: Passenger, free: list[OfferPassenger], where: str
) -> OfferPassenger:
    """The offer passenger named by ``passenger.id``, else the next free one of its type."""
    if passenger.id:
        target = next((p for p in free if p.id == passenger.id), None)
        if target is None:
            raise ValidationFailed(
                f"{passenger.id} is not a passenger of this offer.",
                field=f"{where}.id",
                code="unknown_passenger",
            )
    else:
        target = next((p for p in free if p.type is passenger.type), None)
        if target is None:
            raise ValidationFailed(
                f"The offer has no {passenger.type.value} passenger left for this one.",
                field=f"{where}.type",
                code="passenger_type_mismatch",
            )
    if target.type is not passenger.type:
        raise ValidationFailed(
            f"Offer passenger {target.id} is {target.type.value}, not {passenger.type.value}.",
            field=f"{where}.type",
            code="passenger_type_mismatch",
        )
    return target


def _check_details(passenger: Passenger, where: str, *, travel_on: date, today: date) -> None:
    if passenger.title not in TITLES:
        raise ValidationFailed(
            f"title must be one of {', '.join(sorted(TITLES))}.",
            field=f"{where}.title",
            code="invalid_title",
        )
    if passenger.gender not in GENDERS:
        raise ValidationFailed(
            "gender must be m or f.", field=f"{where}.gender", code="invalid_gender"
        )
    age = age_on(passenger.born_on, travel_on)
    if passenger.born_on > today or age > MAX_AGE:
        raise ValidationFailed(
            f"born_on must be a past date, at most {MAX_AGE} years before travel.",
            field=f"{where}.born_on",
            code="invalid_birth_date",
        )
    expected = PassengerType.for_age(age)
    if expected is not passenger.type:
        raise ValidationFailed(
            f"A passenger aged {age} on the travel date is {expected.value}, not "
            f"{passenger.type.value} (adults {ADULT_AGE}+, "
            f"children {CHILD_MIN_AGE}-{ADULT_AGE - 1}).",
            field=f"{where}.born_on",
            code="age_type_mismatch",
        )

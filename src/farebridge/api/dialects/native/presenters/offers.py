"""Itineraries, offers, offer requests and fare rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from farebridge.api.dialects.native.models import offers as wire
from farebridge.api.dialects.native.models.common import Carrier
from farebridge.api.dialects.native.presenters.common import (
    amount,
    instant,
    local,
    optional_instant,
    present_carrier,
    present_page_meta,
    shared,
)
from farebridge.api.dialects.native.presenters.places import present_airport, present_place_code
from farebridge.domain import itinerary
from farebridge.domain.booking_records import segment_flight_id
from farebridge.domain.card_surcharges import CardSurcharge
from farebridge.domain.fare_rules import FareRules
from farebridge.domain.money import Money
from farebridge.domain.notices import Notice, itinerary_notices
from farebridge.domain.offer import (
    CalendarDay,
    ConditionRule,
    Conditions,
    FareBrandOption,
    Offer,
    OfferRequest,
    OfferService,
    PassengerPrice,
)
from farebridge.domain.passenger_requirements import FieldRequirement, passenger_requirements
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.preferred_currencies import NO_PREFERRED_CURRENCIES, PreferredCurrencies
from farebridge.domain.search import OfferPassenger
from farebridge.services.ports import Page


@shared
def present_aircraft(aircraft: itinerary.Aircraft) -> wire.Aircraft:
    return wire.Aircraft.model_construct(iata_code=aircraft.iata_code, name=aircraft.name)


@shared
def present_baggage(baggage: itinerary.Baggage) -> wire.Baggage:
    return wire.Baggage.model_construct(type=baggage.type, quantity=baggage.quantity)


def present_segment(segment: itinerary.Segment) -> wire.Segment:
    return wire.Segment.model_construct(
        id=segment.id,
        origin=present_airport(segment.origin),
        destination=present_airport(segment.destination),
        departing_at=local(segment.departing_at),
        arriving_at=local(segment.arriving_at),
        duration=itinerary.iso_duration(segment.duration),
        marketing_carrier=present_carrier(segment.marketing_carrier),
        operating_carrier=present_carrier(segment.operating_carrier),
        marketing_carrier_flight_number=segment.marketing_carrier_flight_number,
        flight_id=segment_flight_id(segment),
        cancelled=segment.cancelled,
        aircraft=present_aircraft(segment.aircraft),
        cabin_class=segment.cabin_class,
        booking_class=segment.booking_class,
        fare_basis_code=segment.fare_basis_code,
        baggages=[present_baggage(b) for b in segment.baggages],
    )


def present_slice(item: itinerary.Slice) -> wire.Slice:
    return wire.Slice.model_construct(
        id=item.id,
        origin=present_airport(item.origin),
        destination=present_airport(item.destination),
        departing_at=local(item.departing_at),
        duration=itinerary.iso_duration(item.duration),
        connections=item.connections,
        fare_brand_name=item.fare_brand_name,
        segments=[present_segment(s) for s in item.segments],
    )


def present_rule(rule: ConditionRule) -> wire.ConditionRule:
    penalty = rule.penalty
    return wire.ConditionRule.model_construct(
        allowed=rule.allowed,
        penalty_amount=amount(penalty) if penalty else None,
        penalty_currency=penalty.currency if penalty else None,
    )


@shared
def present_conditions(conditions: Conditions) -> wire.Conditions:
    return wire.Conditions.model_construct(
        refund_before_departure=present_rule(conditions.refund_before_departure),
        change_before_departure=present_rule(conditions.change_before_departure),
    )


def present_offer_passenger(passenger: OfferPassenger) -> wire.OfferPassenger:
    return wire.OfferPassenger.model_construct(
        id=passenger.id, type=passenger.type, age=passenger.age
    )


def present_converted(money: Money, preferred: PreferredCurrencies) -> list[wire.ConvertedAmount]:
    return [
        wire.ConvertedAmount.model_construct(amount=amount(m), currency=m.currency)
        for m in preferred.convert(money)
    ]


def present_card_surcharges(
    surcharges: Sequence[CardSurcharge], total: Money, preferred: PreferredCurrencies
) -> list[wire.CardSurcharge]:
    """Each card type's fee, and what paying ``total`` with that card takes."""
    return [
        wire.CardSurcharge.model_construct(
            card_type=s.card_type,
            amount=amount(s.amount),
            currency=s.amount.currency,
            amount_due=amount(total + s.amount),
            amount_in_preferred_currencies=present_converted(s.amount, preferred),
        )
        for s in surcharges
    ]


@shared
def present_requirement(requirement: FieldRequirement) -> wire.FieldRequirement:
    return wire.FieldRequirement.model_construct(
        field=requirement.field, required=requirement.required, per_person=requirement.per_person
    )


def present_available_service(
    service: OfferService, preferred: PreferredCurrencies = NO_PREFERRED_CURRENCIES
) -> wire.AvailableService:
    return wire.AvailableService.model_construct(
        id=service.id,
        type=service.type,
        passenger_ids=[service.passenger_id],
        slice_ids=[service.slice_id],
        maximum_quantity=service.maximum_quantity,
        description=service.description,
        total_amount=amount(service.unit_price),
        total_currency=service.unit_price.currency,
        total_in_preferred_currencies=present_converted(service.unit_price, preferred),
        tier=service.tier,
        maximum_weight_kg=service.maximum_weight_kg,
        maximum_weights_kg=list(service.maximum_weights_kg),
        total_weight_kg=service.total_weight_kg,
        bag_count=service.bag_count,
    )


def present_passenger_price(price: PassengerPrice) -> wire.PassengerPrice:
    return wire.PassengerPrice.model_construct(
        passenger_type=price.passenger_type,
        count=price.count,
        base_amount=amount(price.base),
        tax_amount=amount(price.tax),
        total_amount=amount(price.total),
        currency=price.total.currency,
    )


def present_payment_requirements(offer: Offer) -> wire.PaymentRequirements:
    hold = offer.hold_lifetime
    return wire.PaymentRequirements.model_construct(
        requires_instant_payment=offer.requires_instant_payment,
        payment_required_by=optional_instant(offer.payment_required_by),
        price_guarantee_expires_at=optional_instant(offer.payment_required_by),
        hold_lifetime_hours=int(hold.total_seconds() // 3600) if hold else None,
    )


def present_fare_brand(brand: FareBrandOption) -> wire.FareBrand:
    return wire.FareBrand.model_construct(
        offer_id=brand.offer_id,
        fare_brand_name=brand.fare_brand_name,
        total_amount=amount(brand.total),
        total_currency=brand.total.currency,
        conditions=present_conditions(brand.conditions),
        baggages=[present_baggage(b) for b in brand.baggages],
    )


def present_notice(notice: Notice) -> wire.Notice:
    return wire.Notice.model_construct(
        code=notice.code.value, message=notice.message, slice_index=notice.slice_index
    )


def present_offer(
    offer: Offer, preferred: PreferredCurrencies = NO_PREFERRED_CURRENCIES
) -> wire.Offer:
    airline = offer.airline_fare
    return wire.Offer.model_construct(
        id=offer.id,
        live_mode=False,
        offer_request_id=offer.offer_request_id,
        itinerary_id=offer.itinerary_id,
        owner=present_carrier(offer.owner),
        total_amount=amount(offer.total),
        total_currency=offer.total.currency,
        base_amount=amount(offer.base),
        base_currency=offer.base.currency,
        tax_amount=amount(offer.tax),
        tax_currency=offer.tax.currency,
        passenger_prices=[present_passenger_price(p) for p in offer.passenger_prices],
        airline_total_amount=amount(airline) if airline else None,
        airline_total_currency=airline.currency if airline else None,
        total_duration=itinerary.iso_duration(offer.total_duration),
        fare_brand_name=offer.fare_brand_name,
        fare_brands=[present_fare_brand(b) for b in offer.fare_brands],
        payment_requirements=present_payment_requirements(offer),
        passenger_identity_documents_required=offer.passenger_identity_documents_required,
        passengers=[present_offer_passenger(p) for p in offer.passengers],
        conditions=present_conditions(offer.conditions),
        slices=[present_slice(s) for s in offer.slices],
        notices=[present_notice(n) for n in itinerary_notices(offer.slices)],
        available_services=[
            present_available_service(s, preferred) for s in offer.available_services
        ],
        card_surcharges=present_card_surcharges(offer.card_surcharges, offer.total, preferred),
        total_in_preferred_currencies=present_converted(offer.total, preferred),
        passenger_requirements=[present_requirement(r) for r in passenger_requirements(offer)],
        created_at=instant(offer.created_at),
        expires_at=instant(offer.expires_at),
    )


def present_offer_page(
    page: Page[Offer], preferred: PreferredCurrencies = NO_PREFERRED_CURRENCIES
) -> wire.OfferListResponse:
    return wire.OfferListResponse.model_construct(
        data=[present_offer(o, preferred) for o in page.items], meta=present_page_meta(page)
    )


def present_offer_request(
    request: OfferRequest, places: PlaceDirectory, airlines: list[tuple[str, str]] | None = None
) -> wire.OfferRequest:
    criteria = request.criteria
    error = request.error_code
    return wire.OfferRequest.model_construct(
        airlines=[
            Carrier.model_construct(iata_code=code, name=name) for code, name in airlines or []
        ],
        id=request.id,
        live_mode=False,
        currency=criteria.currency,
        status=request.status,
        offers_count=request.offers_count,
        truncated=request.truncated,
        error=wire.SearchError.model_construct(code=error, message=request.error_message)
        if error
        else None,
        cabin_class=criteria.cabin_class,
        max_connections=criteria.max_connections,
        flexible_days=criteria.flexible_days,
        passengers=[present_offer_passenger(p) for p in criteria.passengers],
        slices=[
            wire.SearchedSlice.model_construct(
                origin=present_place_code(s.origin, places),
                destination=present_place_code(s.destination, places),
                departure_date=s.departure_date,
                departure_dates=sorted({dates[index] for dates in request.searched_dates}),
            )
            for index, s in enumerate(criteria.slices)
        ],
        created_at=instant(request.created_at),
        completed_at=optional_instant(request.completed_at),
    )


def present_offer_request_with_offers(
    request: OfferRequest,
    places: PlaceDirectory,
    offers: list[Offer],
    preferred: PreferredCurrencies = NO_PREFERRED_CURRENCIES,
) -> wire.OfferRequestWithOffers:
    summary = present_offer_request(request, places)
    return wire.OfferRequestWithOffers.model_construct(
        **dict(summary), offers=[present_offer(o, preferred) for o in offers]
    )


def present_calendar_day(day: CalendarDay) -> wire.CalendarDay:
    cheapest = day.cheapest
    return wire.CalendarDay.model_construct(
        departure_dates=list(day.departure_dates),
        cheapest_total_amount=amount(cheapest) if cheapest else None,
        total_currency=cheapest.currency if cheapest else None,
        offer_id=day.offer_id,
        offers_count=day.offers_count,
    )


def present_fare_rules(rules: FareRules) -> wire.FareRules:
    return wire.FareRules.model_construct(
        offer_id=rules.offer_id,
        fare_basis_codes=list(rules.fare_basis_codes),
        rules=[
            wire.RuleSection.model_construct(code=r.code, title=r.title, text=r.text)
            for r in rules.sections
        ],
        link=rules.link,
        ticket_designators=[
            wire.TicketDesignator.model_construct(code=d.code, extension=d.extension)
            for d in rules.ticket_designators
        ],
        cancellation=wire.CancellationTerms.model_construct(
            cutoff=short_duration(rules.cancellation_cutoff or timedelta(0)),
            refund_penalty_schedule=[
                wire.PenaltyStep.model_construct(
                    more_than=short_duration(step.more_than),
                    penalty_amount=amount(step.amount) if step.amount is not None else None,
                    penalty_currency=step.amount.currency if step.amount is not None else None,
                    penalty_percentage=str(step.percentage)
                    if step.percentage is not None
                    else None,
                )
                for step in sorted(
                    rules.refund_schedule, key=lambda step: step.more_than, reverse=True
                )
            ],
        ),
    )


def short_duration(value: timedelta) -> str:
    """``PT2H``, ``P7D``, ``PT90M``, ``PT0S``."""
    minutes = int(value.total_seconds() // 60)
    if minutes == 0:
        return "PT0S"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    time = (f"{hours}H" if hours else "") + (f"{mins}M" if mins else "")
    return (f"P{days}D" if days else "P") + (f"T{time}" if time else "")

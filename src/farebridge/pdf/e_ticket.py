"""The e-ticket / itinerary receipt of a ticketed order.

Everything it prints comes from the order as the domain holds it: passengers (passport
numbers masked), the booking reference with a QR code, ticket numbers, each segment
with airport-local departure and arrival times, baggage, the fare brand's change and
refund rules, the price breakdown and the payments. Segments carry no terminal in the
domain, so none is printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from farebridge.domain.documents import ELECTRONIC_TICKET
from farebridge.domain.itinerary import Baggage, Segment, Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import ConditionRule
from farebridge.domain.order import Order, OrderService, Passenger
from farebridge.domain.payment import Payment
from farebridge.pdf.layout import Page, arrival, instant, local_time, money, qr_image

PASSENGER_TYPES = {"adult": "Adult", "child": "Child", "infant_without_seat": "Infant (lap)"}


def qr_text(order: Order) -> str:
    """What the QR code holds: the booking reference, the lead passenger's family name
    (what "manage booking" asks for) and the order id."""
    family = order.passengers[0].family_name.upper() if order.passengers else ""
    return f"PNR:{order.booking_reference};NAME:{family};ORDER:{order.id}"


def render_e_ticket(order: Order, payments: Sequence[Payment], *, issued_at: datetime) -> bytes:
    """The PDF of ``order``'s e-ticket / itinerary receipt."""
    page = Page(
        title=f"E-ticket {order.booking_reference}",
        created_at=issued_at,
        footer_note=f"farebridge · issued {instant(issued_at)} · times are local at each airport",
    )
    route = " · ".join(f"{s.origin.iata_code} → {s.destination.iata_code}" for s in order.slices)
    page.band(
        "E-ticket / itinerary receipt",
        f"{order.owner.name} · {route}\nPresent this receipt with your passport at check-in.",
        qr=qr_image(qr_text(order)),
    )
    page.key_figures(
        [
            ("Booking reference", order.booking_reference),
            ("Order", order.id),
            ("Status", order.status.value),
            ("Issued", instant(issued_at)),
        ],
        widths=(3.0, 7.4, 2.4, 4.2),
    )
    _passengers(page, order)
    for index, item in enumerate(order.slices):
        _slice(page, order, index, item)
    _extras(page, order)
    _conditions(page, order)
    _price(page, order)
    _payments(page, payments)
    return page.render()


def _passengers(page: Page, order: Order) -> None:
    page.section("Passengers")
    tickets = {
        d.passenger_id: d.unique_identifier for d in order.documents if d.type == ELECTRONIC_TICKET
    }
    rows = [
        [
            _name(p),
            PASSENGER_TYPES.get(p.type.value, p.type.value),
            ", ".join(
                f"{d.type} {d.masked_identifier} ({d.issuing_country_code})"
                for d in p.identity_documents
            )
            or "—",
            tickets.get(p.id, "—"),
        ]
        for p in order.passengers
    ]
    page.grid(
        ["Passenger", "Type", "Identity document", "E-ticket number"], rows, widths=(7, 3, 6, 5)
    )


def _name(passenger: Passenger) -> str:
    title = passenger.title.capitalize() + " " if passenger.title else ""
    return f"{title}{passenger.given_name} {passenger.family_name}"


def _slice(page: Page, order: Order, index: int, item: Slice) -> None:
    label = (
        "Outbound"
        if index == 0
        else ("Return" if len(order.slices) == 2 else f"Flight {index + 1}")
    )
    brand = item.fare_brand_name or order.fare_brand_name
    page.section(
        f"{label}: {item.origin.city_name} ({item.origin.iata_code}) → "
        f"{item.destination.city_name} ({item.destination.iata_code})"
    )
    rows = [_segment_row(segment) for segment in item.segments]
    page.grid(
        ["Flight", "Departure (local time)", "Arrival (local time)", "Cabin", "Baggage"],
        rows,
        widths=(4.4, 5.6, 5.6, 3.0, 3.4),
    )
    stops = f"{item.connections} connection(s)" if item.connections else "nonstop"
    page.note(f"Fare brand {brand} · {stops} · journey time {_duration(item)}")


def _segment_row(segment: Segment) -> list[str]:
    carrier = segment.marketing_carrier
    flight = f"{carrier.iata_code} {segment.marketing_carrier_flight_number}\n{carrier.name}"
    if segment.operating_carrier.iata_code != carrier.iata_code:
        flight += f"\noperated by {segment.operating_carrier.name}"
    flight += f"\n{segment.aircraft.name}"
    if segment.cancelled:
        flight += "\nCANCELLED\nby the airline"
    arrives = arrival(segment)
    return [
        flight,
        f"{local_time(segment.departing_at)}\n{segment.origin.name} ({segment.origin.iata_code})"
        f"\n{segment.origin.city_name}",
        f"{arrives}\n{segment.destination.name} ({segment.destination.iata_code})"
        f"\n{segment.destination.city_name}",
        f"{segment.cabin_class.value.replace('_', ' ').capitalize()}\nclass "
        f"{segment.booking_class}\nbasis {segment.fare_basis_code}",
        _baggage(segment.baggages),
    ]


def _baggage(baggages: Sequence[Baggage]) -> str:
    names = {"checked": "checked bag", "carry_on": "carry-on bag"}
    parts = [
        f"{b.quantity} {names.get(b.type, b.type)}{'s' if b.quantity != 1 else ''}"
        for b in baggages
        if b.quantity > 0
    ]
    return "\n".join(parts) or "no bags included"


def _duration(item: Slice) -> str:
    minutes = int(item.duration.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"


def _extras(page: Page, order: Order) -> None:
    if not order.services:
        return
    page.section("Extras bought")
    passengers = {p.id: _name(p) for p in order.passengers}
    flights = {
        s.id: f"{s.marketing_carrier.iata_code} {s.marketing_carrier_flight_number}"
        for item in order.slices
        for s in item.segments
    }
    slices = {
        item.id: f"{item.origin.iata_code} → {item.destination.iata_code}" for item in order.slices
    }
    rows = [_extra_row(service, passengers, flights, slices) for service in order.services]
    page.grid(
        ["Passenger", "Extra", "Flight", "Price"], rows, widths=(6, 6, 4, 3), align_right=(3,)
    )


def _extra_row(
    service: OrderService,
    passengers: dict[str, str],
    flights: dict[str, str],
    slices: dict[str, str],
) -> list[str]:
    if service.type == "seat":
        what = f"Seat {service.designator or ''}".strip()
        where = flights.get(service.segment_id or "", "—")
    else:
        what = f"{service.quantity} x extra {service.type.replace('_', ' ')}"
        where = slices.get(service.slice_id or "", "all flights")
    return [
        passengers.get(service.passenger_id, service.passenger_id),
        what,
        where,
        money(service.total),
    ]


def _conditions(page: Page, order: Order) -> None:
    page.section(f"Fare conditions: {order.fare_brand_name or 'your fare'}")
    page.grid(
        ["Before departure", "Allowed", "Penalty per passenger"],
        [
            ["Changes", *_rule(order.conditions.change_before_departure)],
            ["Refunds", *_rule(order.conditions.refund_before_departure)],
        ],
        widths=(5, 3, 6),
    )
    if not order.conditions.refund_before_departure.allowed:
        page.note("A non-refundable fare returns only its taxes when cancelled.")


def _rule(rule: ConditionRule) -> list[str]:
    if not rule.allowed:
        return ["no", "—"]
    if rule.penalty is None or rule.penalty.amount == 0:
        return ["yes", "none"]
    return ["yes", money(rule.penalty)]


def _price(page: Page, order: Order) -> None:
    page.section("Price")
    rows = [["Fare", money(order.base)], ["Taxes and fees", money(order.tax)]]
    by_type: dict[str, Money] = {}
    for service in order.services:
        key = "Seats" if service.type == "seat" else "Extra bags"
        by_type[key] = by_type[key] + service.total if key in by_type else service.total
    rows += [[name, money(amount)] for name, amount in by_type.items()]
    if order.discount is not None:
        rows.append([f"Coupon {order.coupon_code or ''}".strip(), money(order.discount_total * -1)])
    if order.surcharge is not None and order.surcharge.amount:
        rows.append(["Card surcharge", money(order.surcharge)])
    rows.append(["Total", money(order.charged_total)])
    page.grid([], rows, widths=(10, 4), align_right=(1,), bold_last_row=True)


def _payments(page: Page, payments: Sequence[Payment]) -> None:
    page.section("Payments")
    if not payments:
        page.paragraph("No payment recorded.")
        return
    rows = [
        [instant(p.created_at), p.method.type.value, p.id, p.status.value, money(p.amount)]
        for p in sorted(payments, key=lambda p: p.created_at)
    ]
    page.grid(
        ["Date", "Method", "Payment", "Status", "Amount"],
        rows,
        widths=(4.4, 2, 7, 2.6, 3.4),
        align_right=(4,),
    )

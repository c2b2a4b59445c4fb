"""Keyword-only factories for test data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from farebridge.domain.itinerary import Aircraft, CabinClass, Carrier, Segment, Slice
from farebridge.domain.money import REFERENCE_USD_RATES, ExchangeRates, Money
from farebridge.domain.offer import ConditionRule, Conditions
from farebridge.domain.order import IdentityDocument, Order, OrderStatus, OrderType, Passenger
from farebridge.domain.places import Airport
from farebridge.domain.search import PassengerType

JFK = Airport(
    "JFK",
    "John F. Kennedy International Airport",
    "New York",
    "US",
    40.64,
    -73.78,
    "America/New_York",
)
LHR = Airport("LHR", "London Heathrow Airport", "London", "GB", 51.47, -0.46, "Europe/London")
BA = Carrier("BA", "British Airways", "125", "oneworld")


def create_slice(*, departing_at: datetime | None = None) -> Slice:
    departing = departing_at or datetime(2030, 1, 10, 18, 30, tzinfo=ZoneInfo("America/New_York"))
    arriving = (departing + timedelta(hours=7)).astimezone(ZoneInfo("Europe/London"))
    segment = Segment(
        id="seg_1",
        origin=JFK,
        destination=LHR,
        departing_at=departing,
        arriving_at=arriving,
        marketing_carrier=BA,
        operating_carrier=BA,
        marketing_carrier_flight_number="117",
        aircraft=Aircraft("77W", "Boeing 777-300ER"),
        cabin_class=CabinClass.ECONOMY,
        booking_class="Y",
        fare_basis_code="YSTD",
    )
    return Slice("sli_1", (segment,), "Standard")


PASSPORT = IdentityDocument("passport", "X1234567", "US", date(2040, 1, 1))


def create_passenger(
    *,
    id: str = "pas_1",
    type: PassengerType = PassengerType.ADULT,
    born_on: date = date(1987, 7, 24),
    identity_documents: tuple[IdentityDocument, ...] = (PASSPORT,),
) -> Passenger:
    """A passenger with a passport, as every international trip needs."""
    return Passenger(
        id,
        type,
        "ms",
        "Amelia",
        "Earhart",
        born_on,
        "f",
        "amelia@test.com",
        identity_documents=identity_documents,
    )


def create_order(
    *,
    status: OrderStatus = OrderStatus.HOLD,
    base: str = "400.00",
    tax: str = "50.00",
    currency: str = "GBP",
    refundable: bool = True,
    penalty: str | None = "75.00",
    departing_at: datetime | None = None,
) -> Order:
    return Order(
        id="ord_1",
        owner_id="usr_1",
        offer_id="off_1",
        type=OrderType.HOLD if status is OrderStatus.HOLD else OrderType.INSTANT,
        status=status,
        booking_reference="ABC234",
        owner=BA,
        slices=(create_slice(departing_at=departing_at),),
        passengers=(create_passenger(),),
        base=Money(Decimal(base), currency),
        tax=Money(Decimal(tax), currency),
        conditions=Conditions(
            ConditionRule(refundable, Money(Decimal(penalty), currency) if penalty else None),
            ConditionRule(True, None),
        ),
        fare_brand_name="Standard",
        created_at=datetime(2029, 12, 1, tzinfo=UTC),
        payment_required_by=datetime(2029, 12, 2, tzinfo=UTC),
    )


DEFAULT_RATES = ExchangeRates(REFERENCE_USD_RATES)


@dataclass
class FixedRates:
    """An ``ExchangeRateSource`` that always answers the same table (the defaults)."""

    rates: ExchangeRates = DEFAULT_RATES

    def current(self) -> ExchangeRates:
        return self.rates

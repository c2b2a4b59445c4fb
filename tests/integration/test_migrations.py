"""The migrations build exactly the schema the code declares, up and down."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select, text

from farebridge.bootstrap import build
from farebridge.domain.order import OrderType
from farebridge.services.orders import CreateOrder, create_order
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.migrate import downgrade, upgrade
from farebridge.store.tables import metadata, offers
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers


def test_migrated_schema_matches_the_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_offers_stored_before_0007_become_itineraries_of_their_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    now = datetime.now(UTC)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO offer_requests (id, criteria, status, created_at) "
                "VALUES ('orq_old', '{}', 'complete', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO offers (id, offer_request_id, total_amount_minor, total_currency, "
                "total_duration_minutes, comparable_amount, connections, owner_iata_code, "
                "expires_at, payload) VALUES ('off_old', 'orq_old', 100, 'USD', 60, 100, 0, "
                "'BA', :now, '{}')"
            ),
            {"now": now},
        )
    upgrade(url)
    with engine.connect() as connection:
        row = connection.execute(select(offers.c.itinerary_id, offers.c.departure_dates)).one()
    engine.dispose()
    assert tuple(row) == ("off_old", "")


def test_flight_api_bookings_kept_in_metadata_before_0024_get_their_row(tmp_path: Path) -> None:
    """ADR 0022 kept a booking's dialect details as a JSON string in the order's
    metadata; migration 0024 moves them into ``flight_api_bookings``."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url)
    engine = make_engine(url)
    services = build(Settings(database_url=url), engine=engine)
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    kept = {
        "flight": 42,
        "baggage_mode": "AT-AIRPORT",
        "passengers": [
            {
                "passenger_id": offer.passengers[0].id,
                "age": 38,
                "seat_type": "WINDOW",
                "hand_baggage": "6.5",
                "check_in_baggage": "12",
            }
        ],
    }
    command = CreateOrder(
        OrderType.HOLD,
        offer.id,
        [create_passenger(id="")],
        metadata={"flight_api": json.dumps(kept), "mine": "x"},
    )
    order = create_order(services, user=user, command=command)
    downgrade(url, "0022")  # back to before 0024
    upgrade(url)
    with services.uow(read_only=True) as uow:
        row = uow.flight_api.booking(order.id)
        stored = uow.orders.get(order.id)
    engine.dispose()
    assert row is not None and stored is not None
    assert (row.flight, row.baggage_mode, row.shape.value) == (42, "AT-AIRPORT", "one_way")
    [traveller] = row.travellers
    assert (traveller.age, traveller.seat_type, str(traveller.hand_baggage_kg)) == (
        38,
        "WINDOW",
        "6.5",
    )
    assert stored.metadata == {"mine": "x"}

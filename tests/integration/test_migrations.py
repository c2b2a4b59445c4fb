"""The migrations build exactly the schema the code declares, up and down."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select, text

from farebridge.store.database import make_engine
from farebridge.store.migrate import upgrade
from farebridge.store.tables import metadata, offers


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

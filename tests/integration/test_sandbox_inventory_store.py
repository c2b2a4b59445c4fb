"""The sandbox inventory's SQL (store/sandbox_inventory.py) on SQLite and PostgreSQL:
the statements built once per shape (ADR 0039) answer as the ones built per call did."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.store.sandbox_inventory import SqlSandboxInventory

DAY = date(2030, 3, 2)


def test_seats_left_for_any_number_of_legs(engine: Engine) -> None:
    inventory = SqlSandboxInventory(engine)
    stored = {LegKey(f"FB{n}", DAY + timedelta(days=n % 3), "economy"): n % 40 for n in range(650)}
    for key, seats in stored.items():
        if key.flight[-1] != "7":  # some legs are never materialised: no row, no answer
            inventory.set_available(key, seats)
    known = {key: seats for key, seats in stored.items() if key.flight[-1] != "7"}
    asked = [
        *stored,
        LegKey("FB1", DAY, "business"),
        LegKey("FB2", DAY + timedelta(days=9), "economy"),
    ]
    # 652 legs: three chunks of a statement per count (300, 300, 52), and asked again
    assert inventory.availability(asked) == known
    assert inventory.availability(asked[:1]) == {asked[0]: 0}
    assert inventory.availability(asked[1:4]) == {key: known[key] for key in asked[1:4]}
    assert inventory.availability([]) == {}
    assert inventory.availability(asked) == known

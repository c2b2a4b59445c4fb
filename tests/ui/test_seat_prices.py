"""The seat map's price line: every fee readable without hovering (issue 15, phones)."""

from __future__ import annotations

from typing import Any

from farebridge.ui.models import SeatMap
from farebridge.ui.views.seatmap import seat_prices


def _seat(designator: str, amount: str | None, passenger: str = "pas_1") -> dict[str, Any]:
    services = (
        []
        if amount is None
        else [
            {
                "id": f"ase_{designator}",
                "passenger_id": passenger,
                "total_amount": amount,
                "total_currency": "USD",
            }
        ]
    )
    return {"type": "seat", "designator": designator, "available_services": services}


def _map(*rows: list[dict[str, Any]]) -> SeatMap:
    cabin = {
        "cabin_class": "economy",
        "deck": 0,
        "aisles": 1,
        "wings": None,
        "rows": [{"sections": [{"elements": row}]} for row in rows],
    }
    return {"id": "sea_1", "segment_id": "seg_1", "slice_id": "sli_1", "cabins": [cabin]}  # type: ignore[typeddict-item]


def test_fees_are_listed_by_price_with_their_rows() -> None:
    seat_map = _map(
        [_seat("10A", "45.00"), _seat("10B", "45.00")],
        [_seat("11A", "45.00"), _seat("11B", None)],
        [_seat("12A", "20.00"), _seat("12B", "0.00")],
        [{"type": "exit_row"}],
        [_seat("14A", "20.00"), _seat("14B", "45.00")],
    )
    assert seat_prices(seat_map, "pas_1") == (
        "Seats with a fee: <b>USD 20.00</b> (rows 12, 14) · <b>USD 45.00</b> (rows 10-11, 14)"
    )


def test_no_line_when_every_seat_is_free_or_for_someone_else() -> None:
    seat_map = _map([_seat("10A", "0.00"), _seat("10B", "45.00", passenger="pas_2")])
    assert seat_prices(seat_map, "pas_1") == ""


def test_one_row_is_named_as_one_row() -> None:
    assert "(row 7)" in seat_prices(_map([_seat("7C", "15.00")]), "pas_1")

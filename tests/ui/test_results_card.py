"""What a result card says about price per person and notices (no I/O)."""

from __future__ import annotations

from typing import Any

from farebridge.ui.views.results import notice_badges, per_person


def _offer(brands: int, *prices: tuple[str, int, str]) -> Any:
    return {
        "fare_brands": [{}] * brands,
        "passenger_prices": [
            {"passenger_type": kind, "count": count, "total_amount": amount, "currency": "EUR"}
            for kind, count, amount in prices
        ],
    }


def test_one_traveller_sees_the_prices_as_theirs() -> None:
    assert per_person(_offer(3, ("adult", 1, "120.00")), 1) == "Prices for 1 traveller"


def test_several_travellers_see_each_type_s_price_from_the_cheapest_brand() -> None:
    offer = _offer(2, ("adult", 2, "120.00"), ("child", 1, "90.00"))
    assert per_person(offer, 3) == (
        "From EUR 120.00 per adult, EUR 90.00 per child · prices below for all 3 travellers"
    )
    assert per_person(_offer(1, ("adult", 2, "120.00")), 2).startswith("EUR 120.00 per adult")


def test_notices_are_one_a_line_and_cannot_break_the_markdown() -> None:
    notices = [
        {
            "code": "airport_change",
            "message": "Change of airport: arrive at LHR, leave from LGW",
            "slice_index": 0,
        },
        {"code": "mixed_airlines", "message": "Sold by [x](y) *bold*", "slice_index": None},
    ]
    text = notice_badges(notices)  # type: ignore[arg-type]
    first, second = text.split("  \n")
    assert first == ":orange[:material/info: Change of airport: arrive at LHR, leave from LGW]"
    assert "[" not in second.removeprefix(":orange[").removesuffix("]") and "*" not in second

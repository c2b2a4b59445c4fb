"""A seat map drawn as a grid of buttons: one per seat, aisles and exits between them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from farebridge.ui import format as fmt
from farebridge.ui import state
from farebridge.ui.models import Cabin, SeatElement, SeatMap, SeatRow, SeatService
from farebridge.ui.state import SeatChoice

SeatDrawer = Callable[[DeltaGenerator, SeatElement], None]
FACILITIES = {
    "lavatory": "🚻 Toilets",
    "galley": "☕ Galley",
    "closet": "🧥 Closet",
    "stairs": "🪜 Stairs",
    "bassinet": "👶 Baby cot positions",
}
LEGEND = (
    '<div class="fb-legend"><span>⬜ <b>12C</b> free seat</span>'
    '<span>🟧 <b style="color:#b45309">12C</b> seat with a fee</span>'
    "<span>✕ taken</span><span>🚫 not for this traveller</span><span>🟦 your seat</span>"
    '<span><b style="color:#b45309">EXIT</b> emergency exit row</span>'
    '<span><b style="color:#b45309">≋</b> over the wing</span></div>'
)


def choice_key(segment_id: str, passenger_id: str) -> str:
    return f"{segment_id}|{passenger_id}"


def _choose(key: str, choice: SeatChoice) -> None:
    state.journey().seats[key] = choice


def _clear(key: str) -> None:
    state.journey().seats.pop(key, None)


def _service_for(element: SeatElement, passenger_id: str) -> SeatService | None:
    for service in element.get("available_services", []):
        if service["passenger_id"] == passenger_id:
            return service
    return None


def _seat(
    column: DeltaGenerator,
    element: SeatElement,
    *,
    seat_map: SeatMap,
    passenger_id: str,
    holders: dict[str, str],
) -> None:
    designator = element.get("designator", "")
    key = f"seat_{seat_map['segment_id']}_{designator}"
    mine = choice_key(seat_map["segment_id"], passenger_id)
    holder = holders.get(designator)
    service = _service_for(element, passenger_id)
    if holder == passenger_id:
        tip = f"{designator} is your seat. Click again to remove it."
        column.button(designator, key, tip, _clear, (mine,), type="primary", width="stretch")
    elif holder is not None:
        tip = f"{designator}: chosen for {holder}"
        column.button("👤", key, tip, disabled=True, width="stretch")
    elif service is None and element.get("available_services"):
        tip = f"{designator} is free, but not for this traveller (exit row: adults only)"
        column.button("🚫", key, tip, disabled=True, width="stretch")
    elif service is None:
        column.button("✕", key, f"{designator} is taken", disabled=True, width="stretch")
    else:
        price = fmt.money(service["total_amount"], service["total_currency"])
        paid = Decimal(service["total_amount"]) > 0
        label = f":orange[**{designator}**]" if paid else designator
        tip = f"{designator} · {element.get('name') or 'Seat'} · {price if paid else 'free'}"
        choice = SeatChoice(
            service["id"], designator, service["total_amount"], service["total_currency"]
        )
        column.button(label, key, tip, _choose, (mine, choice), width="stretch")


def _section_sizes(cabin: Cabin) -> list[int]:
    sizes: list[int] = []
    for row in cabin["rows"]:
        for index, section in enumerate(row["sections"]):
            seats = sum(1 for e in section["elements"] if e["type"] == "seat")
            if index >= len(sizes):
                sizes.append(0)
            sizes[index] = max(sizes[index], seats)
    return sizes


def _seats_by_section(row: SeatRow, count: int) -> list[list[SeatElement]]:
    found = [[e for e in section["elements"] if e["type"] == "seat"] for section in row["sections"]]
    return (found + [[]] * count)[:count]


def _letters(cabin: Cabin, sizes: list[int]) -> list[list[str]]:
    """Seat letters per section, from the fullest row (A B C | D E F G | H J K)."""
    letters: list[list[str]] = [[] for _ in sizes]
    for row in cabin["rows"]:
        for index, seats in enumerate(_seats_by_section(row, len(sizes))):
            if len(seats) > len(letters[index]):
                letters[index] = [e.get("designator", "").lstrip("0123456789") for e in seats]
    return letters


def _row_number(row: SeatRow) -> str:
    for seats in _seats_by_section(row, len(row["sections"])):
        for element in seats:
            return "".join(ch for ch in element.get("designator", "") if ch.isdigit())
    return ""


def _text(column: DeltaGenerator, text: str, css: str) -> None:
    column.markdown(f'<div class="{css}">{text}</div>', unsafe_allow_html=True)


def _grid(sizes: list[int]) -> Sequence[DeltaGenerator]:
    """Columns for one row: side, seats, aisle, seats, …, side."""
    spec: list[float] = [0.9]
    for index, size in enumerate(sizes):
        spec += [1.0] * size + ([0.55] if index < len(sizes) - 1 else [])
    return st.columns([*spec, 0.9], gap="xxsmall", vertical_alignment="center")


def _header(sizes: list[int], letters: list[list[str]]) -> None:
    columns = _grid(sizes)
    position = 1
    for index, size in enumerate(sizes):
        for offset in range(size):
            letter = letters[index][offset] if offset < len(letters[index]) else ""
            _text(columns[position + offset], letter, "fb-seat-aisle")
        position += size + 1


def _row(row: SeatRow, sizes: list[int], marker: str, draw: SeatDrawer) -> None:
    columns = _grid(sizes)
    _text(columns[0], marker, "fb-seat-side")
    _text(columns[-1], marker, "fb-seat-side")
    position = 1
    for index, seats in enumerate(_seats_by_section(row, len(sizes))):
        for offset, element in enumerate(seats[: sizes[index]]):
            draw(columns[position + offset], element)
        position += sizes[index]
        if index < len(sizes) - 1:
            _text(columns[position], _row_number(row), "fb-seat-aisle")
            position += 1


def _cabin(cabin: Cabin, draw: SeatDrawer) -> None:
    sizes = _section_sizes(cabin)
    _header(sizes, _letters(cabin, sizes))
    wings = cabin["wings"]
    for index, row in enumerate(cabin["rows"]):
        elements = [e for section in row["sections"] for e in section["elements"]]
        if not any(e["type"] == "seat" for e in elements):
            facilities = sorted({FACILITIES.get(e["type"], "") for e in elements} - {""})
            st.caption("   ·   ".join(facilities) or "—")
            continue
        marker = ""
        if wings and wings["first_row_index"] <= index <= wings["last_row_index"]:
            marker = "≋"
        if any(e["type"] == "exit_row" for e in elements):
            marker = "EXIT"
        _row(row, sizes, marker, draw)


def render(seat_map: SeatMap, passenger_id: str, names: dict[str, str]) -> None:
    """The map of one segment for one traveller; seats of co-travellers are marked."""
    journey = state.journey()
    holders: dict[str, str] = {}
    for key, choice in journey.seats.items():
        segment_id, holder = key.split("|", 1)
        if segment_id == seat_map["segment_id"]:
            holders[choice.designator] = (
                holder if holder == passenger_id else names.get(holder, holder)
            )
    st.markdown(LEGEND, unsafe_allow_html=True)
    prices = seat_prices(seat_map, passenger_id)
    if prices:
        st.markdown(f'<div class="fb-seat-prices">{prices}</div>', unsafe_allow_html=True)
    st.caption("Front of the aircraft ↑")
    # The key gives the map a CSS class: on a phone its rows stay rows (common.STYLE).
    with st.container(key=f"fb_seatmap_{seat_map['segment_id']}"):
        for cabin in seat_map["cabins"]:
            if len(seat_map["cabins"]) > 1:
                deck = "upper deck" if cabin["deck"] else "main deck"
                cabin_name = fmt.CABINS.get(cabin["cabin_class"], cabin["cabin_class"])
                st.markdown(f"**{cabin_name}, {deck}**")
            draw = partial(_seat, seat_map=seat_map, passenger_id=passenger_id, holders=holders)
            _cabin(cabin, draw)


def seat_prices(seat_map: SeatMap, passenger_id: str) -> str:
    """``Seats with a fee: USD 20.00 (rows 14-20) · USD 45.00 (rows 10-12)``, for this
    traveller, so a price is readable without hovering over a seat (phones have no
    hover); empty when every free seat is free of charge."""
    rows_by_price: dict[tuple[Decimal, str], set[int]] = {}
    for cabin in seat_map["cabins"]:
        for row in cabin["rows"]:
            for section in row["sections"]:
                for element in section["elements"]:
                    service = _service_for(element, passenger_id)
                    if element["type"] != "seat" or service is None:
                        continue
                    amount = Decimal(service["total_amount"])
                    number = "".join(c for c in element.get("designator", "") if c.isdigit())
                    if amount > 0 and number:
                        price = (amount, service["total_currency"])
                        rows_by_price.setdefault(price, set()).add(int(number))
    parts = [
        f"<b>{fmt.money(str(amount), currency)}</b> ({_row_ranges(sorted(rows))})"
        for (amount, currency), rows in sorted(rows_by_price.items())
    ]
    return "Seats with a fee: " + " · ".join(parts) if parts else ""


def _row_ranges(rows: list[int]) -> str:
    """[10, 11, 12, 15] → ``rows 10-12, 15``."""
    ranges: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if row is not None:
            start = previous = row
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(ranges)

"""Automatic seat assignment (ADR 0025): its rules as properties over generated seat maps."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from farebridge.domain.money import Money
from farebridge.domain.order import OrderType
from farebridge.domain.search import OfferPassenger, PassengerType
from farebridge.domain.seat_assignment import (
    AssignedSeat,
    SeatPreference,
    SeatRequest,
    assign_seats,
    assign_trip_seats,
    seat_positions,
    seat_requests,
)
from farebridge.domain.seatmap import SeatCabin, SeatElement, SeatMap, SeatRow, SeatService
from farebridge.services.orders import CreateOrder
from farebridge.store.codec import dump, passengers_codec
from tests.factories import create_passenger

LAYOUTS = ("ABC DEF", "AB CD", "ABC DEFG HJK", "A BC D", "ABCD", "AC DG")
FREE, PAID, TAKEN = "free", "paid", "taken"


@dataclass(frozen=True)
class Cabin:
    """A generated cabin: its layout, each seat's state, its exit rows."""

    layout: str
    states: dict[str, str]  # designator → free | paid | taken
    exit_rows: frozenset[int]
    rows: int

    def position(self, designator: str) -> SeatPreference:
        """The oracle: computed from the layout, not from the seat map."""
        groups = self.layout.split(" ")
        letter = designator[-1]
        if letter in (groups[0][0], groups[-1][-1]):
            return SeatPreference.WINDOW
        if any(letter in (group[0], group[-1]) for group in groups):
            return SeatPreference.AISLE
        return SeatPreference.MIDDLE

    def row_of(self, designator: str) -> int:
        return int(designator[:-1])

    def is_free_for(self, designator: str, request: SeatRequest) -> bool:
        exit_ok = request.may_sit_in_exit_row or self.row_of(designator) not in self.exit_rows
        return self.states[designator] == FREE and exit_ok


def _service(designator: str, passenger_id: str, state: str) -> SeatService:
    price = Money.of("0" if state == FREE else "18", "USD")
    return SeatService(f"ase_{designator}_{passenger_id}", passenger_id, price)


def seat_map_of(cabin: Cabin, passenger_ids: list[str]) -> SeatMap:
    """Every passenger is offered every untaken seat, exit rows too: the assignment
    itself must keep the wrong passengers out of exit rows."""
    groups = cabin.layout.split(" ")
    rows = [SeatRow(tuple((SeatElement("galley"),) for _ in groups))]
    for row in range(1, cabin.rows + 1):
        sections: list[tuple[SeatElement, ...]] = []
        for index, group in enumerate(groups):
            elements = []
            for letter in group:
                designator = f"{row}{letter}"
                state = cabin.states[designator]
                services = (
                    ()
                    if state == TAKEN
                    else tuple(_service(designator, pid, state) for pid in passenger_ids)
                )
                elements.append(SeatElement("seat", designator, available_services=services))
            if row in cabin.exit_rows and index in (0, len(groups) - 1):
                marker = SeatElement("exit_row")
                elements = [marker, *elements] if index == 0 else [*elements, marker]
            sections.append(tuple(elements))
        rows.append(SeatRow(tuple(sections)))
    return SeatMap(
        "sea_1", "seg_1", "sli_1", (SeatCabin("economy", 1, len(groups) - 1, tuple(rows)),)
    )


@st.composite
def cabins(draw: st.DrawFn) -> Cabin:
    layout = draw(st.sampled_from(LAYOUTS))
    rows = draw(st.integers(1, 8))
    letters = layout.replace(" ", "")
    designators = [f"{row}{letter}" for row in range(1, rows + 1) for letter in letters]
    weights = draw(st.sampled_from([(FREE,), (FREE, TAKEN), (FREE, PAID, TAKEN), (TAKEN, PAID)]))
    states = {d: draw(st.sampled_from(weights)) for d in designators}
    exit_rows = draw(st.frozensets(st.integers(1, rows), max_size=2))
    return Cabin(layout, states, exit_rows, rows)


requests = st.lists(
    st.builds(
        SeatRequest,
        passenger_id=st.just(""),
        preference=st.one_of(st.none(), st.sampled_from(SeatPreference)),
        may_sit_in_exit_row=st.booleans(),
    ),
    min_size=1,
    max_size=6,
).map(
    lambda found: [
        SeatRequest(f"pas_{i}", r.preference, r.may_sit_in_exit_row) for i, r in enumerate(found)
    ]
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Cabin, list[SeatRequest], dict[str, str]]:
    cabin = draw(cabins())
    wanted = draw(requests)
    free = sorted(d for d, state in cabin.states.items() if state != TAKEN)
    chosen: dict[str, str] = {}
    if free and draw(st.booleans()):  # the first passenger chose a seat explicitly
        first = wanted[0]
        seat = draw(st.sampled_from(free))
        if cabin.row_of(seat) not in cabin.exit_rows or first.may_sit_in_exit_row:
            chosen[first.passenger_id] = seat
    return cabin, wanted, chosen


def _assign(
    cabin: Cabin, wanted: list[SeatRequest], chosen: dict[str, str]
) -> tuple[AssignedSeat, ...]:
    seat_map = seat_map_of(cabin, [r.passenger_id for r in wanted])
    return assign_seats(seat_map, wanted, chosen)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_no_seat_twice_and_only_free_seats_for_whom_they_allow(
    case: tuple[Cabin, list[SeatRequest], dict[str, str]],
) -> None:
    cabin, wanted, chosen = case
    assigned = _assign(cabin, wanted, chosen)
    designators = [a.designator for a in assigned]
    assert len(designators) == len(set(designators)), "a seat twice"
    assert not set(designators) & set(chosen.values()), "a seat chosen explicitly was given away"
    passengers = [a.passenger_id for a in assigned]
    assert len(passengers) == len(set(passengers)), "a passenger seated twice"
    assert not set(passengers) & set(chosen), "an explicit choice was overridden"
    by_id = {r.passenger_id: r for r in wanted}
    for seat in assigned:
        assert cabin.is_free_for(seat.designator, by_id[seat.passenger_id]), seat
        assert seat.service.passenger_id == seat.passenger_id
        assert seat.service.total.amount == 0, "a paid seat was bought"
        assert seat.segment_id == "seg_1"
        assert seat.position is cabin.position(seat.designator)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_a_preference_is_honoured_whenever_a_free_seat_of_its_position_is_left(
    case: tuple[Cabin, list[SeatRequest], dict[str, str]],
) -> None:
    cabin, wanted, chosen = case
    assigned = {a.passenger_id: a.designator for a in _assign(cabin, wanted, chosen)}
    left = set(cabin.states) - set(assigned.values()) - set(chosen.values())
    for request in wanted:
        if request.preference is None or request.passenger_id in chosen:
            continue
        seat = assigned.get(request.passenger_id)
        if seat is not None and cabin.position(seat) is request.preference:
            continue
        spare = [
            d
            for d in left
            if cabin.position(d) is request.preference and cabin.is_free_for(d, request)
        ]
        assert not spare, f"{request} not honoured although {spare} are free"


@settings(max_examples=300, deadline=None)
@given(cases())
def test_everyone_is_seated_while_free_seats_last(
    case: tuple[Cabin, list[SeatRequest], dict[str, str]],
) -> None:
    cabin, wanted, chosen = case
    assigned = _assign(cabin, wanted, chosen)
    open_to_all = [
        d
        for d, state in cabin.states.items()
        if state == FREE and cabin.row_of(d) not in cabin.exit_rows and d not in chosen.values()
    ]
    needing = [r for r in wanted if r.passenger_id not in chosen]
    if len(open_to_all) >= len(needing):
        assert len(assigned) == len(needing)


@settings(max_examples=300, deadline=None)
@given(cabins(), st.integers(1, 4))
def test_a_group_without_preferences_sits_in_one_row_when_a_row_has_room(
    cabin: Cabin, size: int
) -> None:
    wanted = [SeatRequest(f"pas_{i}", None, True) for i in range(size)]
    assigned = _assign(cabin, wanted, {})
    rows_with_room = [
        row
        for row in range(1, cabin.rows + 1)
        if sum(1 for d, s in cabin.states.items() if cabin.row_of(d) == row and s == FREE) >= size
    ]
    if rows_with_room:
        assert len({cabin.row_of(a.designator) for a in assigned}) == 1, assigned
        assert len(assigned) == size


def test_a_family_sits_side_by_side_with_the_window_for_who_asked() -> None:
    cabin = Cabin("ABC DEF", {f"{r}{x}": FREE for r in (1, 2) for x in "ABCDEF"}, frozenset(), 2)
    wanted = [
        SeatRequest("pas_0", None, True),
        SeatRequest("pas_1", SeatPreference.WINDOW, True),
        SeatRequest("pas_2", None, False),
    ]
    assigned = {a.passenger_id: a.designator for a in _assign(cabin, wanted, {})}
    assert assigned["pas_1"] == "1A"
    assert sorted(assigned.values()) == ["1A", "1B", "1C"]


def test_the_group_joins_a_seat_chosen_explicitly() -> None:
    states = {f"{r}{x}": FREE for r in range(1, 6) for x in "ABCDEF"}
    cabin = Cabin("ABC DEF", states, frozenset(), 5)
    wanted = [SeatRequest("pas_0"), SeatRequest("pas_1"), SeatRequest("pas_2")]
    assigned = _assign(cabin, wanted, {"pas_0": "4E"})
    assert {a.designator[0] for a in assigned} == {"4"}
    assert {a.passenger_id for a in assigned} == {"pas_1", "pas_2"}


def test_exit_rows_only_for_those_allowed_and_no_paid_seat() -> None:
    states = {"1A": FREE, "1B": FREE, "2A": PAID, "2B": TAKEN}
    cabin = Cabin("A B", states, frozenset({1}), 2)
    wanted = [SeatRequest("pas_0", SeatPreference.WINDOW, False), SeatRequest("pas_1")]
    assigned = {a.passenger_id: a.designator for a in _assign(cabin, wanted, {})}
    assert assigned == {}, "the child may not sit in the exit row, the paid seat stays unsold"
    wanted = [SeatRequest("pas_0", SeatPreference.WINDOW, True)]
    assert [a.designator for a in _assign(cabin, wanted, {})] == ["1A"]


def test_window_aisle_and_middle_come_from_the_sections() -> None:
    cabin = Cabin("ABC DEFG HJK", {f"1{x}": FREE for x in "ABCDEFGHJK"}, frozenset({1}), 1)
    [_, row] = seat_map_of(cabin, ["pas_0"]).cabins[0].rows
    positions = seat_positions(row)
    assert "".join(positions[f"1{x}"].value[0] for x in "ABCDEFGHJK") == "wmaammaamw"


def test_spread_draws_among_equally_good_rows_only() -> None:
    states = {f"{r}{x}": FREE for r in range(1, 9) for x in "ABCDEF"}
    cabin = Cabin("ABC DEF", states, frozenset(), 8)
    wanted = [SeatRequest("pas_0"), SeatRequest("pas_1")]
    seat_map = seat_map_of(cabin, ["pas_0", "pas_1"])
    rows = set()
    for seed in range(20):
        assigned = assign_seats(seat_map, wanted, {}, spread=random.Random(seed))
        assert len({a.designator[:-1] for a in assigned}) == 1
        rows.add(assigned[0].designator[:-1])
    assert len(rows) > 1, "racing orders would all pick the same row"
    assert {a.designator for a in assign_seats(seat_map, wanted, {})} == {"1A", "1B"}


def test_trip_seats_skip_infants_and_keep_explicit_choices() -> None:
    offer_passengers = [
        OfferPassenger("pas_0", PassengerType.ADULT),
        OfferPassenger("pas_1", PassengerType.INFANT_WITHOUT_SEAT),
        OfferPassenger("pas_2", PassengerType.CHILD),
    ]
    wanted = seat_requests(offer_passengers, {"pas_0": SeatPreference.AISLE})
    assert [(r.passenger_id, r.preference, r.may_sit_in_exit_row) for r in wanted] == [
        ("pas_0", SeatPreference.AISLE, False),  # carries the infant
        ("pas_2", None, False),
    ]
    cabin = Cabin("AB CD", {f"{r}{x}": FREE for r in (1, 2) for x in "ABCD"}, frozenset(), 2)
    seat_map = seat_map_of(cabin, ["pas_0", "pas_2"])
    assigned = assign_trip_seats([seat_map], wanted, frozenset({"ase_2D_pas_2"}))
    assert [(a.passenger_id, a.designator) for a in assigned] == [("pas_0", "2C")]


def test_orders_stored_before_preferences_read_as_none_and_keys_tell_them_apart() -> None:
    stored = dump(passengers_codec, (create_passenger(),))
    del stored[0]["seat_preference"]  # an order stored before ADR 0025
    assert passengers_codec.validate_python(stored)[0].seat_preference is None
    wish = replace(create_passenger(), seat_preference=SeatPreference.AISLE)
    assert passengers_codec.validate_python(dump(passengers_codec, (wish,)))[0] == wish
    plain = CreateOrder(OrderType.HOLD, "off_1", [create_passenger()])
    assert plain.fingerprint() != replace(plain, passengers=[wish]).fingerprint()

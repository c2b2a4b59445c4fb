"""The access policy, the name match of a booking look-up and flight keys (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from farebridge.domain.access import (
    OrderScope,
    Owner,
    may_access,
    may_act_for,
    require_role,
    visible_scope,
)
from farebridge.domain.account import Role, User
from farebridge.domain.errors import RoleRequired, ValidationFailed
from farebridge.domain.lookup import matches_any, name_key
from farebridge.domain.manifest import FlightKey, manifest_entry
from tests.factories import create_order

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def user(id: str, role: Role = Role.CUSTOMER, agency: str | None = None) -> User:
    return User(id, f"{id}@test.com", role, NOW, agency_id=agency)


OWNER = Owner("usr_a", "agy_north")
CASES = [
    (user("usr_a", agency="agy_north"), True),  # the owner
    (user("usr_a"), True),  # the owner, whatever their agency
    (user("usr_b", agency="agy_north"), False),  # a customer of the same agency
    (user("usr_c", Role.AGENT, "agy_north"), True),
    (user("usr_d", Role.AGENT, "agy_south"), False),
    (user("usr_e", Role.AGENT), False),
    (user("usr_f", Role.ADMIN), True),
]


@pytest.mark.parametrize(("actor", "allowed"), CASES, ids=lambda c: getattr(c, "id", str(c)))
def test_the_policy(actor: User, allowed: bool) -> None:
    assert may_access(actor, OWNER) is allowed


def test_an_agent_of_no_agency_reaches_no_owner_of_no_agency() -> None:
    assert not may_access(user("usr_e", Role.AGENT), Owner("usr_a", None))
    assert may_access(user("usr_e", Role.AGENT), None), "an object of nobody"


def test_scopes_match_the_policy() -> None:
    assert visible_scope(user("usr_a")) == OrderScope(owner_id="usr_a")
    assert visible_scope(user("usr_e", Role.AGENT)) == OrderScope(owner_id="usr_e")
    assert visible_scope(user("usr_c", Role.AGENT, "n")) == OrderScope("usr_c", "n")
    assert visible_scope(user("usr_f", Role.ADMIN)) == OrderScope(everything=True)


def test_roles_and_acting_for_others() -> None:
    require_role(user("usr_f", Role.ADMIN), Role.AGENT)
    with pytest.raises(RoleRequired, match="admin role") as refused:
        require_role(user("usr_c", Role.AGENT, "n"), Role.ADMIN)
    assert refused.value.code == "forbidden" and refused.value.role == "admin"
    assert not may_act_for(user("usr_b", agency="agy_north"), OWNER)
    assert may_act_for(user("usr_c", Role.AGENT, "agy_north"), OWNER)
    assert not may_act_for(user("usr_d", Role.AGENT, "agy_south"), OWNER)
    assert may_act_for(user("usr_a"), OWNER), "oneself"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("muller", "Müller"),
        ("MULLER", "müller"),
        ("obrien", "O'Brien"),
        ("Garcia Marquez", "García-Márquez"),
        ("strasse", "Straße"),
        ("ZOE", "Zoë"),
    ],
)
def test_names_match_without_case_accents_or_punctuation(given: str, stored: str) -> None:
    assert matches_any(given, ["Smith", stored])


def test_names_that_differ_do_not_match() -> None:
    assert not matches_any("Mull", ["Müller"])
    assert not matches_any("Muller", [])
    assert not matches_any("'-", ["'-"]), "nothing left to compare"
    assert name_key("Łukasz") == "ŁUKASZ", "Ł has no accent to drop: a letter of its own"


def test_flight_keys() -> None:
    key = FlightKey.parse(" ba0117 ", date(2030, 1, 10))
    assert (key.carrier, key.number) == ("BA", "117")
    for bad in ("B", "BA-117", "BA", "BA12345", "BA 117 X"):
        with pytest.raises(ValidationFailed) as error:
            FlightKey.parse(bad, date(2030, 1, 10))
        assert error.value.field == "flight"
    order = create_order()  # BA117 JFK-LHR, 2030-01-10 18:30 New York time
    entry = manifest_entry(order, key)
    assert entry is not None and entry.booking_reference == order.booking_reference
    assert [p.seat for p in entry.passengers] == [None] * len(order.passengers)
    assert manifest_entry(order, FlightKey("BA", "117", date(2030, 1, 11))) is None
    assert manifest_entry(order, FlightKey("BA", "118", date(2030, 1, 10))) is None

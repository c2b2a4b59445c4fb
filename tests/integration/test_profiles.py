"""The flight_api dialect's profiles: a username is taken once, even by racing clients."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from farebridge.domain.errors import FarebridgeError, UsernameTaken
from farebridge.services import passwords, profiles
from farebridge.services.ports import Dependencies

CLIENTS = 8


@pytest.fixture(autouse=True)
def _every_client_waits_for_a_hashing_slot() -> Iterator[None]:
    # The race under test is the username's. On a loaded two-core machine eight
    # argon2 hashes in one slot outlast the default 2 s wait, and the eighth
    # client would be refused login_busy before it reached the username.
    passwords.configure(workers=1, queue=CLIENTS, wait_seconds=120)
    yield
    passwords.configure(workers=0, queue=8, wait_seconds=2.0)


def _register(services: Dependencies, index: int, username: str) -> str:
    try:
        profiles.register(
            services,
            email=f"racer{index}@test.com",
            password="correct-horse",
            confirmation="correct-horse",
            username=username,
            first_name="Race",
            last_name=f"Number {index}",
            mobile_no="+1-5550100",
        )
    except FarebridgeError as error:
        return error.code
    return "registered"


def test_one_of_eight_clients_gets_a_username_and_no_orphan_account_is_left(
    services: Dependencies,
) -> None:
    names = ["Rakesh", "rakesh", "RAKESH", "rakesh", "Rakesh", "rakesh", "rakesh", "rAkesh"]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        outcomes = list(pool.map(_register, [services] * CLIENTS, range(CLIENTS), names))
    assert sorted(outcomes) == ["registered"] + ["username_taken"] * (CLIENTS - 1)
    with services.uow(read_only=True) as uow:
        profile = uow.profiles.by_username("RaKeSh")
        assert profile is not None
        kept = [uow.users.get_by_email(f"racer{i}@test.com") for i in range(CLIENTS)]
    assert [user.id for user in kept if user is not None] == [profile.user_id]


def test_the_profile_ids_are_distinct_small_integers(services: Dependencies) -> None:
    for index in range(3):
        assert _register(services, index, f"user{index}") == "registered"
    with services.uow(read_only=True) as uow:
        numbers = [uow.profiles.by_username(f"user{i}") for i in range(3)]
    assert len({p.number for p in numbers if p}) == 3
    with pytest.raises(UsernameTaken):
        profiles.register(
            services,
            email="late@test.com",
            password="correct-horse",
            confirmation="correct-horse",
            username="USER0",
            first_name="A",
            last_name="B",
            mobile_no="1",
        )

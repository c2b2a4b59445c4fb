"""The login-token cache (issue 14, ADR 0034): an entry lives its time to live and never
past its token's expiry; forgetting works by token and by user; 0 turns it off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from farebridge.domain.account import Role, User
from farebridge.services import token_cache
from farebridge.services.token_cache import TokenCache

NOW = datetime(2027, 1, 1, 12, tzinfo=UTC)


def _user(user_id: str = "usr_1") -> User:
    return User(id=user_id, email=f"{user_id}@test.com", created_at=NOW, role=Role.CUSTOMER)


class _Clock:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    clock = _Clock()
    monkeypatch.setattr(token_cache.time, "monotonic", clock)
    return clock


def test_an_entry_lives_its_time_to_live(monotonic: _Clock) -> None:
    cache = TokenCache(2.0)
    cache.put("h1", _user(), expires_at=NOW + timedelta(days=1))
    monotonic.value += 1.9
    assert cache.get("h1", now=NOW) == _user()
    monotonic.value += 0.2
    assert cache.get("h1", now=NOW) is None


def test_never_past_the_tokens_own_expiry(monotonic: _Clock) -> None:
    cache = TokenCache(60.0)
    cache.put("h1", _user(), expires_at=NOW + timedelta(seconds=5))
    assert cache.get("h1", now=NOW + timedelta(seconds=4)) is not None
    assert cache.get("h1", now=NOW + timedelta(seconds=5)) is None


def test_forgetting_by_token_and_by_user(monotonic: _Clock) -> None:
    cache = TokenCache(60.0)
    later = NOW + timedelta(days=1)
    cache.put("a1", _user("usr_a"), expires_at=later)
    cache.put("a2", _user("usr_a"), expires_at=later)
    cache.put("b1", _user("usr_b"), expires_at=later)
    cache.forget("b1")
    assert cache.get("b1", now=NOW) is None
    cache.forget_user("usr_a")
    assert cache.get("a1", now=NOW) is None
    assert cache.get("a2", now=NOW) is None


def test_zero_turns_it_off() -> None:
    cache = TokenCache(0.0)
    cache.put("h1", _user(), expires_at=NOW + timedelta(days=1))
    assert cache.get("h1", now=NOW) is None


def test_the_oldest_entries_go_first_when_full(monotonic: _Clock) -> None:
    cache = TokenCache(60.0, max_entries=2)
    later = NOW + timedelta(days=1)
    for key in ("h1", "h2", "h3"):
        cache.put(key, _user(key), expires_at=later)
    assert cache.get("h1", now=NOW) is None
    assert cache.get("h2", now=NOW) is not None
    assert cache.get("h3", now=NOW) is not None

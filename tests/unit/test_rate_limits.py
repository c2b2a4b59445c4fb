"""The shared limiter (``limits``, moving window), login back-off and the hashing slots."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from limits.storage import MemoryStorage, RedisStorage, Storage

from farebridge.api.ratelimit import LoginGuard, RateLimiter, make_storage
from farebridge.domain.errors import RateLimited
from farebridge.services.passwords import HashingSlots

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_storage() -> RedisStorage:
    """A Redis storage with a prefix of its own (skips when no Redis answers)."""
    try:
        storage = RedisStorage(REDIS_URL, key_prefix=f"fbtest-{uuid.uuid4().hex}")
        if not storage.check():
            pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    except Exception as error:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379: {error}")
    return storage


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> Iterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage()
        return
    storage = redis_storage()
    yield storage
    storage.reset()


def test_counts_per_key_and_refuses_over_the_limit(storage: Storage) -> None:
    limiter = RateLimiter(3, storage=storage, name="search")
    quotas = [limiter.hit("user:a") for _ in range(3)]
    assert [q.remaining for q in quotas if q] == [2, 1, 0]
    assert all(q is not None and q.limit == 3 and 1 <= q.reset_seconds <= 60 for q in quotas)
    with pytest.raises(RateLimited) as refused:
        limiter.hit("user:a")
    assert 1 <= refused.value.retry_after_seconds <= 60
    other = limiter.hit("user:b")
    assert other is not None and other.remaining == 2, "another caller has its own budget"


def test_zero_disables_a_limit() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.hit("user:a") is None for _ in range(100))


def test_limits_of_different_names_do_not_share_counts() -> None:
    storage = MemoryStorage()
    search, booking = (RateLimiter(1, storage=storage, name=n) for n in ("search", "booking"))
    search.hit("user:a")
    assert booking.hit("user:a") is not None
    with pytest.raises(RateLimited):
        search.hit("user:a")


def test_two_limiters_on_one_redis_share_one_budget() -> None:
    """Two API processes each build their own limiter on the same Redis."""
    shared = redis_storage()
    try:
        first = RateLimiter(4, storage=shared, name="login")
        second = RateLimiter(
            4, storage=RedisStorage(REDIS_URL, key_prefix=shared.key_prefix), name="login"
        )
        allowed = [first.take("ip:x"), second.take("ip:x"), first.take("ip:x"), second.take("ip:x")]
        assert all(q is not None and q.allowed for q in allowed)
        over = second.take("ip:x")
        assert over is not None and not over.allowed and over.remaining == 0
    finally:
        shared.reset()


def test_memory_storage_is_per_limiter_set() -> None:
    assert isinstance(make_storage(None), MemoryStorage)
    assert isinstance(make_storage(""), MemoryStorage)


def _guard(storage: Storage, **overrides: float) -> LoginGuard:
    settings: dict[str, float] = {"free_failures": 3, "free_failures_per_ip": 100}
    settings.update(overrides)
    return LoginGuard(storage, **settings)  # type: ignore[arg-type]


def _wait(guard: LoginGuard, account: str, address: str) -> int:
    with pytest.raises(RateLimited) as refused:
        guard.check(account, address)
    assert refused.value.code == "login_backoff"
    return refused.value.retry_after_seconds


def test_login_back_off_starts_after_the_free_failures_and_doubles(storage: Storage) -> None:
    guard = _guard(storage, backoff_seconds=10, backoff_max_seconds=100)
    for _ in range(2):
        guard.check("a@test.com", "10.0.0.1")
        guard.failed("a@test.com", "10.0.0.1")
    guard.check("a@test.com", "10.0.0.1")  # two failures: still free
    guard.failed("a@test.com", "10.0.0.1")
    first = _wait(guard, "a@test.com", "10.0.0.1")
    guard.failed("a@test.com", "10.0.0.1")
    second = _wait(guard, "a@test.com", "10.0.0.1")
    for _ in range(5):
        guard.failed("a@test.com", "10.0.0.1")
    capped = _wait(guard, "a@test.com", "10.0.0.1")
    assert 9 <= first <= 10 and 19 <= second <= 20 and 99 <= capped <= 100
    guard.check("b@test.com", "10.0.0.2")  # another account from another address: free


def test_a_success_clears_the_accounts_failures(storage: Storage) -> None:
    guard = _guard(storage, backoff_seconds=30)
    guard.failed("a@test.com", "10.0.0.1")
    guard.failed("a@test.com", "10.0.0.1")
    guard.succeeded("a@test.com")
    guard.failed("a@test.com", "10.0.0.1")
    guard.check("a@test.com", "10.0.0.1")  # one failure since the success


def test_one_address_trying_many_accounts_backs_off(storage: Storage) -> None:
    guard = _guard(storage, free_failures_per_ip=4, backoff_seconds=30)
    for n in range(4):
        guard.failed(f"user{n}@test.com", "10.0.0.9")
    assert _wait(guard, "fresh@test.com", "10.0.0.9") > 0
    guard.check("fresh@test.com", "10.0.0.10")


def test_hashing_slots_refuse_beyond_the_queue_at_once() -> None:
    slots = HashingSlots(workers=1, queue=0, wait_seconds=5)
    inside, release = threading.Event(), threading.Event()

    def slow() -> str:
        inside.set()
        release.wait(5)
        return "hashed"

    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(slots.run(slow)))
    worker.start()
    assert inside.wait(5)
    started = time.monotonic()
    with pytest.raises(RateLimited) as refused:
        slots.run(lambda: "second")
    assert refused.value.code == "login_busy" and refused.value.retry_after_seconds == 1
    assert time.monotonic() - started < 4, "refused without waiting for the slot"
    release.set()
    worker.join(5)
    assert results == ["hashed"]
    assert slots.run(lambda: "third") == "third", "the slot is free again"


def test_hashing_slots_queue_then_run_at_most_workers_at_once() -> None:
    slots = HashingSlots(workers=2, queue=6, wait_seconds=10)
    running, most = 0, 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    threads = [threading.Thread(target=slots.run, args=(work,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most == 2


def test_an_unreachable_redis_lets_calls_through() -> None:
    """Fail open: a limiter whose Redis is down limits nothing (and logs a warning)."""
    down = make_storage("redis://127.0.0.1:1/0", key_prefix="fbtest-down")
    limiter = RateLimiter(1, storage=down, name="search")
    assert [limiter.hit("user:a") for _ in range(3)] == [None, None, None]
    guard = LoginGuard(down, free_failures=1)
    guard.failed("a@test.com", "10.0.0.1")
    guard.check("a@test.com", "10.0.0.1")
    guard.succeeded("a@test.com")

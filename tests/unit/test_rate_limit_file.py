"""The rate-limit counts kept in ``<database>-limits`` (store/rate_limits.py, ADR 0050):
the same answers as the ``limits`` library's memory storage, one budget for every
storage on the file (threads and processes), nothing live lost to the purge."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from farebridge.api.ratelimit import LoginGuard, RateLimiter, make_storage
from farebridge.domain.errors import RateLimited
from farebridge.store import rate_limits
from farebridge.store.rate_limits import SqliteFileStorage, limits_file


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(rate_limits.time, "time", fake)  # the module's clock (and memory's)
    return fake


def _storage(path: Path) -> SqliteFileStorage:
    return SqliteFileStorage(wrap_exceptions=True, path=path)


def test_the_file_beside_an_sqlite_database_and_none_elsewhere(tmp_path: Path) -> None:
    assert limits_file(f"sqlite:///{tmp_path}/fb.db") == tmp_path / "fb.db-limits"
    assert limits_file("sqlite:///farebridge.db") == Path("farebridge.db-limits")
    assert limits_file("sqlite://") is None
    assert limits_file("sqlite:///:memory:") is None
    assert limits_file("sqlite:///file:shared?mode=memory&cache=shared&uri=true") is None
    assert limits_file("postgresql+psycopg://postgres@127.0.0.1:5432/test") is None
    assert isinstance(make_storage(None, shared_file=tmp_path / "x-limits"), SqliteFileStorage)
    assert isinstance(make_storage(None), MemoryStorage)


def test_moving_window_answers_as_memory_does(tmp_path: Path, clock: Clock) -> None:
    item = RateLimitItemPerMinute(3)
    in_file = MovingWindowRateLimiter(_storage(tmp_path / "a-limits"))
    in_memory = MovingWindowRateLimiter(MemoryStorage())
    # (seconds later, key, cost) — the window frees a call 60 s after it was taken
    script = [(0, "a", 1), (1, "a", 1), (2, "b", 1), (3, "a", 1), (4, "a", 1), (5, "a", 2)]
    script += [(58, "a", 1), (61, "a", 1), (62, "a", 1), (63, "a", 1), (64, "a", 4), (200, "a", 3)]
    answers = []
    for later, key, cost in script:
        clock.now = 1_900_000_000.0 + later
        got = [
            (
                limiter.hit(item, key, cost=cost),
                tuple(limiter.get_window_stats(item, key)),
            )
            for limiter in (in_file, in_memory)
        ]
        answers.append(got[0])
        assert got[0] == got[1], f"at +{later} s, {key} x{cost}: file {got[0]}, memory {got[1]}"
    assert [allowed for allowed, _ in answers] == [
        *(True, True, True, True, False, False),
        *(False, True, True, False, False, True),
    ]


def test_fixed_counters_keep_their_first_expiry(tmp_path: Path, clock: Clock) -> None:
    storage = _storage(tmp_path / "c-limits")
    assert storage.incr("k", 10) == 1
    clock.now += 5
    assert storage.incr("k", 10, amount=2) == 3
    assert storage.get("k") == 3
    assert storage.get_expiry("k") == pytest.approx(clock.now + 5)
    clock.now += 5  # the first expiry: a new count
    assert storage.get("k") == 0
    assert storage.incr("k", 10) == 1
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.check()


def test_two_storages_on_one_file_share_a_budget_and_the_login_back_off(tmp_path: Path) -> None:
    first, second = _storage(tmp_path / "s-limits"), _storage(tmp_path / "s-limits")
    limiters = [RateLimiter(4, storage=s, name="search") for s in (first, second)]
    quotas = [limiters[n % 2].take("user") for n in range(6)]
    assert [q.allowed for q in quotas if q] == [True, True, True, True, False, False]
    assert [q.remaining for q in quotas[:4] if q] == [3, 2, 1, 0]
    guards = [LoginGuard(s, free_failures=2, backoff_seconds=30) for s in (first, second)]
    guards[0].failed("victim@test.com", "10.0.0.1")
    guards[1].failed("victim@test.com", "10.0.0.2")
    with pytest.raises(RateLimited):
        guards[0].check("victim@test.com", "10.0.0.3")


def test_threads_on_two_storages_never_take_more_than_the_limit(tmp_path: Path) -> None:
    storages = [_storage(tmp_path / "t-limits"), _storage(tmp_path / "t-limits")]
    item = RateLimitItemPerMinute(50)
    allowed: list[bool] = []
    start = threading.Barrier(8)

    def hammer(n: int) -> None:
        limiter = MovingWindowRateLimiter(storages[n % 2])
        start.wait()
        for _ in range(25):
            allowed.append(limiter.hit(item, "one-caller"))

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 200
    assert allowed.count(True) == 50


def _hits_in_a_process(path: str, count: int, queue: multiprocessing.Queue[int]) -> None:
    limiter = MovingWindowRateLimiter(SqliteFileStorage(wrap_exceptions=True, path=path))
    item = RateLimitItemPerMinute(50)
    queue.put(sum(limiter.hit(item, "one-caller") for _ in range(count)))


def test_processes_never_take_more_than_the_limit(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[int] = context.Queue()
    path = str(tmp_path / "p-limits")
    processes = [
        context.Process(target=_hits_in_a_process, args=(path, 40, queue)) for _ in range(3)
    ]
    for process in processes:
        process.start()
    taken = [queue.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert sum(taken) == 50, taken


def test_the_purge_keeps_what_a_window_still_holds(tmp_path: Path, clock: Clock) -> None:
    counting, purging = _storage(tmp_path / "g-limits"), _storage(tmp_path / "g-limits")
    item = RateLimitItemPerMinute(2)
    MovingWindowRateLimiter(counting).hit(item, "old")  # leaves the window at +60 s
    clock.now += 30
    MovingWindowRateLimiter(counting).hit(item, "young")  # leaves it at +90 s
    counting.incr("back-off", 45)  # runs out at +75 s
    clock.now += 40  # +70 s
    purging.incr("other", 10)  # a write with no window counted yet: entries stay
    limiter = MovingWindowRateLimiter(counting)
    assert limiter.get_window_stats(item, "young").remaining == 1
    assert _entries(purging, "old") == 1
    MovingWindowRateLimiter(purging).hit(item, "third")  # purges (a minute since the last)
    assert _entries(purging, "old") == 0
    assert limiter.get_window_stats(item, "young").remaining == 1
    assert _entries(purging, "young") == 1
    assert counting.get("back-off") == 1


def _entries(storage: SqliteFileStorage, key_part: str) -> int:
    found: int = storage._read(
        "SELECT count(*) FROM entries WHERE key LIKE ?", (f"%/{key_part}/%",)
    )[0]
    return found


def test_a_file_that_cannot_be_opened_fails_open(tmp_path: Path) -> None:
    limiter = RateLimiter(1, storage=_storage(tmp_path / "missing" / "x-limits"), name="s")
    assert limiter.take("user") is None  # logged, not counted, not a 500
    assert limiter.take("user") is None

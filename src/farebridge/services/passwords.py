"""Password hashing (argon2) on a bounded number of threads at once.

argon2 is CPU- and memory-hard on purpose: a log-in storm that hashed on every
request thread would leave none for health checks and reads. At most
``workers`` hashes run at once; up to ``queue`` more calls wait (at most
``wait_seconds``); any other call is refused at once with 429 ``login_busy``
(Retry-After 1), so log-ins never hold more than ``workers + queue`` request
threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from farebridge.domain.errors import RateLimited

T = TypeVar("T")


class HashingSlots:
    def __init__(self, workers: int, queue: int, wait_seconds: float) -> None:
        self.workers = max(1, workers)
        self.queue = max(0, queue)
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(self.workers)
        self._lock = threading.Lock()
        self._inside = 0  # running or waiting

    def run(self, function: Callable[[], T]) -> T:
        with self._lock:
            if self._inside >= self.workers + self.queue:
                raise _busy()
            self._inside += 1
        try:
            if not self._slots.acquire(timeout=self.wait_seconds):
                raise _busy()
            try:
                return function()
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._inside -= 1


def _busy() -> RateLimited:
    return RateLimited(
        "Too many log-ins at once; retry in 1 s.", retry_after_seconds=1, code="login_busy"
    )


def default_workers() -> int:
    return max(1, (os.cpu_count() or 2) // 2)


_slots = HashingSlots(default_workers(), 8, 2.0)


def configure(*, workers: int, queue: int, wait_seconds: float) -> None:
    """Size this process's pool (the API does so from settings at start)."""
    global _slots
    _slots = HashingSlots(workers if workers > 0 else default_workers(), queue, wait_seconds)


def run(function: Callable[[], T]) -> T:
    """``function`` (a hash or a verification) in a hashing slot."""
    return _slots.run(function)

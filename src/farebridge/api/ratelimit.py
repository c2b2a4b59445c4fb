"""Per-caller rate limits on search and booking (fixed one-minute windows).

Counted in the API process's memory: with several API processes each enforces
its own share. Limits come from settings; 0 disables a limit.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from fastapi import Request

from farebridge.api.deps import OptionalUser
from farebridge.domain.account import User
from farebridge.domain.errors import RateLimited

WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> None:
        if self._limit <= 0:
            return
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, count = now, 0
            if count >= self._limit:
                retry = math.ceil(WINDOW_SECONDS - (now - start))
                raise RateLimited(
                    f"More than {self._limit} requests a minute; retry in {retry} s.",
                    retry_after_seconds=retry,
                )
            self._windows[key] = (start, count + 1)
            if len(self._windows) > 100_000:
                self._windows = {k: v for k, v in self._windows.items() if now - v[0] < 60}


def caller_key(request: Request, user: User | None) -> str:
    if user is not None:
        return f"user:{user.id}"
    return f"ip:{request.client.host if request.client else 'unknown'}"


def hit(request: Request, name: str, user: User | None) -> None:
    """Count one call against ``app.state.rate_limiters[name]`` for this caller."""
    request.app.state.rate_limiters[name].hit(caller_key(request, user))


def limit(name: str) -> Callable[..., None]:
    """A dependency enforcing ``app.state.rate_limiters[name]`` per user (or IP)."""

    def dependency(request: Request, user: OptionalUser) -> None:
        hit(request, name, user)

    return dependency

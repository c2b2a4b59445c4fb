"""Login tokens resolved recently, so a request does not read the database to learn
who sent it (issue 14; ADR 0034).

An entry lives ``ttl_seconds`` (``FAREBRIDGE_TOKEN_CACHE_SECONDS``) and never past
its token's own expiry. What changes a user or a token in this process (log-out, a
role or currency change) forgets the entries at once; another API process sees such a
change when its entry runs out, at most ``ttl_seconds`` later. ``ttl_seconds`` 0
turns the cache off. API keys are not cached (each use is recorded).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime

from farebridge.domain.account import User


class TokenCache:
    def __init__(self, ttl_seconds: float = 0.0, *, max_entries: int = 10_000) -> None:
        self.ttl_seconds = ttl_seconds
        self._max_entries = max_entries
        # token hash → (user, token expiry, monotonic time cached)
        self._entries: OrderedDict[str, tuple[User, datetime, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token_hash: str, *, now: datetime) -> User | None:
        if self.ttl_seconds <= 0:
            return None
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        user, expires_at, cached_at = entry
        if time.monotonic() - cached_at >= self.ttl_seconds or expires_at <= now:
            self.forget(token_hash)
            return None
        return user

    def put(self, token_hash: str, user: User, *, expires_at: datetime) -> None:
        if self.ttl_seconds <= 0:
            return
        with self._lock:
            self._entries[token_hash] = (user, expires_at, time.monotonic())
            self._entries.move_to_end(token_hash)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def forget(self, token_hash: str) -> None:
        with self._lock:
            self._entries.pop(token_hash, None)

    def forget_user(self, user_id: str) -> None:
        with self._lock:
            for key in [k for k, (user, _, _) in self._entries.items() if user.id == user_id]:
                del self._entries[key]

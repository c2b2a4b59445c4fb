"""Shared per-caller rate limits and login back-off, counted with the ``limits`` library.

Every limit is a one-minute moving window per caller (the user, or the client
address for anonymous calls). The counts live in one storage per app, so that every
API process draws on the same budget: Redis when ``FAREBRIDGE_REDIS_URL`` is set;
else, on an SQLite database file, a file beside it (``store/rate_limits``, every
process on the machine); else (PostgreSQL without Redis) each process's memory.
Limits come from settings; 0 disables a limit.

Limited responses carry ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds until the window frees a call; the names of the
IETF draft "RateLimit header fields for HTTP", draft-ietf-httpapi-ratelimit-headers-07,
as GitHub and others send them); a 429 also carries ``Retry-After`` (set by each
dialect's error handler, with the dialect's own body). The Duffel dialect spells
``ratelimit-reset`` as an HTTP date, as Duffel does.

Log-ins: per account and per client address, each failure is counted; after
``login_free_failures`` failures for an account (``login_free_failures_per_ip``
for an address) every further log-in waits ``login_backoff_seconds``, doubling
with each failure up to ``login_backoff_max_seconds`` (429, code
``login_backoff``); a successful log-in clears the account's count.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import structlog
from fastapi import FastAPI, Request, Response
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from farebridge.api.deps import OptionalUser
from farebridge.domain.account import User
from farebridge.domain.errors import NotAuthenticated, RateLimited
from farebridge.services import passwords
from farebridge.settings import Settings
from farebridge.store.rate_limits import SqliteFileStorage, limits_file

log = structlog.get_logger("farebridge.ratelimit")
WINDOW_SECONDS = 60
# The limits every dialect names (``hit(request, name, user)`` / ``limit(name)``).
LIMIT_NAMES = ("search", "booking", "payment", "lookup", "login", "register")


@dataclass(frozen=True, slots=True)
class Quota:
    """What is left of one caller's limit after a call."""

    limit: int
    remaining: int
    reset_seconds: int
    allowed: bool = True


def make_storage(
    redis_url: str | None, *, key_prefix: str = "farebridge", shared_file: Path | None = None
) -> Storage:
    """Redis when a URL is given (shared by every process, on any host); else
    ``shared_file`` (an SQLite database's ``-limits`` file: every process on this
    machine); else this process's memory."""
    if redis_url:
        return RedisStorage(
            redis_url,
            key_prefix=key_prefix,
            wrap_exceptions=True,
            socket_connect_timeout=1.0,
            socket_timeout=1.0,
        )
    if shared_file is not None:
        return SqliteFileStorage(wrap_exceptions=True, path=shared_file)
    return MemoryStorage()


class RateLimiter:
    """``per_minute`` calls in any 60 s per key, counted in ``storage``."""

    def __init__(self, per_minute: int, *, storage: Storage | None = None, name: str = "") -> None:
        self._item = (
            RateLimitItemPerMinute(per_minute, namespace=f"fb:{name}") if per_minute > 0 else None
        )
        self._strategy = MovingWindowRateLimiter(
            storage if storage is not None else MemoryStorage()
        )

    @property
    def per_minute(self) -> int:
        return self._item.amount if self._item else 0

    def take(self, key: str) -> Quota | None:
        """Count one call; None when the limit is off. ``allowed`` False: over the limit."""
        if self._item is None:
            return None
        try:
            allowed = self._strategy.hit(self._item, key)
            reset_at, remaining = self._strategy.get_window_stats(self._item, key)
        except StorageError as error:
            _storage_down(error)
            return None
        reset = max(1, math.ceil(reset_at - time.time()))
        return Quota(self._item.amount, max(0, remaining), reset, allowed)

    def hit(self, key: str) -> Quota | None:
        """Count one call; :class:`RateLimited` when over the limit."""
        quota = self.take(key)
        if quota is not None and not quota.allowed:
            raise _refusal(quota)
        return quota


def _storage_down(error: Exception) -> None:
    """Redis unreachable: the call goes through unlimited (fail open), and the log says so."""
    log.warning("ratelimit.storage_unavailable", error=str(error))


def _refusal(quota: Quota) -> RateLimited:
    return RateLimited(
        f"More than {quota.limit} requests a minute; retry in {quota.reset_seconds} s.",
        retry_after_seconds=quota.reset_seconds,
    )


class LoginGuard:
    """Exponential back-off after failed log-ins, per account and per address."""

    def __init__(
        self,
        storage: Storage,
        *,
        free_failures: int = 5,
        free_failures_per_ip: int = 20,
        backoff_seconds: float = 1.0,
        backoff_max_seconds: float = 900.0,
        memory_seconds: int = 3600,
    ) -> None:
        self._storage = storage
        self._free = {"acct": free_failures, "ip": free_failures_per_ip}
        self._base = backoff_seconds
        self._max = backoff_max_seconds
        self._memory = memory_seconds

    def check(self, account: str, address: str) -> None:
        """:class:`RateLimited` (``login_backoff``) while either is backing off."""
        try:
            waits = [self._wait(kind, who) for kind, who in (("acct", account), ("ip", address))]
        except StorageError as error:
            _storage_down(error)
            return
        wait = max(waits)
        if wait > 0:
            raise RateLimited(
                f"Too many failed log-ins; retry in {wait} s.",
                retry_after_seconds=wait,
                code="login_backoff",
            )

    def _wait(self, kind: str, who: str) -> int:
        lock = f"fb:login:lock:{kind}:{who}"
        if self._free[kind] <= 0 or self._storage.get(lock) <= 0:
            return 0
        return max(1, math.ceil(self._storage.get_expiry(lock) - time.time()))

    def failed(self, account: str, address: str) -> None:
        try:
            self._count_failure(account, address)
        except StorageError as error:
            _storage_down(error)

    def _count_failure(self, account: str, address: str) -> None:
        for kind, who in (("acct", account), ("ip", address)):
            free = self._free[kind]
            if free <= 0:
                continue
            failures = self._storage.incr(f"fb:login:fail:{kind}:{who}", self._memory)
            if failures >= free:
                wait = min(self._max, self._base * 2 ** (failures - free))
                lock = f"fb:login:lock:{kind}:{who}"
                self._storage.clear(lock)
                self._storage.incr(lock, max(1, math.ceil(wait)))

    def succeeded(self, account: str) -> None:
        try:
            self._storage.clear(f"fb:login:fail:acct:{account}")
            self._storage.clear(f"fb:login:lock:acct:{account}")
        except StorageError as error:
            _storage_down(error)


def install(app: FastAPI, settings: Settings, *, date_reset_prefixes: tuple[str, ...] = ()) -> None:
    """The app's limits (``app.state.rate_limiters``, ``app.state.login_guard``) and headers."""
    url = settings.redis_url.get_secret_value() if settings.redis_url is not None else None
    storage = make_storage(
        url,
        key_prefix=settings.redis_key_prefix,
        shared_file=limits_file(settings.database_url),
    )
    per_minute = {
        "search": settings.search_rate_limit_per_minute,
        "booking": settings.booking_rate_limit_per_minute,
        "payment": settings.payment_rate_limit_per_minute,
        "lookup": settings.lookup_rate_limit_per_minute,
        "login": settings.login_rate_limit_per_minute,
        "register": settings.register_rate_limit_per_minute,
    }
    app.state.rate_limit_storage = storage
    app.state.rate_limiters = {
        name: RateLimiter(per_minute[name], storage=storage, name=name) for name in LIMIT_NAMES
    }
    app.state.login_guard = LoginGuard(
        storage,
        free_failures=settings.login_free_failures,
        free_failures_per_ip=settings.login_free_failures_per_ip,
        backoff_seconds=settings.login_backoff_seconds,
        backoff_max_seconds=settings.login_backoff_max_seconds,
    )
    passwords.configure(
        workers=settings.password_hash_workers,
        queue=settings.password_hash_queue,
        wait_seconds=settings.password_hash_wait_seconds,
    )

    app.add_middleware(RateLimitHeaders, date_reset_prefixes=date_reset_prefixes)


class RateLimitHeaders:
    """``RateLimit-*`` on the response of a call a limit counted (pure ASGI: no task or
    stream per request, as ``BaseHTTPMiddleware`` would add)."""

    def __init__(self, app: ASGIApp, *, date_reset_prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.date_reset_prefixes = date_reset_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        dated = scope["path"].startswith(self.date_reset_prefixes)

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                quota: Quota | None = scope.get("state", {}).get("rate_limit")
                if quota is not None:
                    _set_headers(MutableHeaders(scope=message), quota, date_reset=dated)
            await send(message)

        await self.app(scope, receive, send_with_quota)


def add_headers(response: Response, quota: Quota, *, date_reset: bool = False) -> None:
    _set_headers(response.headers, quota, date_reset=date_reset)


def _set_headers(headers: MutableHeaders, quota: Quota, *, date_reset: bool) -> None:
    headers.setdefault("RateLimit-Limit", str(quota.limit))
    headers.setdefault("RateLimit-Remaining", str(quota.remaining))
    if date_reset:
        reset_at = formatdate(time.time() + quota.reset_seconds, usegmt=True)
        headers.setdefault("RateLimit-Reset", reset_at)
    else:
        headers.setdefault("RateLimit-Reset", str(quota.reset_seconds))
    if not quota.allowed:
        headers.setdefault("Retry-After", str(quota.reset_seconds))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def caller_key(request: Request, user: User | None) -> str:
    if user is not None:
        return f"user:{user.id}"
    return f"ip:{client_address(request)}"


def _remember(request: Request, quota: Quota | None) -> None:
    """The tightest limit this request met, for the RateLimit-* headers."""
    if quota is None:
        return
    seen: Quota | None = getattr(request.state, "rate_limit", None)
    if seen is None or not quota.allowed or (seen.allowed and quota.remaining < seen.remaining):
        request.state.rate_limit = quota


def hit_key(request: Request, name: str, key: str) -> None:
    """Count one call against ``app.state.rate_limiters[name]`` for ``key``."""
    quota = request.app.state.rate_limiters[name].take(key)
    _remember(request, quota)
    if quota is not None and not quota.allowed:
        raise _refusal(quota)


def hit(request: Request, name: str, user: User | None) -> None:
    """Count one call against ``app.state.rate_limiters[name]`` for this caller."""
    hit_key(request, name, caller_key(request, user))


def limit(name: str) -> Callable[..., None]:
    """A dependency enforcing ``app.state.rate_limiters[name]`` per user (or IP)."""

    def dependency(request: Request, user: OptionalUser) -> None:
        hit(request, name, user)

    return dependency


def limit_per_address(name: str) -> Callable[..., None]:
    """A dependency enforcing ``app.state.rate_limiters[name]`` per client address."""

    def dependency(request: Request) -> None:
        hit_key(request, name, f"ip:{client_address(request)}")

    return dependency


@contextmanager
def login_attempt(request: Request, account: str) -> Iterator[None]:
    """Wrap one log-in: the per-address login limit, back-off, and counting failures."""
    address = client_address(request)
    account = account.strip().lower()
    hit_key(request, "login", f"ip:{address}")
    guard: LoginGuard = request.app.state.login_guard
    guard.check(account, address)
    try:
        yield
    except NotAuthenticated:
        guard.failed(account, address)
        raise
    guard.succeeded(account)

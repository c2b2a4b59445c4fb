"""A readiness check for Redis (``FAREBRIDGE_REDIS_URL``): PING with a short timeout."""

from __future__ import annotations

from collections.abc import Callable


def redis_ping(url: str, *, timeout_seconds: float = 1.0) -> Callable[[], None]:
    """A check that raises unless Redis answers PING; one client (and pool) per check."""
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=timeout_seconds, socket_timeout=timeout_seconds
    )

    def check() -> None:
        if not client.ping():
            raise ConnectionError("redis did not answer PING")

    return check

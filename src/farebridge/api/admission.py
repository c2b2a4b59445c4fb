"""Admission control: a cap on the requests one API process serves at once (ADR 0030).

More arriving than a process can serve must not become slow answers for everyone,
request threads fighting over the interpreter lock (``/health`` then waits too),
database pool timeouts (500) or client timeouts. So each process serves at most
``max_in_flight`` requests at once; up to ``max_queued`` more wait, on the event loop
(no thread, no connection), at most ``queue_seconds`` for a place; anything beyond,
or whatever waited too long, is refused at once with :class:`ServerBusy`: 429 with
``Retry-After`` in the error body of the dialect the request was for.

``/health``, ``/ready`` and ``/metrics`` are never held back: probes must see the
process as it is. 0 for ``max_in_flight`` turns the cap off.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from farebridge.api.refusals import Refusals, own_path
from farebridge.domain.errors import ServerBusy

RETRY_AFTER_SECONDS = 1


class AdmissionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int,
        max_queued: int,
        queue_seconds: float,
        exempt_paths: Collection[str],
        dialects: Sequence[tuple[str, Any]],
        fallback: Any | None = None,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.max_queued = max_queued
        self.queue_seconds = queue_seconds
        self.exempt_paths = frozenset(exempt_paths)
        self.refusals = Refusals(dialects, fallback)
        self._places: anyio.Semaphore | None = None  # made on first use, in the server's loop
        self._queued = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.max_in_flight <= 0
            or own_path(scope) in self.exempt_paths
        ):
            await self.app(scope, receive, send)
            return
        if self._places is None:
            self._places = anyio.Semaphore(self.max_in_flight)
        if not await self._admit(self._places):
            await self.refusals.refuse(scope, receive, send, _busy())
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._places.release()

    async def _admit(self, places: anyio.Semaphore) -> bool:
        """True with a place taken; False when full and the queue is full or too slow."""
        try:
            places.acquire_nowait()
            return True
        except anyio.WouldBlock:
            pass
        if self._queued >= self.max_queued or self.queue_seconds <= 0:
            return False
        self._queued += 1
        try:
            with anyio.move_on_after(self.queue_seconds):
                await places.acquire()
                return True
            return False
        finally:
            self._queued -= 1


def _busy() -> ServerBusy:
    return ServerBusy(
        "The server is busy serving other requests; retry in a second.",
        retry_after_seconds=RETRY_AFTER_SECONDS,
    )

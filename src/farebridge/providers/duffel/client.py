"""A small synchronous client of Duffel's API (v2): auth, envelopes, timeouts, retries.

Every call has its own timeout. Only *safe* calls are retried — reads, and the
offer-request POST, which books nothing — on 429, 502, 503, 504 and connection
errors, with a short backoff; a 429 waits until ``ratelimit-reset`` (an HTTP
date) or ``Retry-After``. An *unsafe* call (order creation, payment, confirming
a cancellation) is sent once: a timeout, a dropped connection after sending or
any 5xx raises ``UpstreamTimeout`` (the outcome is unknown; the engine's
reconciler asks ``find_booking``), never a second attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from farebridge.domain.errors import UpstreamTimeout, UpstreamUnavailable
from farebridge.providers.duffel.errors import error_from_response

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
MAX_RATE_LIMIT_WAIT_SECONDS = 10.0
PAGE_LIMIT = 200

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds each kind of call may take."""

    search: float = 30.0
    read: float = 10.0
    order: float = 130.0  # order creation and payment: Duffel advises at least 130 s


class DuffelClient:
    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = "https://api.duffel.com",
        timeouts: Timeouts | None = None,
        transport: httpx.BaseTransport | None = None,
        max_attempts: int = 3,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._sleep = sleep
        self._clock = clock
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            headers={
                "Authorization": f"Bearer {access_token}",
                "Duffel-Version": "v2",
                "Accept": "application/json",
                "User-Agent": "farebridge-duffel/1",
            },
        )

    def close(self) -> None:
        self._http.close()

    # --- calls --------------------------------------------------------------
    def get(self, path: str, params: Mapping[str, Any] | None = None, *, timeout: float) -> Json:
        return self._call("GET", path, params=params, body=None, timeout=timeout, safe=True)

    def post(
        self,
        path: str,
        data: Json | None,
        *,
        timeout: float,
        safe: bool,
        params: Mapping[str, Any] | None = None,
    ) -> Json:
        """POST ``{"data": data}``; ``safe`` says whether it may be sent twice."""
        body = None if data is None else {"data": data}
        return self._call("POST", path, params=params, body=body, timeout=timeout, safe=safe)

    def list_all(
        self, path: str, params: Mapping[str, Any], *, timeout: float, at_most: int
    ) -> tuple[list[Json], bool]:
        """Every item of a list (``meta.after`` cursors), up to ``at_most``; the bool says
        whether more were left."""
        items: list[Json] = []
        query = {**params, "limit": min(PAGE_LIMIT, at_most)}
        while True:
            page = self.get(path, query, timeout=timeout)
            items.extend(page.get("data") or [])
            after = (page.get("meta") or {}).get("after")
            if len(items) >= at_most:
                return items[:at_most], bool(after) or len(items) > at_most
            if not after:
                return items, False
            query = {**query, "after": after}

    # --- the one place requests are sent ------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        body: Json | None,
        timeout: float,
        safe: bool,
    ) -> Json:
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self._max_attempts
            try:
                response = self._http.request(
                    method, path, params=params, json=body, timeout=timeout
                )
            except httpx.TimeoutException as exc:
                if safe and not last:
                    self._sleep(self._backoff * attempt)
                    continue
                raise UpstreamTimeout(f"Duffel did not answer {method} {path} in time.") from exc
            except httpx.ConnectError as exc:  # nothing was sent: safe to say so
                if safe and not last:
                    self._sleep(self._backoff * attempt)
                    continue
                raise UpstreamUnavailable(f"Duffel could not be reached: {exc}.") from exc
            except httpx.TransportError as exc:  # sent, then lost: outcome unknown
                if safe and not last:
                    self._sleep(self._backoff * attempt)
                    continue
                raise UpstreamTimeout(f"The connection to Duffel failed: {exc}.") from exc
            if response.status_code < 400:
                return _json(response)
            retry_in = self._retry_delay(response, attempt, safe=safe)
            if retry_in is None or last:
                raise self._failure(response, safe=safe, method=method, path=path)
            self._sleep(retry_in)

    def _retry_delay(self, response: httpx.Response, attempt: int, *, safe: bool) -> float | None:
        """Seconds to wait before the next attempt; None: do not retry."""
        status = response.status_code
        if status == 429:  # refused before any work: every call may wait and retry
            return self._rate_limit_wait(response.headers, attempt)
        if safe and status in RETRYABLE_STATUSES:
            return self._backoff * attempt
        return None

    def _rate_limit_wait(self, headers: httpx.Headers, attempt: int) -> float:
        wait: float | None = None
        reset = headers.get("ratelimit-reset")
        if reset:
            try:
                wait = (parsedate_to_datetime(reset) - self._clock()).total_seconds()
            except (TypeError, ValueError):
                wait = None
        retry_after = headers.get("retry-after")
        if wait is None and retry_after and retry_after.strip().isdigit():
            wait = float(retry_after)
        if wait is None and headers.get("ratelimit-remaining", "").strip() not in ("", "0"):
            wait = 0.0  # some requests are still allowed in this window
        if wait is None:
            wait = self._backoff * attempt
        return min(max(wait, 0.0), MAX_RATE_LIMIT_WAIT_SECONDS)

    @staticmethod
    def _failure(response: httpx.Response, *, safe: bool, method: str, path: str) -> Exception:
        if not safe and response.status_code >= 500:
            return UpstreamTimeout(
                f"Duffel answered {response.status_code} to {method} {path}; "
                "whether it was done is unknown."
            )
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        return error_from_response(response.status_code, body)


def _json(response: httpx.Response) -> Json:
    if response.status_code == 204 or not response.content:
        return {}
    try:
        body = response.json()
    except ValueError as exc:
        raise UpstreamUnavailable("Duffel answered with something that is not JSON.") from exc
    if not isinstance(body, dict):
        raise UpstreamUnavailable("Duffel answered with an unexpected body.")
    return body

"""Webhook deliveries over HTTP (httpx): short timeouts, no redirects followed."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from farebridge.domain.errors import UpstreamUnavailable


class HttpWebhookSender:
    def __init__(self, *, timeout_seconds: float = 5.0) -> None:
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 3.0)),
            follow_redirects=False,
        )

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            response = self._client.post(url, content=body, headers=dict(headers))
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(
                f"The webhook receiver could not be reached: {type(exc).__name__}.",
                code="webhook_unreachable",
            ) from exc
        return response.status_code

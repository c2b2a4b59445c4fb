"""Input hygiene for every dialect, before routing (issue 13, ADR 0027).

One ASGI middleware on the root application:

- caps the request body at ``FAREBRIDGE_MAX_BODY_BYTES`` (413 ``payload_too_large``
  from the declared Content-Length, or as soon as a streamed body goes past it);
- answers 404 for a path with a NUL, another control character or a bidi override
  (no id holds one, so it names nothing);
- refuses those characters in every query parameter, in the ``Idempotency-Key``
  header and in every string (keys included) of a JSON or form body (400
  ``invalid_character`` naming the field);
- refuses card numbers (Luhn-valid 13-19 digits with any separators) in every
  string of a body and in the idempotency key (400 ``card_number_refused``).

Each refusal is a domain error rendered by the exception handler of the dialect
mounted at the path's prefix (:mod:`farebridge.api.refusals`), so each dialect
answers in its own error body. Paths
outside the dialects (``/hooks/duffel``, signed by Duffel, and ``/health``) only get
the size cap.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from farebridge.api.refusals import Refusals, own_path
from farebridge.domain import errors as e
from farebridge.domain.hygiene import check_text, forbidden_character, strings_in

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Fields (anywhere in their path) in which a 13-19 digit run is expected and is no
# card number: phone numbers in any shape, and passwords (hashed, never shown).
NOT_FREE_TEXT = ("phone", "password")


class HygieneMiddleware:
    """``dialects``: (prefix, sub-application) pairs; their handler for domain
    errors renders a refusal. ``fallback`` renders refusals elsewhere."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        dialects: Sequence[tuple[str, Any]],
        fallback: Any | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.refusals = Refusals(dialects, fallback)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        owner = self.refusals.dialect_of(own_path(scope))
        try:
            body_receive = await self._buffer_body(scope, receive)
            if owner is not None:
                self._check_request(scope, body_receive.body)
        except e.FarebridgeError as refusal:
            await self.refusals.refuse(scope, receive, send, refusal)
            return
        await self.app(scope, body_receive, send)

    async def _buffer_body(self, scope: Scope, receive: Receive) -> _Replay:
        headers = _headers(scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise PayloadTooLarge(self.max_body_bytes)
        if scope.get("method", "GET") not in BODY_METHODS and not declared:
            return _Replay(b"", receive)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _Replay(b"".join(chunks), receive, disconnected=message)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise PayloadTooLarge(self.max_body_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return _Replay(b"".join(chunks), receive)

    def _check_request(self, scope: Scope, body: bytes) -> None:
        path = own_path(scope)
        if forbidden_character(path, free_text=False) is not None:
            # An id with a control character names nothing: 404, as for any unknown id.
            raise e.NotFound("No such resource.", code="not_found")
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8"):
            name_ok = forbidden_character(name, free_text=False) is None
            check_text(name, field=name if name_ok and name else "query", free_text=False)
            if forbidden_character(value, free_text=False) is not None:
                check_text(value, field=name, free_text=False)
        key = _headers(scope).get("idempotency-key")
        if key is not None:
            check_text(key, field="Idempotency-Key", free_text=False)
        if body:
            self._check_body(_headers(scope).get("content-type", ""), body)

    def _check_body(self, content_type: str, body: bytes) -> None:
        if "x-www-form-urlencoded" in content_type:
            text = body.decode("utf-8", errors="replace")
            for name, value in parse_qsl(text, keep_blank_values=True):
                check_text(name, field="form", free_text=False)
                _check_field(name, value)
            return
        if "multipart/" in content_type:
            return
        try:
            document = json.loads(body)
        except ValueError:
            return  # the dialect answers malformed JSON in its own words
        except RecursionError as exc:
            raise e.InvalidRequest(
                "The JSON body is nested too deeply.", code="json_too_deep"
            ) from exc
        for where, text in strings_in(document):
            _check_field(where.removeprefix("data.") or None, text)


def _check_field(field: str | None, text: str) -> None:
    if any(word in (field or "").lower() for word in NOT_FREE_TEXT):
        if forbidden_character(text) is not None:
            check_text(text, field=field)
        return
    check_text(text, field=field)


class PayloadTooLarge(e.PayloadTooLarge):
    """The body is bigger than ``FAREBRIDGE_MAX_BODY_BYTES`` (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The request body is larger than {limit} bytes; send less (metadata is at "
            "most 50 keys of 500 characters).",
        )
        self.limit = limit


class _Replay:
    """Hands the buffered body to the application once, then the client's messages."""

    def __init__(self, body: bytes, receive: Receive, disconnected: Message | None = None) -> None:
        self.body = body
        self._receive = receive
        self._pending: Message | None = {"type": "http.request", "body": body, "more_body": False}
        self._disconnected = disconnected

    async def __call__(self) -> Message:
        if self._pending is not None:
            message, self._pending = self._pending, None
            return message
        if self._disconnected is not None:
            return self._disconnected
        return await self._receive()


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", [])
    }


def declare_refusals(document: dict[str, Any]) -> None:
    """Declare what the middleware answers in an OpenAPI document: 400 on every
    operation (a refused character can come in any query string) and 413 on every
    operation with a request body, with the schema of the operation's own 400."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _declare(operation, has_body=method in {"post", "put", "patch", "delete"})


def _declare(operation: dict[str, Any], *, has_body: bool) -> None:
    responses: dict[str, Any] = operation["responses"]
    model = next(
        (responses[key] for key in ("400", "422", "404", "default") if key in responses), None
    )
    content = {} if model is None else dict(model.get("content", {}))
    if "400" not in responses:
        responses["400"] = {
            "description": "Invalid input: a refused character (ADR 0027)",
            "content": content,
        }
    if has_body and "requestBody" in operation and "413" not in responses:
        responses["413"] = {
            "description": "The request body is larger than FAREBRIDGE_MAX_BODY_BYTES",
            "content": dict(responses["400"].get("content", content)),
        }

"""Passport numbers encrypted at rest (ADR 0027).

Every JSON document the store keeps that can hold passengers (an order's payload,
an Allmyles session's booking) has its ``identity_documents[].unique_identifier``
sealed with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) before it is
written, and opened when it is read: the domain and the services see the number (the
airline needs it to book), the database never does. Responses, logs, PDFs and emails
only ever show :attr:`IdentityDocument.masked_identifier`.

The key comes from ``FAREBRIDGE_DATA_KEY``: any secret text, comma-separated for
rotation (the first seals, every one opens). Each is stretched to a Fernet key with
SHA-256. A sealed value is ``"enc:v1:" + token``; a value without the prefix (a row
written before migration 0025) is read as it is.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc:v1:"
# The development default: start-up warns when it is used with PostgreSQL (ADR 0027).
DEVELOPMENT_DATA_KEY = "dev-only-data-key-change-me"
_DOCUMENTS = "identity_documents"
_NUMBER = "unique_identifier"
# A tuple, not ``dict | list``: isinstance takes twice as long with a union, and this
# is asked of every value of every payload read or written.
_CONTAINERS = (dict, list)


class DataKeyError(RuntimeError):
    """A sealed value that none of the configured keys opens."""


class DataCipher:
    def __init__(self, secrets: str = DEVELOPMENT_DATA_KEY) -> None:
        keys = [part.strip() for part in secrets.split(",") if part.strip()]
        if not keys:
            raise ValueError("FAREBRIDGE_DATA_KEY is empty")
        self._fernet = MultiFernet([Fernet(_fernet_key(key)) for key in keys])

    def seal(self, text: str) -> str:
        if text.startswith(PREFIX):
            return text
        return PREFIX + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, text: str) -> str:
        if not text.startswith(PREFIX):
            return text
        try:
            return self._fernet.decrypt(text[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise DataKeyError(
                "A passport number was sealed with a key that FAREBRIDGE_DATA_KEY does not "
                "hold (add the old key after the new one, comma-separated)."
            ) from exc

    def seal_documents(self, document: Any) -> Any:
        """A JSON ``document`` with every passport number sealed; ``document`` itself is
        left as it is (what holds no number may be shared with it)."""
        return _map_numbers(document, self.seal)

    def open_documents(self, document: Any) -> Any:
        """A JSON ``document`` with every passport number opened; ``document`` itself is
        left as it is (what holds no number may be shared with it)."""
        return _map_numbers(document, self.open)


@cache
def development_cipher() -> DataCipher:
    """The cipher of the development key (tests, and stores built without settings): one
    for the process, so that what is decoded with it can be reused (store/orders)."""
    return DataCipher(DEVELOPMENT_DATA_KEY)


def is_development_key(secrets: str) -> bool:
    return DEVELOPMENT_DATA_KEY in (part.strip() for part in secrets.split(","))


def _fernet_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(
        hashlib.sha256(b"farebridge-data-key:" + secret.encode()).digest()
    )


def _map_numbers(value: Any, change: Any) -> Any:
    """``value`` with ``change`` applied to every passport number: the containers on the
    way to one are copied, everything else is shared with ``value`` (an order's payload
    is a few hundred values, of which a handful are passport numbers)."""
    if isinstance(value, dict):
        copied: dict[str, Any] | None = None
        for name, item in value.items():
            if name == _DOCUMENTS and isinstance(item, list):
                mapped: Any = [_map_document(doc, change) for doc in item]
            elif isinstance(item, _CONTAINERS):
                mapped = _map_numbers(item, change)
                if mapped is item:
                    continue
            else:
                continue
            if copied is None:
                copied = dict(value)
            copied[name] = mapped
        return value if copied is None else copied
    if isinstance(value, list):
        items = [_map_numbers(item, change) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def _map_document(document: Any, change: Any) -> Any:
    if isinstance(document, dict) and isinstance(document.get(_NUMBER), str):
        return {**document, _NUMBER: change(document[_NUMBER])}
    return document

"""Structured logs (structlog) with the request id, and passport numbers masked."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

import structlog

_SENSITIVE_KEYS = {"password", "card_token", "unique_identifier", "passport", "authorization"}
_LONG_DIGITS = re.compile(r"\b\d{12,19}\b")
# Libraries whose INFO lines are their own working notes, not the engine's events:
# fontTools logged 58 lines for every e-ticket it subset the fonts of.
QUIET_LIBRARIES = ("fontTools",)


def mask_sensitive(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Passwords, tokens and passport numbers keep only their last 3 characters."""
    for key, value in list(event.items()):
        if key in _SENSITIVE_KEYS and value:
            text = str(value)
            event[key] = "*" * max(len(text) - 3, 3) + text[-3:]
        elif isinstance(value, str) and _LONG_DIGITS.search(value):
            event[key] = _LONG_DIGITS.sub("[redacted]", value)
    return event


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    logging.basicConfig(format="%(message)s", level=level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            mask_sensitive,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )

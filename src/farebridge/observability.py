"""Structured logs (structlog) with the request id, and passport numbers masked."""

from __future__ import annotations

import json as jsonlib
import logging
import re
from collections.abc import MutableMapping
from typing import Any

import orjson
import structlog

_SENSITIVE_KEYS = {"password", "card_token", "unique_identifier", "passport", "authorization"}
_LONG_DIGITS = re.compile(r"\b\d{12,19}\b")
# Libraries whose INFO lines are their own working notes, not the engine's events:
# fontTools logged 58 lines for every e-ticket it subset the fonts of.
QUIET_LIBRARIES = ("fontTools",)


def mask_sensitive(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Passwords, tokens and passport numbers keep only their last 3 characters; runs of
    12 to 19 digits (card numbers) in any other text are redacted."""
    masked = _SENSITIVE_KEYS.intersection(event)
    for key in masked:
        value = event[key]
        if value:
            text = str(value)
            event[key] = "*" * max(len(text) - 3, 3) + text[-3:]
    texts = [
        (key, value)
        for key, value in event.items()
        if isinstance(value, str) and key not in masked and len(value) >= 12
    ]
    # One search over them all (most events carry no long number); a newline is not a
    # digit, so no run spans two of them.
    if texts and _LONG_DIGITS.search("\n".join(value for _, value in texts)):
        for key, value in texts:
            event[key] = _LONG_DIGITS.sub("[redacted]", value)
    return event


# Dataclasses and datetimes go to structlog's fallback (their repr) as with the standard
# library: orjson would write every field of a dataclass, those left out of its repr too
# (an SMTP password, say).
_AS_BEFORE = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def _json(event: Any, **options: Any) -> str:
    """orjson, a few times faster than the standard library for an access log line;
    what orjson refuses (an integer past 64 bits) goes to the standard library."""
    try:
        return orjson.dumps(event, default=options.get("default"), option=_AS_BEFORE).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return jsonlib.dumps(event, **options)


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    logging.basicConfig(format="%(message)s", level=level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    renderer: Any = (
        structlog.processors.JSONRenderer(_json)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
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

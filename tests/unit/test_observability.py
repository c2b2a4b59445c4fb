"""The log processors: secrets masked, card numbers redacted, every line valid JSON."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import structlog

from farebridge.observability import configure_logging, mask_sensitive
from farebridge.outbound.mail import SmtpConfig


def _masked(**event: object) -> dict[str, object]:
    return dict(mask_sensitive(None, "info", dict(event)))


def test_secrets_keep_their_last_three_characters() -> None:
    event = _masked(password="hunter2000", passport="K47115XQ2", authorization="", n=5)
    assert event == {"password": "*******000", "passport": "******XQ2", "authorization": "", "n": 5}


def test_a_short_secret_is_still_masked() -> None:
    assert _masked(card_token="ab")["card_token"] == "***ab"


@pytest.mark.parametrize("digits", [12, 16, 19])
def test_a_card_number_in_any_text_is_redacted(digits: int) -> None:
    number = "4" * digits
    event = _masked(path=f"/pay/{number}", other="no number here at all", note=f"x {number}")
    assert event == {
        "path": "/pay/[redacted]",
        "other": "no number here at all",
        "note": "x [redacted]",
    }


@pytest.mark.parametrize("text", ["12345678901", "4" * 20, "ord_012345678901234"])
def test_other_numbers_are_left(text: str) -> None:
    assert _masked(path=text) == {"path": text}


def test_numbers_in_two_fields_never_join_into_one() -> None:
    # six digits at the end of one field, six at the start of the next (both long
    # enough to be searched)
    event = {"a": "order ref x 123456", "b": "654321 y trailing"}
    assert _masked(**event) == event


def test_every_line_is_json_even_with_what_orjson_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    try:
        log = structlog.get_logger("test")
        log.info("big", value=2**70, amount=Decimal("1.5"), card="pay 4111111111111111")
        log.info("small", value=3)
        lines = capsys.readouterr().out.splitlines()
    finally:
        configure_logging()  # as tests/conftest.py leaves it
    first, second = (json.loads(line) for line in lines[-2:])
    assert first["value"] == 2**70
    assert first["amount"] == "Decimal('1.5')"
    assert first["card"] == "pay [redacted]"
    assert first["event"] == "big" and first["level"] == "info"
    assert second["value"] == 3


def test_a_dataclass_is_logged_as_its_repr_which_keeps_secrets_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", json=True)
    try:
        config = SmtpConfig("smtp.test", 25, False, False, "u", password="s3cret-pass")
        structlog.get_logger("test").info("mail", config=config, when=date(2026, 12, 8))
        line = json.loads(capsys.readouterr().out.splitlines()[-1])
    finally:
        configure_logging()
    assert line["config"] == repr(config)
    assert "s3cret-pass" not in json.dumps(line)
    assert line["when"] == repr(date(2026, 12, 8))

"""What the benchmarks share to run farebridge as processes of its own and book on it:
a free port, waiting for ``/health``, stopping, and an instant order's body."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Sequence
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_health(
    base: str, processes: Sequence[subprocess.Popen[bytes]], *, seconds: float = 180
) -> None:
    """Until ``base``/health answers 200 (a start-up on a busy shared box can take a
    minute); stops the processes and exits if one dies or it takes longer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            stop(processes)
            raise SystemExit("the API exited at start")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(processes)
    raise SystemExit("the API did not start")


def stop(processes: Sequence[subprocess.Popen[bytes]], *, seconds: float = 30) -> None:
    """SIGTERM to each, then SIGKILL to any still running after ``seconds``."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()


def instant_order_body(
    offer: dict[str, Any],
    token: str = "tok_visa",  # noqa: S107 - a sandbox test card
) -> dict[str, Any]:
    """One adult with a passport, email and phone (what any airline's form asks), paid by
    card: the amount due with the card's surcharge
    as the offer quotes it (tok_visa is a Visa; decline tokens carry none)."""
    amount = offer["total_amount"]
    if token == "tok_visa":
        fees = (s for s in offer["card_surcharges"] if s["card_type"] == "VI")
        amount = next((s["amount_due"] for s in fees), amount)
    passenger = {
        "id": offer["passengers"][0]["id"],
        "type": "adult",
        "title": "ms",
        "given_name": "Amelia",
        "family_name": "Earhart",
        "born_on": "1987-07-24",
        "gender": "f",
        "email": "amelia@test.com",
        "phone_number": "+15550109999",
        "identity_documents": [
            {
                "type": "passport",
                "unique_identifier": "X1234567",
                "issuing_country_code": "US",
                "expires_on": "2040-01-01",
            }
        ],
    }
    payment = {
        "type": "card",
        "card_token": token,
        "amount": amount,
        "currency": offer["total_currency"],
    }
    return {
        "type": "instant",
        "selected_offers": [offer["id"]],
        "passengers": [passenger],
        "payments": [payment],
    }

"""The official Duffel JavaScript client (``@duffel/api``, pinned in ``js/package.json``)
driving whole flows against a live farebridge at ``/duffel``.

Each test runs ``node js/flows.mjs <flow>`` (the flows and their checks live there) and
asserts that it exits 0 and reports every check passed. ``make test`` installs the
client with ``npm ci`` first; run ``make test`` (or ``npm ci`` in ``js/``) if a test
says ``node_modules`` is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS_DIR = Path(__file__).parent / "js"
FLOWS = JS_DIR / "flows.mjs"
CLIENT = JS_DIR / "node_modules" / "@duffel" / "api" / "package.json"
TIMEOUT_SECONDS = 240

# A machine without Node.js skips these tests, as one without Chromium skips the browser
# test; CI sets FAREBRIDGE_REQUIRE_NODE=1 (in .ci/run), so there a missing Node fails.
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None and os.environ.get("FAREBRIDGE_REQUIRE_NODE") != "1",
    reason="Node.js is not installed (the official Duffel JS client runs on it)",
)


def run_flow(flow: str, duffel_url: str, api_key: str) -> dict[str, Any]:
    """Run one flow; its JSON report, after asserting it passed."""
    __tracebackhide__ = True
    node = shutil.which("node")
    assert node is not None, "node is not on PATH; the Duffel JS client tests need Node 18+"
    assert CLIENT.is_file(), (
        f"{CLIENT.parent} is missing: run `make test` (it runs `npm ci` in {JS_DIR}) "
        f"or `cd {JS_DIR} && npm ci`"
    )
    env = {
        **os.environ,
        "DUFFEL_BASE_URL": duffel_url,
        "DUFFEL_ACCESS_TOKEN": api_key,
    }
    try:
        done = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
            [node, str(FLOWS), flow],
            cwd=JS_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"flow {flow} did not finish in {TIMEOUT_SECONDS} s: {expired.stdout!r}")
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"flow {flow} printed no JSON report (exit {done.returncode}).\n"
            f"stdout: {done.stdout[-3000:]}\nstderr: {done.stderr[-3000:]}"
        )
    if done.returncode != 0 or not report.get("ok"):
        details = json.dumps(report.get("failed") or {}, indent=1)[:6000]
        pytest.fail(f"flow {flow} failed (exit {done.returncode}):\n{details}")
    assert report["flow"] == flow
    assert report["checks"], "the flow checked nothing"
    assert all(c["ok"] for c in report["checks"])
    return report


def checked(report: dict[str, Any]) -> set[str]:
    return {c["check"] for c in report["checks"]}


def test_book_and_cancel(duffel_url: str, api_key: str) -> None:
    report = run_flow("book_and_cancel", duffel_url, api_key)
    assert {
        "order total is offer total + services",
        "order has the seat service",
        "one e-ticket per passenger",
        "confirmed cancellation has confirmed_at",
        "order has cancelled_at",
    } <= checked(report)
    assert report["results"]["offers_seen_by_generator"] > 50  # more than one page


def test_hold_and_pay(duffel_url: str, api_key: str) -> None:
    report = run_flow("hold_and_pay", duffel_url, api_key)
    assert {
        "hold order is awaiting payment",
        "orders awaiting payment include the hold",
        "payment amount is the order total",
        "paid order is no longer awaiting payment",
    } <= checked(report)
    assert report["results"]["tickets"]["count"] == 1


def test_update_metadata(duffel_url: str, api_key: str) -> None:
    report = run_flow("update_metadata", duffel_url, api_key)
    assert {"orders.update sets the metadata", "the metadata is stored"} <= checked(report)


def test_change(duffel_url: str, api_key: str) -> None:
    report = run_flow("change", duffel_url, api_key)
    assert {
        "orderChangeOffers.list returns offers",
        "confirmed change has confirmed_at",
        "the order now departs on the new date",
    } <= checked(report)


def test_errors(duffel_url: str, api_key: str) -> None:
    report = run_flow("errors", duffel_url, api_key)
    codes = {name: shape["code"] for name, shape in report["results"]["errors"].items()}
    assert codes["instant_wrong_amount"] == "payment_amount_does_not_match_order_amount"
    assert codes["payment_wrong_amount"] == "payment_amount_does_not_match_order_amount"
    assert codes["already_paid"] == "already_paid"
    assert codes["sold_out_last_seats"] == "offer_no_longer_available"
    assert codes["sold_out_fault"] == "offer_no_longer_available"
    assert codes["price_changed"] == "price_changed"
    assert report["results"]["errors"]["not_found"]["status"] == 404


def test_reference_data(duffel_url: str, api_key: str) -> None:
    report = run_flow("reference_data", duffel_url, api_key)
    for kind in ("airports", "airlines", "aircraft"):
        assert report["results"][kind]["generator_read"] > 50
    assert {"LON", "LHR"} & set(report["results"]["suggestions"])


def test_webhooks(duffel_url: str, api_key: str) -> None:
    report = run_flow("webhooks", duffel_url, api_key)
    assert {"webhooks.ping succeeds", "the webhook is gone"} <= checked(report)

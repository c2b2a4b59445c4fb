"""The root app around the dialects: request ids, /health, crashes and unknown paths."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.domain.offer import Offer
from farebridge.settings import Settings
from tests.e2e.conftest import first_offer, search
from tests.e2e.test_error_table import assert_error


def test_health_and_request_ids(client: TestClient) -> None:
    health = client.get("/health", headers={"x-request-id": "req-from-the-caller"})
    assert health.json() == {"status": "ok"}
    assert health.headers["x-request-id"] == "req-from-the-caller"
    replaced = client.get("/health", headers={"x-request-id": "short"})
    assert replaced.headers["x-request-id"].startswith("req_")


def test_paths_outside_every_dialect_are_native_404s(client: TestClient) -> None:
    assert_error(client.get("/nothing-here"), 404, "not_found")
    assert_error(client.delete("/api/me"), 405, "method_not_allowed")


class _CrashingProvider:
    """The sandbox, except that re-checking an offer hits a bug."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def recheck_offer(self, offer: Offer, **_options: Any) -> Offer:
        raise RuntimeError("a bug")


def test_a_crash_is_a_500_in_the_envelope_with_the_request_id(
    engine: Engine, settings: Settings
) -> None:
    sandbox = build(settings, engine=engine).providers.get("sandbox")
    services = build(settings, engine=engine, providers=[_CrashingProvider(sandbox)])  # type: ignore[list-item]
    with TestClient(create_app(services, settings), raise_server_exceptions=False) as client:
        offer = first_offer(search(client, {})["offers"])
        crashed = client.get(f"/api/offers/{offer['id']}")
        error = assert_error(crashed, 500, "internal_error")
        assert "a bug" not in crashed.text and error["type"] == "api_error"


class _RecordingProvider:
    """A tracer, meter or logger provider set up by someone else in the process: it notes
    every use FastAPI makes of it."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.asked.append(name)
        raise AttributeError(name)


def test_fastapis_own_telemetry_is_off_in_every_app(
    client: TestClient, auth: dict[str, str], monkeypatch: Any
) -> None:
    """FastAPI's native OpenTelemetry costs each request a look at the global providers
    in every app it passes; farebridge reports through /metrics instead (ADR 0053), so
    even providers set up in the process are never used, in the root app and in every
    dialect's."""
    from opentelemetry import _logs, metrics, trace

    from farebridge.api.app import DIALECTS

    providers = {name: _RecordingProvider() for name in ("tracer", "meter", "logger")}
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: providers["tracer"])
    monkeypatch.setattr(metrics, "get_meter_provider", lambda: providers["meter"])
    monkeypatch.setattr(_logs, "get_logger_provider", lambda: providers["logger"])
    for path in ("/api/me", "/nothing-here", *(f"{d.prefix}/nothing-here" for d in DIALECTS)):
        client.get(path, headers=auth)
    assert {name: p.asked for name, p in providers.items()} == {
        "tracer": [],
        "meter": [],
        "logger": [],
    }

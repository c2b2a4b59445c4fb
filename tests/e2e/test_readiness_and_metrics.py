"""Operations endpoints (ADR 0029): /ready names its failing check, /metrics counts
requests, bookings and job lag, and a job's logs carry the request that caused it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import structlog
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from tests.e2e.conftest import first_offer, instant_order_body, search


def _beat(services: Dependencies, *, ago: timedelta) -> None:
    with services.uow() as uow:
        uow.heartbeats.beat("test-worker", hostname="test", pid=1, now=services.clock.now() - ago)
        uow.commit()


def test_ready_wants_a_recent_worker_heartbeat(client: TestClient, services: Dependencies) -> None:
    none = client.get("/ready")
    assert none.status_code == 503
    assert none.json()["failing"] == ["worker"]
    assert none.json()["checks"]["database"] == "ok"

    Worker(services).heartbeat()
    assert client.get("/ready").status_code == 200
    assert client.get("/ready").json()["status"] == "ready"


def test_ready_fails_on_a_stale_heartbeat(client: TestClient, services: Dependencies) -> None:
    _beat(services, ago=timedelta(minutes=5))  # the default limit is 30 s
    stale = client.get("/ready")
    assert stale.status_code == 503
    assert stale.json()["failing"] == ["worker"]
    assert "s ago" in stale.json()["checks"]["worker"]
    _beat(services, ago=timedelta(seconds=1))
    assert client.get("/ready").status_code == 200


def test_ready_names_the_database_when_it_is_down(settings: Settings, tmp_path: Path) -> None:
    missing = make_engine(f"sqlite:///{tmp_path}/no/such/dir/farebridge.db")
    services = build(settings, engine=missing)
    with TestClient(create_app(services, settings), raise_server_exceptions=False) as client:
        down = client.get("/ready")
        assert client.get("/health").status_code == 200  # liveness checks nothing
    assert down.status_code == 503
    assert "database" in down.json()["failing"]
    assert down.json()["checks"]["database"].startswith("unavailable")


@pytest.mark.parametrize(("port", "ready"), [(6379, True), (1, False)])
def test_ready_checks_redis_when_configured(
    settings: Settings, services: Dependencies, port: int, ready: bool
) -> None:
    configured = settings.model_copy(update={"redis_url": SecretStr(f"redis://127.0.0.1:{port}/0")})
    _beat(services, ago=timedelta(0))
    with TestClient(create_app(services, configured), raise_server_exceptions=False) as client:
        response = client.get("/ready")
    if ready:
        redis = response.json()["checks"].get("redis")
        if redis != "ok":
            pytest.skip(f"no Redis on 127.0.0.1:6379 ({redis})")
        assert response.status_code == 200
    else:
        assert response.status_code == 503
        assert response.json()["failing"] == ["redis"]


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _total(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str) -> float:
    return sum(value for (sample, _labels), value in samples.items() if sample == name)


def test_metrics_count_bookings_requests_and_job_lag(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    before = _samples(client)
    offer = first_offer(search(client, auth)["offers"])
    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    after = _samples(client)
    bookings = ("farebridge_bookings_total", (("provider", "sandbox"),))
    assert after[bookings] == before.get(bookings, 0.0) + 1
    assert _total(after, "http_requests_total") > _total(before, "http_requests_total")
    assert _total(after, "http_request_duration_seconds_count") > 0
    assert ("farebridge_job_lag_seconds", ()) in after
    worker.drain()
    done = _samples(client)
    assert _total(done, "farebridge_jobs_total") > _total(after, "farebridge_jobs_total")


def test_requests_are_counted_by_the_template_of_the_route_that_answered(
    client: TestClient, auth: dict[str, str]
) -> None:
    offer = first_offer(search(client, auth)["offers"])
    created = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert created.status_code == 201, created.text
    order_id = created.json()["data"]["id"]
    for _ in range(2):
        assert client.get(f"/api/orders/{order_id}", headers=auth).status_code == 200
    assert client.get("/api/orders/ord_nobody", headers=auth).status_code == 404
    assert client.get(f"/api/orders/{order_id}").status_code == 401
    assert client.delete(f"/api/orders/{order_id}", headers=auth).status_code == 405
    assert client.get("/duffel/air/orders/ord_nobody", headers=auth).status_code in (401, 404)
    assert client.get(f"/no/such/path/{order_id}").status_code == 404
    assert client.get(f"/api/no/such/path/{order_id}", headers=auth).status_code == 404
    assert client.get("/health").status_code == 200
    samples = _samples(client)
    counted = {
        labels: value for (name, labels), value in samples.items() if name == "http_requests_total"
    }

    def count(method: str, status: str, handler: str) -> float:
        return counted.get((("handler", handler), ("method", method), ("status", status)), 0.0)

    assert count("GET", "2xx", "/api/orders/{order_id}") == 2
    assert count("GET", "4xx", "/api/orders/{order_id}") == 2  # the 404 and the 401
    assert count("DELETE", "4xx", "/api/orders/{order_id}") == 1  # 405: the path's route
    assert count("POST", "2xx", "/api/orders") == 1
    assert count("POST", "2xx", "/api/offer-requests") == 1
    assert count("GET", "4xx", "/duffel/air/orders/{order_id}") == 1  # another mount
    assert count("GET", "4xx", "none") == 2  # no route, in a mount or not: one label
    handlers = {dict(labels)["handler"] for labels in counted}
    assert not handlers & {"/health", "/ready", "/metrics"}
    assert not any(order_id in handler for handler in handlers)
    latency = (
        "http_request_duration_seconds_count",
        (("handler", "/api/orders/{order_id}"), ("method", "GET")),
    )
    assert samples[latency] == 4
    assert samples[("http_request_duration_highr_seconds_count", ())] >= 8


def test_job_logs_carry_the_request_id(
    client: TestClient, auth: dict[str, str], worker: Worker, capfd: pytest.CaptureFixture[str]
) -> None:
    """Read from the output itself, not with structlog's ``capture_logs``: a logger that
    structlog cached before something in the test process configured logging again keeps
    the earlier processors, and capture_logs does not see it (which loggers those are
    depends on the test order)."""
    offer = first_offer(search(client, auth)["offers"])
    headers = {**auth, "x-request-id": "req-booking-for-jobs-1"}
    created = client.post("/api/orders", json=instant_order_body(offer), headers=headers)
    assert created.status_code == 201, created.text
    structlog.contextvars.clear_contextvars()  # the worker is another process
    capfd.readouterr()
    assert worker.drain() > 0
    output = capfd.readouterr()
    runs = [
        line
        for line in (output.out + output.err).splitlines()
        if " job.done " in line or " job.failed " in line
    ]
    assert runs
    assert all("request_id=req-booking-for-jobs-1" in line for line in runs), runs
    assert all("job_id=" in line and "job_kind=" in line for line in runs), runs
    assert structlog.contextvars.get_contextvars() == {}  # nothing leaks past the run

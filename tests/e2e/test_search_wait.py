"""A search asked to wait (``return_offers=true``) that runs in the request answers as soon
as it has run: no polling sleep (issue 14: each such search used to sleep 50 ms because
it re-read the request only after the first nap)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from farebridge.services import search as search_service
from tests.e2e.conftest import register, search


def test_a_search_run_in_the_request_does_not_sleep(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = register(client)
    naps: list[float] = []
    monkeypatch.setattr(search_service.time, "sleep", naps.append)

    data = search(client, headers)

    assert data["offers"], "the search found nothing"
    assert naps == []

"""The presenters of the hot paths build their models the short way (ADR 0041).

``WireModel.model_construct`` skips Pydantic's own when a presenter names every field
in the model's order; a presenter whose keyword order drifts from its model's falls
back to Pydantic's, correct but twice as slow. A search, a re-check, a booking and an
order read must not fall back, on either database.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.api.dialects.native.models import common
from tests.e2e.conftest import instant_order_body, search


def test_the_hot_paths_never_fall_back_to_pydantic_construct(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow: Counter[str] = Counter()
    fast = Counter[str]()
    own = common.WireModel.model_construct.__func__  # type: ignore[attr-defined]

    def counting(cls: type[common.WireModel], _fields_set: Any = None, **values: Any) -> Any:
        order = common._field_order(cls)
        (fast if tuple(values) == order else slow)[f"{cls.__name__}{tuple(values)}"] += 1
        return own(cls, _fields_set, **values)

    monkeypatch.setattr(common.WireModel, "model_construct", classmethod(counting))
    offers = search(client, auth, origin="JFK", destination="LHR", days=30)["offers"]
    offer = offers[0]
    assert client.get(f"/api/offers/{offer['id']}", headers=auth).status_code == 200
    booked = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert booked.status_code == 201, booked.text
    order = client.get(f"/api/orders/{booked.json()['data']['id']}", headers=auth)
    assert order.status_code == 200
    assert sum(fast.values()) > 500  # the counter saw the presenters
    assert slow == Counter(), "give these presenters their model's field order"

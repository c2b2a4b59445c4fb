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
from pydantic import BaseModel

from farebridge.api.dialects.native.models.common import WireModel
from tests.e2e.conftest import instant_order_body, search


def test_the_hot_paths_never_fall_back_to_pydantic_construct(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: Counter[str] = Counter()
    fell_back: Counter[str] = Counter()
    short = WireModel.model_construct.__func__  # type: ignore[attr-defined]
    pydantic_own = BaseModel.model_construct.__func__  # type: ignore[attr-defined]

    def building(cls: type[WireModel], _fields_set: Any = None, **values: Any) -> Any:
        built[cls.__name__] += 1
        return short(cls, _fields_set, **values)

    def falling_back(cls: type[BaseModel], _fields_set: Any = None, **values: Any) -> Any:
        if issubclass(cls, WireModel):
            fell_back[f"{cls.__name__}{tuple(values)}"] += 1
        return pydantic_own(cls, _fields_set, **values)

    monkeypatch.setattr(WireModel, "model_construct", classmethod(building))
    monkeypatch.setattr(BaseModel, "model_construct", classmethod(falling_back))
    offer = search(client, auth, origin="JFK", destination="LHR", days=30)["offers"][0]
    assert client.get(f"/api/offers/{offer['id']}", headers=auth).status_code == 200
    booked = client.post("/api/orders", json=instant_order_body(offer), headers=auth)
    assert booked.status_code == 201, booked.text
    order = client.get(f"/api/orders/{booked.json()['data']['id']}", headers=auth)
    assert order.status_code == 200
    assert sum(built.values()) > 500  # the spy saw the presenters
    assert fell_back == Counter(), "give these presenters their model's field order"

"""Helpers for the flight_api dialect's tests: the examples of seed 002 and a session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

PREFIX = "/v1/flight_api"
EXAMPLES = Path(__file__).parent / "flight_api_examples"
PASSWORD = "correct-horse"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text())


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def mismatches(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where ``actual`` lacks a field of ``expected`` or has another JSON type there
    (a null in the example allows any type)."""
    if expected is None:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where or '/'}: an object was expected, not {_kind(actual)}"]
        found = []
        for name, value in expected.items():
            if name not in actual:
                found.append(f"{where}/{name}: missing")
            else:
                found.extend(mismatches(value, actual[name], f"{where}/{name}"))
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where or '/'}: a list was expected, not {_kind(actual)}"]
        if expected and actual:
            return mismatches(expected[0], actual[0], f"{where}[0]")
        return []
    if _kind(expected) != _kind(actual):
        return [f"{where}: {_kind(expected)} was expected, not {_kind(actual)}"]
    return []


def register(client: TestClient, username: str = "rakesh", **fields: str) -> dict[str, Any]:
    body = example("002_register_request.json")
    body.update(
        username=username,
        email=f"{username}@test.com",
        password=PASSWORD,
        confirmation=PASSWORD,
        **fields,
    )
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def log_in(client: TestClient, username: str = "rakesh") -> dict[str, str]:
    """Logs ``client`` in (its cookie jar keeps the session); the X-CSRFToken header."""
    response = client.post(f"{PREFIX}/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"X-CSRFToken": response.json()["csrfToken"]}

"""The native OpenAPI document is typed, honest about errors, and checked against traffic."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.e2e.recorder import Recorder

Document = dict[str, Any]


@pytest.fixture
def document(client: TestClient) -> Document:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    body: Document = response.json()
    return body


def operations(document: Document) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def resolve(document: Document, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def untyped(document: Document, schema: dict[str, Any]) -> bool:
    """``{}``, or an object that names no properties."""
    schema = resolve(document, schema)
    if not schema:
        return True
    return schema.get("type") == "object" and not schema.get("properties")


def test_every_success_response_has_a_typed_schema(document: Document) -> None:
    found = []
    for name, operation in operations(document):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            if status == "204":
                assert "content" not in response, name
                continue
            if "application/pdf" in response.get("content", {}):
                assert response["content"]["application/pdf"]["schema"]["format"] == "binary"
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            data = resolve(document, schema or {}).get("properties", {}).get("data", {})
            if schema is None or untyped(document, schema) or untyped(document, data):
                found.append(f"{name} {status}")
    assert not found, f"untyped success responses: {found}"


def test_errors_are_the_envelope_and_never_fastapis_422(document: Document) -> None:
    text = json.dumps(document)
    assert "HTTPValidationError" not in text and "ValidationError" not in text
    envelope = {"$ref": "#/components/schemas/ErrorResponse"}
    for name, operation in operations(document):
        errors = {s: r for s, r in operation["responses"].items() if not s.startswith(("2", "3"))}
        assert {"400", "default"} <= set(errors), name
        for status, response in errors.items():
            assert response["content"]["application/json"]["schema"] == envelope, (name, status)


def test_the_native_document_is_served_at_the_root_too(client: TestClient) -> None:
    for path in ("/docs", "/openapi.json"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 307
        assert response.headers["location"] == f"/api{path}"
    assert "/api/openapi.json" in client.get("/docs").text


def _undeclared_404(document: Document) -> Document:
    changed = copy.deepcopy(document)
    del changed["paths"]["/orders/{order_id}"]["get"]["responses"]["404"]
    return changed


def test_the_recorder_fails_on_an_undeclared_status(
    client: TestClient, auth: dict[str, str], document: Document
) -> None:
    recorder = Recorder(documents={"/api": _undeclared_404(document)})
    recorder.record(client.app, client.get("/api/orders/ord_nope", headers=auth))
    assert recorder.problems == [
        "GET /api/orders/{order_id} 404: the OpenAPI document does not declare this status"
    ]
    recorder = Recorder(documents={"/api": document})
    recorder.record(client.app, client.get("/api/orders/ord_nope", headers=auth))
    assert recorder.problems == []
    assert recorder.seen == {"GET /api/orders/{order_id} 404"}


def test_the_recorder_fails_on_a_body_that_does_not_match(
    client: TestClient, document: Document
) -> None:
    recorder = Recorder(documents={"/api": document})
    request = httpx2.Request("GET", "http://testserver/api/me")
    user = {
        "id": "usr_1",
        "email": "a@b.c",
        "full_name": "",
        "role": "customer",
        "preferred_currency": None,
    }
    recorder.record(client.app, httpx2.Response(200, json={"data": user}, request=request))
    assert len(recorder.problems) == 1
    assert "GET /api/me 200: the body does not match at data" in recorder.problems[0]
    assert "'created_at' is a required property" in recorder.problems[0]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/orders", "GET, POST"),
        ("/api/orders/ord_x", "GET, PATCH"),
        ("/duffel/air/webhooks/whk_x", "DELETE, PATCH"),
        ("/v1/flight_api/bookings/ABC123", "GET, PUT"),
        ("/v1/flight/booking/booking_x", "DELETE, GET, PUT"),
    ],
)
def test_a_405_names_every_method_of_the_path(client: TestClient, path: str, allowed: str) -> None:
    """Starlette names only the methods of the first route that matched the path; RFC
    9110 wants all of them (schemathesis found ``OPTIONS /orders`` → ``Allow: POST``)."""
    response = client.request("TRACE", path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed


def test_the_documents_say_what_the_api_accepts(client: TestClient) -> None:
    """Sandbox-Fault lists the known scenarios; anonymous calls have optional security."""
    document = client.get("/api/openapi.json").json()
    [fault] = [
        p for p in document["paths"]["/offers"]["get"]["parameters"] if p["name"] == "Sandbox-Fault"
    ]
    pattern = re.compile(fault["schema"]["pattern"])
    assert pattern.match("sold_out") and pattern.match("sold_out, timeout") and pattern.match("")
    assert not pattern.match("nonsense") and not pattern.match("sold_out,")
    assert document["paths"]["/offers"]["get"]["security"] == [{}, {"HTTPBearer": []}]
    assert document["paths"]["/orders"]["get"]["security"] == [{"HTTPBearer": []}]
    assert set(document["components"]["securitySchemes"]) == {"HTTPBearer"}

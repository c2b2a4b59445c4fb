"""Every dialect's routes are tried in the order they were added, and the hot ones come
first (issue 14). That is safe only while no two routes of a dialect answer the same
method and path: then the order decides which route is found fastest, never which one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import _IncludedRouter
from starlette.routing import BaseRoute, compile_path

from farebridge.api.app import DIALECTS, create_app
from farebridge.api.dialects import Dialect
from farebridge.api.dialects.native.app import TAG_ORDER
from farebridge.bootstrap import build
from farebridge.settings import Settings


def _example(path: str) -> str:
    """A concrete path for ``path``'s template: every parameter filled in."""
    return re.sub(r"\{[^}]+\}", "x1", path)


def _clashes(paths: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(template, method, other template) for each request two routes of ``paths`` (an
    OpenAPI document's) would both answer."""
    routes = [
        (template, method, compile_path(template)[0])
        for template, operations in paths.items()
        for method in operations
    ]
    return [
        (template, method, other)
        for template, method, _ in routes
        for other, other_method, pattern in routes
        if other != template and other_method == method and pattern.match(_example(template))
    ]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_no_two_routes_answer_the_same_request(dialect: Dialect) -> None:
    paths = dialect.build().openapi()["paths"]
    assert sum(len(operations) for operations in paths.values()) >= 3
    assert _clashes(paths) == []


def test_the_check_finds_a_static_segment_under_a_parameter() -> None:
    """It can fail: ``GET /orders/search`` is also ``GET /orders/{order_id}``."""
    paths = {"/orders/{order_id}": {"get": {}}, "/orders/search": {"get": {}, "post": {}}}
    assert _clashes(paths) == [("/orders/search", "get", "/orders/{order_id}")]


def test_no_route_of_the_root_app_is_under_a_dialect() -> None:
    """The root app mounts the dialects before its own routes: one of its own under a
    dialect's prefix would never be reached."""
    settings = Settings(database_url="sqlite://")
    app = create_app(build(settings), settings)
    prefixes = [dialect.prefix + "/" for dialect in DIALECTS]
    own = [
        context.path
        for route in app.routes
        if isinstance(route, _IncludedRouter)  # FastAPI keeps an included router whole
        for context in route.effective_route_contexts()
    ]
    own += [getattr(route, "path", "") for route in app.routes if isinstance(route, BaseRoute)]
    assert {"/ready", "/hooks/duffel"} <= set(own)
    assert [path for path in own if path.startswith(tuple(prefixes))] == []


def test_the_native_dialect_tries_the_order_routes_first() -> None:
    first = next(iter(DIALECTS[0].build().openapi()["paths"]))
    assert first.startswith("/orders")


def test_the_native_document_keeps_its_sections_in_the_order_of_a_booking() -> None:
    """The routers' order is for speed; the document's sections (tags) stay in TAG_ORDER,
    and every operation is in one of them."""
    document = DIALECTS[0].build().openapi()
    assert [tag["name"] for tag in document["tags"]] == list(TAG_ORDER)
    used = {
        tag
        for operations in document["paths"].values()
        for operation in operations.values()
        for tag in operation.get("tags", [])
    }
    assert used <= set(TAG_ORDER)

"""Every dialect's routes are tried in the order they were added, and the hot ones come
first (issue 14). That is safe only while no two routes of a dialect answer the same
method and path: then the order decides which route is found fastest, never which one."""

from __future__ import annotations

import re

import pytest
from starlette.routing import compile_path

from farebridge.api.app import DIALECTS
from farebridge.api.dialects import Dialect
from farebridge.api.dialects.native.app import TAG_ORDER


def _example(path: str) -> str:
    """A concrete path for ``path``'s template: every parameter filled in."""
    return re.sub(r"\{[^}]+\}", "x1", path)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_no_two_routes_answer_the_same_request(dialect: Dialect) -> None:
    paths = dialect.build().openapi()["paths"]
    routes = [
        (template, method, compile_path(template)[0])
        for template, operations in paths.items()
        for method in operations
    ]
    assert len(routes) >= 3
    clashes = [
        (template, method, other)
        for template, method, _ in routes
        for other, other_method, pattern in routes
        if other != template and other_method == method and pattern.match(_example(template))
    ]
    assert clashes == []


def test_a_static_segment_and_a_parameter_would_clash() -> None:
    """The check above can fail: ``/orders/search`` is also ``/orders/{order_id}``."""
    pattern = compile_path("/orders/{order_id}")[0]
    assert pattern.match(_example("/orders/search"))


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

"""The handler label of the HTTP metrics (api/http_metrics.py, ADR 0046)."""

from __future__ import annotations

from starlette.routing import Mount, Route

from farebridge.api.http_metrics import route_template


def _endpoint() -> None:
    return None


ROUTE = Route("/orders/{order_id}", _endpoint)


def test_the_template_carries_the_mount_that_led_to_it() -> None:
    assert route_template({"route": ROUTE, "root_path": "/api"}) == "/api/orders/{order_id}"
    assert route_template({"route": ROUTE, "root_path": ""}) == "/orders/{order_id}"


def test_the_applications_own_prefix_is_left_out() -> None:
    # Served under /x (a proxy's root path): the label is the same as without it.
    scope = {"route": ROUTE, "root_path": "/x/api"}
    assert route_template(scope, "/x") == "/api/orders/{order_id}"


def test_no_route_is_one_label() -> None:
    assert route_template({"root_path": "/api"}) == "none"
    # a mount whose application found no route: not "/api" + "/api"
    assert route_template({"route": Mount("/api", routes=[]), "root_path": "/api"}) == "none"

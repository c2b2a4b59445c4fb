"""Duffel's HTTP client: retries for safe calls only, rate limits, the error envelope."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from farebridge.domain.errors import (
    FarebridgeError,
    OfferNoLongerAvailable,
    OrderAlreadyCancelled,
    SeatUnavailable,
    UpstreamTimeout,
    UpstreamUnavailable,
    ValidationFailed,
)
from farebridge.providers.duffel.errors import DuffelPriceChanged, error_from_response
from tests.fake_duffel.rig import NOW, Rig, criteria, make_rig
from tests.fake_duffel.server import fixture, timeout


@pytest.fixture
def rig() -> Rig:
    return make_rig()


def test_a_rate_limited_search_waits_until_the_reset_then_succeeds(rig: Rig) -> None:
    reset = format_datetime(NOW + timedelta(seconds=2), usegmt=True)
    limited = httpx.Response(
        429,
        json=fixture("error_rate_limited.json"),
        headers={"ratelimit-reset": reset, "ratelimit-remaining": "0"},
    )
    rig.fake.fail_next("POST", "/air/offer_requests", limited)

    result = rig.provider.search("orq_01OURS", criteria(), now=NOW)

    assert len(result.offers) == 2
    assert len(rig.fake.posts("/air/offer_requests")) == 2
    assert rig.sleeps == [2.0]


def test_retry_after_is_honoured_without_a_reset_header(rig: Rig) -> None:
    rig.fake.fail_next(
        "GET", "/air/offers", httpx.Response(429, json={}, headers={"retry-after": "3"})
    )
    rig.provider.search("orq_01OURS", criteria(), now=NOW)
    assert rig.sleeps == [3.0]


def test_reads_are_retried_on_gateway_errors_and_timeouts(rig: Rig) -> None:
    rig.fake.fail_next("GET", "/air/offers", httpx.Response(503, json={}), timeout)
    result = rig.provider.search("orq_01OURS", criteria(), now=NOW)
    assert len(result.offers) == 2 and len(rig.sleeps) == 2


def test_reads_give_up_after_three_attempts(rig: Rig) -> None:
    rig.fake.fail_next("GET", "/air/offers", *[httpx.Response(502, json={})] * 3)
    with pytest.raises(UpstreamUnavailable):
        rig.provider.search("orq_01OURS", criteria(), now=NOW)
    assert len([c for c in rig.fake.calls if c.path == "/air/offers"]) == 3


def test_a_500_is_not_retried_even_for_a_read(rig: Rig) -> None:
    rig.fake.fail_next("GET", "/air/offers", httpx.Response(500, json={}))
    with pytest.raises(UpstreamUnavailable):
        rig.provider.search("orq_01OURS", criteria(), now=NOW)
    assert len([c for c in rig.fake.calls if c.path == "/air/offers"]) == 1


def _error(name: str, status: int) -> FarebridgeError:
    body: Any = fixture(name)
    return error_from_response(status, body)


@pytest.mark.parametrize(
    ("name", "status", "expected"),
    [
        ("error_offer_no_longer_available.json", 422, OfferNoLongerAvailable),
        ("error_price_changed.json", 422, DuffelPriceChanged),
        ("error_ancillary.json", 422, SeatUnavailable),
        ("error_airline.json", 502, UpstreamUnavailable),
        ("error_already_cancelled.json", 422, OrderAlreadyCancelled),
        ("error_rate_limited.json", 429, UpstreamUnavailable),
    ],
)
def test_duffels_error_codes_become_domain_errors(
    name: str, status: int, expected: type[FarebridgeError]
) -> None:
    assert type(_error(name, status)) is expected


def test_a_validation_error_names_the_field_from_its_pointer() -> None:
    error = _error("error_validation.json", 422)
    assert isinstance(error, ValidationFailed)
    assert error.field == "passengers[0].email"
    assert error.code == "invalid_email_address"


def test_a_validation_error_without_a_pointer_names_source_field() -> None:
    body = {"errors": [{"type": "validation_error", "code": "x", "source": {"field": "email"}}]}
    error = error_from_response(422, body)
    assert isinstance(error, ValidationFailed) and error.field == "email"


def test_an_offer_expired_is_no_longer_available() -> None:
    body = {"errors": [{"type": "invalid_request_error", "code": "offer_expired"}]}
    assert isinstance(error_from_response(422, body), OfferNoLongerAvailable)


def test_a_lost_connection_after_sending_an_order_is_an_unknown_outcome(rig: Rig) -> None:
    def dropped(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("server disconnected", request=request)

    rig.fake.fail_next("POST", "/air/offer_requests", dropped)  # safe: retried
    rig.provider.search("orq_01OURS", criteria(), now=NOW)
    assert len(rig.fake.posts("/air/offer_requests")) == 2
    rig.fake.fail_next("POST", "/air/orders", dropped)  # unsafe: the outcome is unknown
    client = rig.provider._client
    with pytest.raises(UpstreamTimeout):
        client.post("/air/orders", {"selected_offers": []}, timeout=1, safe=False)
    assert len(rig.fake.posts("/air/orders")) == 1

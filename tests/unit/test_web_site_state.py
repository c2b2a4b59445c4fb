"""The pure rules behind the web site's state (ADR 0035): no card number in a draft,
no redirect off the site, and a search that survives its trip through a URL."""

from __future__ import annotations

from datetime import date

import pytest

from farebridge.domain.booking_draft import refuse_card_data
from farebridge.domain.errors import ValidationFailed
from farebridge.services.web_sessions import RedirectRefused, check_redirect
from farebridge.ui import urls
from farebridge.ui.state import Criteria, Journey, Leg, Results, Step

SITE = "http://127.0.0.1:8501"


def test_a_card_number_is_refused_naming_where_it_was() -> None:
    content = {
        "passengers": [
            {"given_name": "Amelia", "phone_number": "+447700900123"},
            {"email": "4242 4242 4242 4242"},
        ]
    }
    with pytest.raises(ValidationFailed) as refused:
        refuse_card_data(content)
    assert refused.value.field == "passengers[1].email"


@pytest.mark.parametrize(
    "url", [f"{SITE}/", f"{SITE}/?step=pay&offer=off_1", SITE, "http://127.0.0.1:8501/x#y"]
)
def test_addresses_of_the_site_are_allowed(url: str) -> None:
    assert check_redirect(url, site_url=SITE) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:8501/",
        "http://127.0.0.1:8502/",
        "http://127.0.0.1/",
        "http://localhost:8501/",
        "http://127.0.0.1:8501.evil.example/",
        "http://user@127.0.0.1:8501/",
        "http://127.0.0.1:8501//evil.example/",
        "http://127.0.0.1:8501/\\evil",
        "http://127.0.0.1:8501/\nSet-Cookie: x",
        "http://127.0.0.1:99999/",
        "ftp://127.0.0.1:8501/",
        "//127.0.0.1:8501/",
    ],
)
def test_other_addresses_are_refused(url: str) -> None:
    with pytest.raises(RedirectRefused):
        check_redirect(url, site_url=SITE)


def _query_params(query: urls.Query) -> dict[str, list[str]]:
    return {k: (v if isinstance(v, list) else [v]) for k, v in query.items()}


@pytest.mark.parametrize(
    "criteria",
    [
        Criteria([Leg("NYC", "LON", date(2027, 1, 20))]),
        Criteria(
            [Leg("NYC", "LON", date(2027, 1, 20)), Leg("LON", "NYC", date(2027, 1, 27))],
            adults=2,
            children=1,
            infants=1,
            cabin_class="business",
            max_connections=0,
            currency="EUR",
            flexible_days=3,
        ),
        Criteria(
            [
                Leg("NYC", "LON", date(2027, 1, 20)),
                Leg("LON", "PAR", date(2027, 1, 24)),
                Leg("PAR", "NYC", date(2027, 1, 30)),
            ]
        ),
    ],
)
def test_a_search_survives_the_url(criteria: Criteria) -> None:
    assert urls.criteria_from(_query_params(urls.criteria_query(criteria))) == criteria


def test_a_return_trip_reads_as_one() -> None:
    query = urls.criteria_query(
        Criteria([Leg("NYC", "LON", date(2027, 1, 20)), Leg("LON", "NYC", date(2027, 1, 27))])
    )
    assert query["return"] == "2027-01-27"
    assert query["from"] == "NYC"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": ["NYC"], "to": ["LON"]},
        {"from": ["NYC"], "to": ["LONDON"], "depart": ["2027-01-20"]},
        {"from": ["NYC"], "to": ["LON"], "depart": ["tomorrow"]},
        {"from": ["NYC", "LON"], "to": ["LON"], "depart": ["2027-01-20"]},
    ],
)
def test_an_incomplete_search_in_the_url_is_none(params: dict[str, list[str]]) -> None:
    assert urls.criteria_from(params) is None


def test_odd_numbers_in_the_url_are_kept_in_range() -> None:
    params = {
        "from": ["nyc"],
        "to": ["lon"],
        "depart": ["2027-01-20"],
        "adults": ["99"],
        "infants": ["-3"],
        "cabin": ["cargo"],
        "stops": ["x"],
    }
    criteria = urls.criteria_from(params)
    assert criteria is not None
    assert (criteria.adults, criteria.infants, criteria.cabin_class) == (9, 0, "economy")
    assert criteria.max_connections == 1
    assert criteria.legs[0].origin == "NYC"


def test_each_step_has_a_name_and_the_url_names_only_what_the_step_shows() -> None:
    journey = Journey(criteria=Criteria([Leg("NYC", "LON", date(2027, 1, 20))]))
    assert urls.journey_query(journey) == {"step": "search"}
    journey.step = Step.SELECT
    assert urls.journey_query(journey)["step"] == "results"
    assert urls.step_from({"step": ["nowhere"]}) == "search"
    assert {urls.STEP_NAMES[name] for name in urls.STEP_NAMES} == set(Step)


@pytest.mark.parametrize(
    "filters",
    [
        urls.NO_FILTERS,
        ("best", 0, "400.00", ("AA", "BA"), (6, 20)),
        ("total_duration", 1, None, ("LH",), (0, 12)),
        ("total_amount", None, "99.50", (), (5, 24)),
    ],
)
def test_the_results_sort_and_filters_survive_the_url(filters: urls.Filters) -> None:
    results = Results()
    results.set_filters(filters)
    assert results.filters() == filters
    query = urls.filters_query(results)
    assert urls.filters_from(query) == filters
    if filters == urls.NO_FILTERS:
        assert query == {}  # the defaults make no parameters


@pytest.mark.parametrize(
    "params",
    [
        {"sort": ["price"]},
        {"max_stops": ["2"]},
        {"max_stops": ["-1"]},
        {"max_price": ["-5"]},
        {"max_price": ["NaN"]},
        {"max_price": ["1e12"]},
        {"max_price": ["cheap"]},
        {"hours": ["20-6"]},
        {"hours": ["0-25"]},
        {"hours": ["6"]},
        {"airline": ["BAW", "", "?!"]},
    ],
)
def test_edited_filters_in_the_url_fall_back_to_the_defaults(
    params: dict[str, list[str]],
) -> None:
    assert urls.filters_from(params) == urls.NO_FILTERS


def test_filters_are_in_the_url_only_on_the_results() -> None:
    journey = Journey(step=Step.SELECT)
    journey.results.sort = "best"
    assert urls.journey_query(journey)["sort"] == "best"
    journey.step = Step.PASSENGERS
    assert "sort" not in urls.journey_query(journey)


def test_every_parameter_a_page_writes_is_a_journey_key() -> None:
    """Signing in or out carries over the address's parameters that no page writes (a
    link's own); a parameter the pages write but ``JOURNEY_KEYS`` lacks would be carried
    over from a stale address instead (``navigation.shown_query``)."""
    written: set[str] = set()
    for step in Step:
        journey = Journey(
            step=step,
            criteria=Criteria(
                [Leg("NYC", "LON", date(2027, 1, 20)), Leg("LON", "NYC", date(2027, 1, 27))],
                currency="EUR",
            ),
            offer_request={"id": "orq_1"},  # type: ignore[arg-type]
            offer={"id": "off_1"},  # type: ignore[arg-type]
            draft_id="bdr_1",
            order={"id": "ord_1"},  # type: ignore[arg-type]
        )
        journey.results.set_filters(("best", 0, "400.00", ("BA",), (6, 20)))
        written |= urls.journey_query(journey).keys()
    one_way = Criteria([Leg("NYC", "LON", date(2027, 1, 20)), Leg("LON", "PAR", date(2027, 2, 1))])
    written |= urls.criteria_query(one_way).keys()
    assert written <= urls.JOURNEY_KEYS, written - urls.JOURNEY_KEYS
    assert {"step", "sort", "offer", "draft", "order", "currency"} <= written

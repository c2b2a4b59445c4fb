"""Signing out sends the browser back to the page shown (ADR 0035): the address is
written from what the session shows, not read from the address bar, which a late
address write of an earlier run can change after Back and Forward; what the page does
not write itself (an account's unsaved currency, a link's own parameters) stays."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote

from streamlit.testing.v1 import AppTest

from farebridge.ui.launch import APP
from tests.ui.conftest import new_account


def _next_address(test: AppTest) -> dict[str, list[str]]:
    scripts = [e.proto.body for e in test.get("html") if "web-session/end" in e.proto.body]
    assert len(scripts) == 1, [e.proto.body for e in test.get("html")]
    found = re.search(
        r'const here = window\.location\.origin \+ window\.location\.pathname \+ "([^"]*)"',
        scripts[0],
    )
    assert found is not None, scripts[0]
    literal = found.group(1).encode().decode("unicode_escape")
    assert "<" not in scripts[0].split("<script>", 1)[1].rsplit("</script>", 1)[0]
    return parse_qs(unquote(literal).lstrip("?"))


def test_sign_out_from_my_trips_returns_to_my_trips_with_what_the_address_carried(
    ui_env: str,
) -> None:
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.query_params.update({"step": "trips", "currency": "EUR", "utm_source": "mail"})
    test.session_state["login"] = new_account(ui_env)
    test.run()
    assert not test.exception, test.exception
    # The address bar says otherwise (a late write): the page shown is what counts.
    test.query_params.update({"step": "confirmation", "order": "ord_late"})
    test.session_state["synced_query"] = None
    # AppTest's context has a (mock) value for every cookie: the sign-out goes through
    # the API as it does in a browser that holds the cookie.
    sign_out = next(b for b in test.sidebar.button if b.key == "sign_out")
    sign_out.click().run()
    assert _next_address(test) == {
        "step": ["trips"],
        "currency": ["EUR"],
        "utm_source": ["mail"],
    }

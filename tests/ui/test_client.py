"""The typed client against the real API: data on success, one ApiError on failure."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from farebridge.ui.client import ApiClient, ApiError
from farebridge.ui.launch import APP
from tests.ui.conftest import PASSWORD, free_port, new_account
from tests.ui.drive import assert_clean, text


def test_errors_carry_status_code_field_and_request_id(api_url: str) -> None:
    client = ApiClient(api_url, token=new_account(api_url).token)
    with pytest.raises(ApiError) as caught:
        client.get_order("ord_missing")
    error = caught.value
    assert (error.status, error.code) == (404, "order_not_found")
    assert error.request_id and error.request_id.startswith("req_")
    with pytest.raises(ApiError) as caught:
        client.create_offer_request({"slices": [], "passengers": [{"type": "adult"}]})
    assert caught.value.status == 400 and caught.value.field == "slices"


def test_an_unreachable_api_is_an_api_error() -> None:
    client = ApiClient(f"http://127.0.0.1:{free_port()}/api", timeout=2)
    with pytest.raises(ApiError) as caught:
        client.suggest_places("lon")
    assert (caught.value.status, caught.value.code) == (0, "unreachable")


def test_the_site_says_so_in_plain_words_when_the_api_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAREBRIDGE_UI_API_URL", f"http://127.0.0.1:{free_port()}/api")
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    app.text_input(key="origin_0_query").input("London").run()
    assert_clean(app)
    assert "The booking service cannot be reached" in text(app)
    assert "Traceback" not in text(app)


def test_register_sign_in_wrong_password_and_sign_out(ui_env: str) -> None:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    app.text_input(key="side_register_email").input("not-an-email")
    app.text_input(key="side_register_password").input("short")
    app.button(key="side_register_submit").click().run()
    assert "Enter an email address like name@example.com." in text(app)
    assert "Use at least 8 characters." in text(app)
    email = f"{free_port()}-grace@example.com"
    app.text_input(key="side_register_email").input(email)
    app.text_input(key="side_register_password").input(PASSWORD)
    app.text_input(key="side_register_repeat").input(PASSWORD)
    app.button(key="side_register_submit").click().run()
    assert "Signed in as" in text(app)
    app.button(key="sign_out").click().run()
    app.text_input(key="side_login_email").input(email)
    app.text_input(key="side_login_password").input("wrong-password")
    app.button(key="side_login_submit").click().run()
    assert "The email or password is wrong." in text(app)
    app.text_input(key="side_login_password").input(PASSWORD)
    app.button(key="side_login_submit").click().run()
    assert "Signed in as" in text(app)
    assert_clean(app)

"""The flight_api dialect's accounts (seed 002): register, log in, CSRF, log out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.e2e.conftest import register as register_in_api
from tests.e2e.flight_api import (
    PASSWORD,
    PREFIX,
    example,
    log_in,
    mismatches,
    register,
)


def test_the_register_example_creates_a_user_with_the_examples_fields(
    client: TestClient,
) -> None:
    body = example("002_register_request.json")
    body["password"] = body["confirmation"] = "9999-9999"  # farebridge wants 8 characters
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 201, response.text
    user = response.json()
    assert mismatches(example("002_register_response.json"), user) == []
    assert {k: v for k, v in user.items() if k != "id"} == {
        k: v for k, v in example("002_register_response.json").items() if k != "id"
    }
    assert isinstance(user["id"], int) and user["id"] > 0
    second = register(client, "second")
    assert second["id"] != user["id"]


def test_the_register_example_as_written_is_refused_for_its_short_password(
    client: TestClient,
) -> None:
    response = client.post(f"{PREFIX}/register", json=example("002_register_request.json"))
    assert response.status_code == 400
    assert response.json() == {"password": ["Password must have at least 8 characters."]}


def test_missing_fields_are_the_seeds_400_body(client: TestClient) -> None:
    body = {"email": "kumar88777@gmail.com", "username": "rakesh"}
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 400
    assert response.json() == example("002_register_400.json")


def test_field_errors_name_the_field(client: TestClient) -> None:
    body = example("002_register_request.json")
    body.update(password=PASSWORD, confirmation="something-else", mobile_no="+91-24358907299")
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 400
    assert response.json() == {"mobile_no": ["Ensure this field has no more than 14 characters."]}
    body["mobile_no"] = "+91-243589072"
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.json() == {"confirmation": ["Passwords must match."]}
    response = client.post(f"{PREFIX}/register", json=[body])
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Invalid data. Expected a dictionary."]}


def test_a_taken_username_or_email_is_a_field_error_and_nothing_is_half_written(
    client: TestClient,
) -> None:
    register(client, "rakesh")
    body = example("002_register_request.json")
    body.update(password=PASSWORD, confirmation=PASSWORD, email="other@test.com")
    body["username"] = "RAKESH"
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    # The account of the refused registration was not kept: its email is still free.
    body["username"] = "other"
    assert client.post(f"{PREFIX}/register", json=body).status_code == 201
    body.update(username="third", email="rakesh@test.com")
    response = client.post(f"{PREFIX}/register", json=body)
    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_login_gives_the_session_cookie_and_the_csrf_token(client: TestClient) -> None:
    register(client)
    body = example("002_login_request.json")
    body.update(username="rakesh", password=PASSWORD)
    response = client.post(f"{PREFIX}/login", json=body)
    assert response.status_code == 200
    answer = response.json()
    assert mismatches(example("002_login_response.json"), answer) == []
    assert answer["message"] == "succesfully logged in"
    assert response.cookies["sessionid"] == answer["sessionId"]
    assert response.cookies["csrftoken"] == answer["csrfToken"]
    assert "httponly" in response.headers["set-cookie"].lower()


def test_a_wrong_password_or_unknown_user_is_401(client: TestClient) -> None:
    register(client)
    for username, password in (("rakesh", "wrong-password"), ("nobody", PASSWORD)):
        response = client.post(f"{PREFIX}/login", json={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid username and/or password."}
    response = client.post(f"{PREFIX}/login", json=example("002_login_request.json"))
    assert response.status_code == 401


def test_an_api_account_logs_in_by_email(client: TestClient) -> None:
    register_in_api(client, "amelia@test.com")
    response = client.post(
        f"{PREFIX}/login", json={"username": "amelia@test.com", "password": "correct-horse"}
    )
    assert response.status_code == 200


def test_a_flight_api_account_is_an_api_account(client: TestClient) -> None:
    register(client)
    response = client.post(
        "/api/auth/login", json={"email": "rakesh@test.com", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_unsafe_calls_need_the_sessions_csrf_token(client: TestClient) -> None:
    register(client)
    csrf = log_in(client)
    response = client.post(f"{PREFIX}/logout")
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF token missing."}
    response = client.post(f"{PREFIX}/logout", headers={"X-CSRFToken": "3CwkDICL51KCKCF3QbI"})
    assert response.status_code == 403
    assert response.json() == example("002_csrf_403.json")
    # Another session's token does not fit this one.
    other = TestClient(client.app)
    register(other, "other")
    other_csrf = log_in(other, "other")
    response = client.post(f"{PREFIX}/logout", headers=other_csrf)
    assert response.json() == example("002_csrf_403.json")
    response = client.post(f"{PREFIX}/logout", headers=csrf)
    assert response.status_code == 200
    assert response.json() == {"message": "succesfully logged out"}


def test_logout_ends_the_session(client: TestClient) -> None:
    register(client)
    csrf = log_in(client)
    secret = client.cookies["sessionid"]
    assert client.post(f"{PREFIX}/logout", headers=csrf).status_code == 200
    assert "sessionid" not in client.cookies
    client.cookies.set("sessionid", secret)
    response = client.post(f"{PREFIX}/logout", headers=csrf)
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_without_a_session_unsafe_calls_are_403(client: TestClient) -> None:
    response = client.post(f"{PREFIX}/logout")
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_the_dialect_serves_its_openapi_document(client: TestClient) -> None:
    document = client.get(f"{PREFIX}/openapi.json").json()
    assert {"/register", "/login", "/logout"} <= set(document["paths"])
    assert "HTTPValidationError" not in str(document)

"""Descope's official Python SDK against the local Descope-compatible server.

Run by conformance/run.sh (once per SDK version), which starts the server and sets
DESCOPE_BASE_URI (read by both SDK versions), DESCOPE_PROJECT_ID and the seeded admin's
credentials.
"""

import json
import os
import time
import urllib.parse
import urllib.request

import pytest
from descope import (
    API_RATE_LIMIT_RETRY_AFTER_HEADER,
    AuthException,
    DeliveryMethod,
    DescopeClient,
    RateLimitException,
)

PROJECT_ID = os.environ["DESCOPE_PROJECT_ID"]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def client():
    return DescopeClient(project_id=PROJECT_ID)


@pytest.fixture(scope="module")
def signed_up(client):
    email = f"py-{time.time_ns()}@example.com"
    response = client.password.sign_up(email, PASSWORD, {"name": "Python User"})
    return email, response


def session_jwt(response):
    return response["sessionToken"]["jwt"]


def refresh_jwt(response):
    return response["refreshSessionToken"]["jwt"]


def test_sign_up_returns_tokens_that_validate(client, signed_up):
    email, response = signed_up
    claims = client.validate_session(session_jwt(response))
    assert claims["userId"] == response["user"]["userId"]
    assert claims["projectId"] == PROJECT_ID
    assert response["user"]["email"] == email


def test_sign_in_refresh_me_logout(client, signed_up):
    email, _ = signed_up
    signed_in = client.password.sign_in(email, PASSWORD)
    refreshed = client.refresh_session(refresh_jwt(signed_in))
    assert client.validate_session(session_jwt(refreshed))
    # Without rotation, a Descope project's default, the refresh token stays the same.
    kept = refresh_jwt(refreshed)
    assert kept == refresh_jwt(signed_in)
    assert client.validate_session(session_jwt(client.refresh_session(kept)))

    me = client.me(kept)
    assert me["email"] == email and me["name"] == "Python User"

    client.logout(kept)
    with pytest.raises(AuthException) as error:
        client.refresh_session(kept)
    assert "E064001" in error.value.error_message


def test_wrong_password_is_refused(client, signed_up):
    email, _ = signed_up
    with pytest.raises(AuthException) as error:
        client.password.sign_in(email, "wrong password")
    assert error.value.status_code == 401


def test_roles_of_a_seeded_user(client):
    response = client.password.sign_in(os.environ["SEED_ADMIN_EMAIL"], os.environ["SEED_ADMIN_PASSWORD"])
    claims = client.validate_session(session_jwt(response))
    assert client.validate_roles(claims, ["admin"])
    assert not client.validate_roles(claims, ["owner"])
    assert client.validate_tenant_roles(claims, "T1", ["editor"])


def newest_message(to):
    """The newest message in the local server's development inbox for `to`."""
    query = urllib.parse.urlencode({"to": to})
    with urllib.request.urlopen(f"{os.environ['DESCOPE_BASE_URI']}/inbox.json?{query}") as answer:
        return json.load(answer)["messages"][0]


def test_email_code_sign_up_or_in_and_verify(client):
    email = f"py-otp-{time.time_ns()}@example.com"
    masked = client.otp.sign_up_or_in(DeliveryMethod.EMAIL, email)
    assert masked.endswith("@example.com") and "***" in masked
    code = newest_message(email)["code"]
    with pytest.raises(AuthException) as error:
        client.otp.verify_code(DeliveryMethod.EMAIL, email, "000000" if code != "000000" else "111111")
    assert error.value.status_code == 401
    response = client.otp.verify_code(DeliveryMethod.EMAIL, email, code)
    assert response["user"]["email"] == email and response["user"]["verifiedEmail"]
    assert client.validate_session(session_jwt(response))


def test_magic_link_sign_up_or_in_and_verify(client):
    email = f"py-link-{time.time_ns()}@example.com"
    client.magiclink.sign_up_or_in(DeliveryMethod.EMAIL, email, "http://127.0.0.1:3000/verify")
    link = newest_message(email)["link"]
    assert link.startswith("http://127.0.0.1:3000/verify?t=")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["t"][0]
    response = client.magiclink.verify(token)
    assert client.validate_session(session_jwt(response))
    with pytest.raises(AuthException) as error:
        client.magiclink.verify(token)
    assert error.value.status_code == 401
    with pytest.raises(AuthException) as error:
        client.magiclink.sign_up_or_in(DeliveryMethod.EMAIL, email, "https://evil.test/verify")
    assert error.value.status_code == 400


def test_password_update_and_replace(client):
    email = f"py-change-{time.time_ns()}@example.com"
    signed_up = client.password.sign_up(email, PASSWORD, {"name": "Changer"})
    other = client.password.sign_in(email, PASSWORD)
    client.password.update(email, "second password", refresh_jwt(signed_up))
    with pytest.raises(AuthException):
        client.refresh_session(refresh_jwt(other))  # the other session ended
    replaced = client.password.replace(email, "second password", "third password")
    assert client.validate_session(session_jwt(replaced))
    assert client.password.sign_in(email, "third password")


def test_too_many_wrong_passwords_raise_the_sdks_rate_limit_exception(client):
    email = f"py-limit-{time.time_ns()}@example.com"
    client.password.sign_up(email, PASSWORD, {"name": "Limited"})
    for _ in range(10):
        with pytest.raises(AuthException):
            client.password.sign_in(email, "wrong password")
    with pytest.raises(RateLimitException) as error:
        client.password.sign_in(email, "wrong password")
    retry_after = error.value.rate_limit_parameters[API_RATE_LIMIT_RETRY_AFTER_HEADER]
    assert 0 < retry_after <= 600


def test_password_reset_by_a_link_then_update(client):
    email = f"py-reset-{time.time_ns()}@example.com"
    client.password.sign_up(email, PASSWORD, {"name": "Forgetful"})
    sent = client.password.send_reset(email, "http://127.0.0.1:3000/reset")
    assert sent["resetMethod"] == "magiclink" and "***" in sent["maskedEmail"]
    token = urllib.parse.parse_qs(urllib.parse.urlparse(newest_message(email)["link"]).query)["t"][0]
    session = client.magiclink.verify(token)
    client.password.update(email, "a brand new password", refresh_jwt(session))
    assert client.password.sign_in(email, "a brand new password")


def test_email_update_by_code_and_by_link(client):
    email = f"py-move-{time.time_ns()}@example.com"
    session = client.password.sign_up(email, PASSWORD, {"name": "Mover"})
    moved = f"moved-{email}"
    masked = client.otp.update_user_email(email, moved, refresh_jwt(session), add_to_login_ids=True)
    assert "***" in masked
    response = client.otp.verify_code(DeliveryMethod.EMAIL, email, newest_message(moved)["code"])
    assert response["user"]["email"] == moved and response["user"]["verifiedEmail"]
    assert client.password.sign_in(moved, PASSWORD)  # a login ID now

    again = f"again-{email}"
    client.magiclink.update_user_email(email, again, refresh_jwt(response))
    link = newest_message(again)["link"]
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["t"][0]
    assert client.magiclink.verify(token)["user"]["email"] == again
    with pytest.raises(AuthException) as error:
        client.otp.update_user_email(email, "x@example.com", refresh_jwt(signed_in_elsewhere(client)))
    assert error.value.status_code == 401


def signed_in_elsewhere(client):
    """A session of some other user."""
    return client.password.sign_up(f"py-other-{time.time_ns()}@example.com", PASSWORD, {"name": "Other"})

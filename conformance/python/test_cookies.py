"""Descope's official Python SDK against a local server that delivers refresh tokens as
cookies only (DESCOPE_LOCAL_TOKEN_DELIVERY=cookies, Descope's "manage in cookies").

Run by conformance/run.sh, which starts that server and sets DESCOPE_BASE_URI to it.
"""

import os
import time

import pytest
from descope import AuthException, DescopeClient

PROJECT_ID = os.environ["DESCOPE_PROJECT_ID"]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def client():
    return DescopeClient(project_id=PROJECT_ID)


def test_the_sdk_takes_the_refresh_token_from_the_cookie_and_keeps_the_session(client):
    email = f"py-cookie-{time.time_ns()}@example.com"
    signed_up = client.password.sign_up(email, PASSWORD, {"name": "Cookie User"})
    refresh = signed_up["refreshSessionToken"]["jwt"]
    assert refresh, "the SDK read the refresh token from the DSR cookie"
    assert client.validate_session(signed_up["sessionToken"]["jwt"])

    refreshed = client.refresh_session(refresh)
    assert client.validate_session(refreshed["sessionToken"]["jwt"])
    assert client.me(refresh)["email"] == email

    client.logout(refresh)
    with pytest.raises(AuthException) as error:
        client.refresh_session(refresh)
    assert error.value.status_code == 401

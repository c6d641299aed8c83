"""Descope's official Python SDK against the local Descope-compatible server.

Run by conformance/run.sh (once per SDK version), which starts the server and sets
DESCOPE_BASE_URI (read by both SDK versions), DESCOPE_PROJECT_ID and the seeded admin's
credentials.
"""

import os
import time
from importlib.metadata import version

import pytest
from descope import AuthException, DescopeClient

PROJECT_ID = os.environ["DESCOPE_PROJECT_ID"]
PASSWORD = "correct horse battery"
# descope 1.x returns the refresh token it was given, not the rotated one from the response;
# the server's grace window for the previous token keeps such a client working briefly.
SEES_ROTATION = int(version("descope").split(".")[0]) >= 2


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
    rotated = refresh_jwt(refreshed)
    assert (rotated != refresh_jwt(signed_in)) == SEES_ROTATION

    me = client.me(rotated)
    assert me["email"] == email and me["name"] == "Python User"

    client.logout(rotated)
    with pytest.raises(AuthException):
        client.refresh_session(rotated)


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

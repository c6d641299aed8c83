"""Descope's official Python SDK management client against the local server, as an app's test
suite drives it: test users, codes and links without an inbox, roles and tenants, passwords,
status, and deleting every test user at the end.

Run by conformance/run.sh, which starts the server with DESCOPE_LOCAL_MANAGEMENT_KEY and sets
DESCOPE_MANAGEMENT_KEY (read by the SDK) to the same key.
"""

import os
import time
import urllib.parse
from importlib.metadata import version

import pytest
from descope import AssociatedTenant, AuthException, DeliveryMethod, DescopeClient

PROJECT_ID = os.environ["DESCOPE_PROJECT_ID"]
V2 = int(version("descope").split(".")[0]) >= 2


@pytest.fixture(scope="module")
def client():
    # Built with the management key: SDK 2.x calls the license endpoint here.
    return DescopeClient(project_id=PROJECT_ID, management_key=os.environ["DESCOPE_MANAGEMENT_KEY"])


@pytest.fixture()
def login_id():
    return f"py-test-{time.time_ns()}@example.com"


def session_of(response):
    return response["sessionToken"]["jwt"]


@pytest.mark.skipif(not V2, reason="the license call came with SDK 2.x")
def test_the_license_handshake_succeeds(client):
    assert client.mgmt.license.get() == {"rateLimitTier": "tier1"}


def test_a_test_user_signs_in_with_a_generated_code(client, login_id):
    created = client.mgmt.user.create_test_user(
        login_id,
        display_name="Test User",
        role_names=["admin"],
        user_tenants=[AssociatedTenant("T1", ["editor"])],
    )
    assert created["user"]["test"] is True
    code = client.mgmt.user.generate_otp_for_test_user(DeliveryMethod.EMAIL, login_id)["code"]
    response = client.otp.verify_code(DeliveryMethod.EMAIL, login_id, code)
    claims = client.validate_session(session_of(response))
    assert client.validate_roles(claims, ["admin"])
    assert client.validate_tenant_roles(claims, "T1", ["editor"])
    assert response["user"]["userId"] == created["user"]["userId"]


def test_a_generated_magic_link_signs_in(client, login_id):
    client.mgmt.user.create_test_user(login_id)
    link = client.mgmt.user.generate_magic_link_for_test_user(
        DeliveryMethod.EMAIL, login_id, "http://127.0.0.1:3000/verify"
    )["link"]
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["t"][0]
    assert client.validate_session(session_of(client.magiclink.verify(token)))


def test_load_update_roles_and_tenants(client, login_id):
    user_id = client.mgmt.user.create(login_id, display_name="Before")["user"]["userId"]
    assert client.mgmt.user.load(login_id)["user"]["userId"] == user_id
    assert client.mgmt.user.load_by_user_id(user_id)["user"]["name"] == "Before"
    client.mgmt.user.update(login_id, display_name="After", role_names=["viewer"])
    client.mgmt.user.add_roles(login_id, ["editor"])
    client.mgmt.user.remove_roles(login_id, ["viewer"])
    client.mgmt.user.add_tenant(login_id, "T2")
    client.mgmt.user.set_tenant_roles(login_id, "T2", ["owner"])
    user = client.mgmt.user.load(login_id)["user"]
    assert user["name"] == "After"
    assert user["roleNames"] == ["editor"]
    assert [(t["tenantId"], t["roleNames"]) for t in user["userTenants"]] == [("T2", ["owner"])]
    client.mgmt.user.delete(login_id)
    with pytest.raises(AuthException) as error:
        client.mgmt.user.load(login_id)
    assert error.value.status_code == 400


def test_passwords_and_status(client, login_id):
    client.mgmt.user.create_test_user(login_id)
    client.mgmt.user.set_active_password(login_id, "correct horse battery")
    assert client.password.sign_in(login_id, "correct horse battery")
    client.mgmt.user.deactivate(login_id)
    with pytest.raises(AuthException) as error:
        client.password.sign_in(login_id, "correct horse battery")
    assert error.value.status_code == 403
    client.mgmt.user.activate(login_id)
    client.mgmt.user.set_temporary_password(login_id, "temporary password")
    with pytest.raises(AuthException) as error:
        client.password.sign_in(login_id, "temporary password")
    assert "E062909" in error.value.error_message
    client.password.replace(login_id, "temporary password", "a brand new password")
    assert client.password.sign_in(login_id, "a brand new password")


def test_logout_user_ends_their_sessions(client, login_id):
    client.mgmt.user.create_test_user(login_id)
    code = client.mgmt.user.generate_otp_for_test_user(DeliveryMethod.EMAIL, login_id)["code"]
    refresh = client.otp.verify_code(DeliveryMethod.EMAIL, login_id, code)["refreshSessionToken"]["jwt"]
    client.mgmt.user.logout_user(login_id)
    with pytest.raises(AuthException):
        client.refresh_session(refresh)


def test_roles_expand_to_permissions_and_a_selected_tenant_is_dct(client, login_id):
    suffix = str(time.time_ns())
    tenant = f"T{suffix}"
    client.mgmt.permission.create(f"read-{suffix}", "Read things")
    client.mgmt.role.create(f"reader-{suffix}", "Reads", [f"read-{suffix}"])
    client.mgmt.tenant.create(f"Tenant {suffix}", id=tenant)
    client.mgmt.role.create(f"owner-{suffix}", "Owns", [f"read-{suffix}"], tenant_id=tenant)
    assert any(r["name"] == f"reader-{suffix}" for r in client.mgmt.role.load_all()["roles"])
    assert client.mgmt.tenant.load(tenant)["name"] == f"Tenant {suffix}"

    client.mgmt.user.create_test_user(
        login_id,
        role_names=[f"reader-{suffix}"],
        user_tenants=[AssociatedTenant(tenant, [f"owner-{suffix}"])],
    )
    code = client.mgmt.user.generate_otp_for_test_user(DeliveryMethod.EMAIL, login_id)["code"]
    signed_in = client.otp.verify_code(DeliveryMethod.EMAIL, login_id, code)
    claims = client.validate_session(session_of(signed_in))
    assert client.validate_permissions(claims, [f"read-{suffix}"])
    assert client.validate_tenant_permissions(claims, tenant, [f"read-{suffix}"])

    selected = client.select_tenant(tenant, signed_in["refreshSessionToken"]["jwt"])
    assert selected["sessionToken"]["dct"] == tenant
    if V2:
        mine = client.my_tenants(selected["refreshSessionToken"]["jwt"], dct=True)
        assert mine["tenants"] == [{"id": tenant, "name": f"Tenant {suffix}", "customAttributes": {}}]
    assert client.history(selected["refreshSessionToken"]["jwt"])[0]["userId"] == signed_in["user"]["userId"]
    client.mgmt.tenant.delete(tenant)


def test_a_machine_exchanges_an_access_key_and_a_jwt_gets_custom_claims(client, login_id):
    created = client.mgmt.access_key.create(
        f"ci-{time.time_ns()}", role_names=["admin"], custom_claims={"team": "platform"}
    )
    assert "cleartext" in created and created["key"]["status"] == "active"
    info = client.exchange_access_key(created["cleartext"])
    assert info["keyId"] == created["key"]["id"]
    assert info["sessionToken"]["team"] == "platform"
    assert client.validate_roles(info, ["admin"])
    assert client.mgmt.access_key.load(created["key"]["id"])["key"]["name"].startswith("ci-")
    client.mgmt.access_key.delete(created["key"]["id"])
    with pytest.raises(AuthException):
        client.exchange_access_key(created["cleartext"])

    client.mgmt.user.create_test_user(login_id)
    code = client.mgmt.user.generate_otp_for_test_user(DeliveryMethod.EMAIL, login_id)["code"]
    jwt = session_of(client.otp.verify_code(DeliveryMethod.EMAIL, login_id, code))
    updated = client.mgmt.jwt.update_jwt(jwt, {"plan": "pro"})
    assert client.validate_session(updated)["plan"] == "pro"


def test_delete_all_test_users(client, login_id):
    client.mgmt.user.create_test_user(login_id)
    search = (
        client.mgmt.user.search_all_test_users
        if V2
        else lambda: client.mgmt.user.search_all(test_users_only=True, with_test_user=True)
    )
    assert any(u["loginIds"] == [login_id] for u in search()["users"])
    client.mgmt.user.delete_all_test_users()
    assert search()["users"] == []
    with pytest.raises(AuthException):
        client.mgmt.user.load(login_id)


def test_a_wrong_management_key_is_refused():
    wrong = DescopeClient(project_id=PROJECT_ID, management_key="K2NotTheKeyOfThisServerAtAll")
    with pytest.raises(AuthException) as error:
        wrong.mgmt.user.load("anyone@example.com")
    assert error.value.status_code == 401

//! The wire contract (`descope::api`) against JSON in the exact shapes Descope's official SDKs
//! send and read: the Python SDK's request bodies (`_password_base.py`, `_otp_base.py`,
//! `_magiclink_base.py`), and the `JWTResponse` and `UserResponse` of Descope's own type
//! definitions. `docs/descope-api.md` lists the endpoints and where each shape comes from.

use descope::api::{
    code, CodeStart, CodeVerify, ErrorBody, JwtResponse, LinkStart, LinkVerify, PasswordReplace,
    PasswordSignIn, PasswordSignUp, PasswordUpdate, UserResponse,
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

fn read<T: DeserializeOwned>(sent: Value) -> T {
    serde_json::from_value(sent.clone()).unwrap_or_else(|e| panic!("{sent}: {e}"))
}

fn written(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn the_browser_client_sends_what_the_official_sdks_send() {
    // Each body as the Python SDK composes it for the same call.
    assert_eq!(
        written(&PasswordSignIn::new("ada@example.com", "pw")),
        json!({"loginId": "ada@example.com", "password": "pw"})
    );
    assert_eq!(
        written(&CodeStart::new("ada@example.com")),
        json!({"loginId": "ada@example.com", "loginOptions": {}})
    );
    assert_eq!(
        written(&CodeVerify::new("ada@example.com", "123456")),
        json!({"loginId": "ada@example.com", "code": "123456"})
    );
    assert_eq!(
        written(&PasswordSignUp::new("ada@example.com", "pw", "Ada")),
        json!({"loginId": "ada@example.com", "password": "pw",
               "user": {"name": "Ada", "email": "ada@example.com"}})
    );
}

#[test]
fn the_local_server_reads_what_the_official_sdks_send() {
    let sign_up: PasswordSignUp = read(json!({"loginId": "ada@example.com", "password": "pw",
        "user": {"name": "Ada", "email": "ada@example.com", "phone": "", "givenName": "Ada"}}));
    assert_eq!(sign_up.login_id.as_deref(), Some("ada@example.com"));
    assert_eq!(sign_up.user.unwrap().name.as_deref(), Some("Ada"));

    // An OTP sign-up names the address again beside the user, with the sign-up options.
    let start: CodeStart = read(json!({"loginId": "ada@example.com",
        "loginOptions": {"customClaims": {"k": 1}}, "user": {"name": "Ada"},
        "email": "ada@example.com"}));
    assert_eq!(start.user.unwrap().name.as_deref(), Some("Ada"));

    let link: LinkStart = read(
        json!({"loginId": "ada@example.com", "URI": "http://127.0.0.1:3000/verify", "loginOptions": {}}),
    );
    assert_eq!(link.uri.as_deref(), Some("http://127.0.0.1:3000/verify"));
    let verify: LinkVerify = read(json!({"token": "t0k3n"}));
    assert_eq!(verify.token.as_deref(), Some("t0k3n"));

    let replace: PasswordReplace =
        read(json!({"loginId": "ada@example.com", "oldPassword": "old", "newPassword": "new"}));
    assert_eq!(
        (
            replace.old_password.as_deref(),
            replace.new_password.as_deref()
        ),
        (Some("old"), Some("new"))
    );
    let update: PasswordUpdate = read(json!({"loginId": "ada@example.com", "newPassword": "new"}));
    assert_eq!(update.new_password.as_deref(), Some("new"));

    // Missing fields are the server's to report (as E011002), not a parse failure.
    let empty: PasswordSignIn = read(json!({}));
    assert_eq!(empty, PasswordSignIn::default());
}

/// `UserResponse` as Descope's own types describe it, every field present.
fn descope_user() -> Value {
    json!({"loginIds": ["test@user.com"], "userId": "abcdefg1234", "name": "Test User",
        "email": "test@user.com", "phone": "", "verifiedEmail": true, "verifiedPhone": true,
        "roleNames": ["admin"], "status": "enabled", "externalIds": ["test@user.com"],
        "userTenants": [{"tenantId": "T1", "tenantName": "Tenant", "roleNames": ["editor"],
                         "permissions": ["write"]}],
        "picture": "", "test": false, "customAttributes": {}, "createdTime": 1751460481,
        "TOTP": false, "SAML": false, "OAuth": {}, "webauthn": false, "password": true,
        "ssoAppIds": [], "givenName": "", "middleName": "", "familyName": "", "SCIM": false})
}

#[test]
fn users_round_trip_in_descopes_shape() {
    let user: UserResponse = read(descope_user());
    assert_eq!(user.user_id, "abcdefg1234");
    assert_eq!(user.user_tenants[0].role_names, ["editor"]);
    assert!(user.password && !user.totp);
    assert_eq!(
        written(&user),
        descope_user(),
        "every field, spelled as Descope spells it"
    );
    // web-js-sdk takes a body for a user only if it has `userId`.
    assert!(written(&UserResponse::default()).get("userId").is_some());
}

#[test]
fn jwt_responses_round_trip_in_both_token_delivery_modes() {
    let body = json!({"sessionJwt": "eyJ.s.s", "refreshJwt": "eyJ.r.r", "cookieDomain": "",
        "cookiePath": "/", "cookieMaxAge": 2419199, "cookieExpiration": 1665576720,
        "cookieName": "DSR", "user": descope_user(), "firstSeen": false,
        "sessionExpiration": 1663190468, "claims": {"amr": ["email"]}, "nextRefreshSeconds": 580});
    let response: JwtResponse = read(body.clone());
    assert_eq!(response.refresh_jwt.as_deref(), Some("eyJ.r.r"));
    assert_eq!(response.cookie_max_age, 2419199);
    assert_eq!(written(&response), body);

    // Cookie delivery: no refreshJwt in the body, and fields Descope adds that we ignore.
    let mut cookies = body;
    cookies.as_object_mut().unwrap().remove("refreshJwt");
    cookies["trustedDeviceJwt"] = json!("...");
    cookies["idpResponse"] = json!({});
    let response: JwtResponse = read(cookies);
    assert_eq!(response.refresh_jwt, None);
    assert!(written(&response).get("refreshJwt").is_none());
}

#[test]
fn errors_carry_descopes_codes() {
    let body: ErrorBody = read(json!({"errorCode": "E062108",
        "errorDescription": "User not found", "errorMessage": "Cannot find user"}));
    assert_eq!(body.error_code, code::INVALID_CREDENTIALS);
    let no_message: ErrorBody = read(json!({"errorCode": "E130429", "errorDescription": "x"}));
    assert_eq!(no_message.error_code, code::RATE_LIMITED);
}

#[test]
fn management_bodies_read_as_both_official_sdks_send_them() {
    use descope::api::mgmt::{GenerateLink, UserRequest, UserSearch, UserSelector};
    // Python's create (`_compose_create_body`): unset fields as null, `ssoAppIDs`, `invite`.
    let python: UserRequest = read(json!({
        "loginId": "tess@example.com", "email": null, "phone": null, "displayName": "Tess",
        "roleNames": [], "userTenants": [{"tenantId": "T1", "roleNames": ["editor"]}],
        "test": true, "picture": null, "customAttributes": null, "additionalLoginIds": null,
        "ssoAppIDs": null, "invite": false, "givenName": "Tess"
    }));
    // Node's createTestUser: unset fields left out, `ssoAppIds`.
    let node: UserRequest = read(json!({
        "loginId": "tess@example.com", "displayName": "Tess", "givenName": "Tess",
        "roleNames": [], "userTenants": [{"tenantId": "T1", "roleNames": ["editor"]}],
        "test": true, "ssoAppIds": []
    }));
    assert_eq!(
        UserRequest {
            invite: None,
            ..python
        },
        node,
        "null and absent mean the same"
    );
    assert_eq!(node.user_tenants.unwrap()[0].role_names, ["editor"]);

    // Python's search_all always sends these four.
    let search: UserSearch = read(json!({
        "tenantIds": [], "roleNames": [], "limit": 0, "page": 0,
        "testUsersOnly": false, "withTestUser": false
    }));
    assert_eq!(
        (search.limit, search.test_users_only),
        (Some(0), Some(false))
    );
    let selector: UserSelector = read(json!({"userId": "U2abc"}));
    assert_eq!(selector.user_id.as_deref(), Some("U2abc"));
    // Both SDKs spell the test link's target `URI`.
    let link: GenerateLink = read(json!({
        "loginId": "tess@example.com", "deliveryMethod": "email",
        "URI": "http://127.0.0.1:3000/verify", "loginOptions": {}
    }));
    assert_eq!(link.uri.as_deref(), Some("http://127.0.0.1:3000/verify"));
}

#[test]
fn authorization_bodies_read_as_the_official_sdks_send_them() {
    use descope::api::{
        mgmt::{RoleRequest, TenantRequest},
        MyTenantsRequest, TenantSelect,
    };
    // Python's role create and tenant create (`role.py`, `tenant.py`): unset fields as null,
    // and the tenant's `enforceSSO` upper-cased.
    let role: RoleRequest = read(json!({
        "name": "owner", "description": null, "permissionNames": ["write"],
        "tenantId": "T1", "default": null, "private": null
    }));
    assert_eq!(
        role.permission_names.as_deref(),
        Some(&["write".to_owned()][..])
    );
    let tenant: TenantRequest = read(json!({
        "name": "Acme", "id": null, "selfProvisioningDomains": [], "enforceSSO": true,
        "disabled": false
    }));
    assert_eq!((tenant.id, tenant.enforce_sso), (None, Some(true)));
    // The web SDK's myTenants(true) and selectTenant.
    let mine: MyTenantsRequest = read(json!({"dct": true}));
    assert_eq!((mine.dct, mine.ids), (Some(true), None));
    let select: TenantSelect = read(json!({"tenant": "T1"}));
    assert_eq!(select.tenant.as_deref(), Some("T1"));
}

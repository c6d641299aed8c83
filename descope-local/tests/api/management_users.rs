//! Users through the management API, as a test suite drives it: test users, codes and links
//! without an inbox, load and search, update and patch, status, roles, tenants, passwords,
//! logout and delete. Each effect is checked where a user meets it: sign-in, refresh, tokens.

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::{
    jwt::claims_of,
    local::{assert_descope_error, refresh_jwt, start},
};

#[tokio::test]
async fn a_test_user_signs_in_with_a_generated_code_and_nothing_reaches_the_inbox() {
    let local = start().await;
    let user = local.create_test_user("tess@example.com").await;
    assert_eq!(user["test"], true);
    assert_eq!(user["name"], "Test User");
    assert_eq!(user["status"], "enabled");

    let (status, body) = local.sign_in_with_generated_code("tess@example.com").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["userId"], user["userId"]);
    assert!(local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .is_ok());
    assert!(
        local.inbox("tess@example.com").await.is_null(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_generated_magic_link_signs_the_test_user_in_once() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    let (status, generated) = local
        .mgmt(
            "POST",
            "/v1/mgmt/tests/generate/magiclink",
            json!({"loginId": "tess@example.com", "deliveryMethod": "email",
                   "URI": "http://app.test:3000/verify", "loginOptions": {}}),
        )
        .await;
    assert_eq!(status, 200, "{generated}");
    let link = generated["link"].as_str().unwrap();
    assert!(link.starts_with("http://app.test:3000/verify?t="), "{link}");
    let token = link.split("t=").nth(1).unwrap();
    for expected in [StatusCode::OK, StatusCode::UNAUTHORIZED] {
        let (status, _, _) = local
            .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
            .await;
        assert_eq!(status, expected);
    }

    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/tests/generate/magiclink",
            json!({"loginId": "tess@example.com", "URI": "https://evil.example/steal"}),
        )
        .await;
    assert_eq!(status, 400, "links lead to approved origins only: {answer}");
}

#[tokio::test]
async fn codes_are_generated_for_test_users_only_and_by_email_only() {
    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/tests/generate/otp",
            json!({"loginId": "ada@example.com", "deliveryMethod": "email"}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_descope_error(&answer, "E011003");

    local.create_test_user("tess@example.com").await;
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/tests/generate/otp",
            json!({"loginId": "tess@example.com", "deliveryMethod": "sms"}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["errorMessage"]
            .as_str()
            .unwrap()
            .contains("email only"),
        "{answer}"
    );
}

#[tokio::test]
async fn create_load_search_and_delete_all_test_users() {
    let local = start().await;
    let (status, created) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/create",
            json!({"loginId": "Grace@Example.com", "email": null, "phone": "+15555550100",
                   "displayName": "Grace Hopper", "givenName": "Grace", "familyName": "Hopper",
                   "roleNames": ["admin"], "userTenants": [{"tenantId": "T1", "roleNames": ["viewer"]}],
                   "customAttributes": {"team": "compilers"}, "verifiedEmail": true,
                   "test": false, "invite": false, "ssoAppIDs": null, "additionalLoginIds": null}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let grace = &created["user"];
    assert_eq!(grace["loginIds"], json!(["grace@example.com"]));
    assert_eq!(grace["email"], "grace@example.com");
    assert_eq!(grace["phone"], "+15555550100");
    assert_eq!(grace["givenName"], "Grace");
    assert_eq!(grace["roleNames"], json!(["admin"]));
    assert_eq!(grace["userTenants"][0]["tenantId"], "T1");
    assert_eq!(grace["userTenants"][0]["roleNames"], json!(["viewer"]));
    assert_eq!(grace["customAttributes"]["team"], "compilers");
    assert_eq!(grace["verifiedEmail"], true);
    assert_eq!(grace["test"], false);
    assert_eq!(grace["password"], false);

    let (status, again) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/create",
            json!({"loginId": "grace@example.com"}),
        )
        .await;
    assert_eq!(status, 409, "{again}");
    assert_descope_error(&again, "E062107");

    let id = grace["userId"].as_str().unwrap();
    for query in [
        "loginId=grace@example.com".to_owned(),
        format!("userId={id}"),
        format!("loginId={id}"),
    ] {
        let (status, loaded) = local
            .mgmt("GET", &format!("/v1/mgmt/user?{query}"), Value::Null)
            .await;
        assert_eq!(status, 200, "{query}: {loaded}");
        assert_eq!(loaded["user"], *grace, "{query}");
    }

    local.create_test_user("tess@example.com").await;
    local.create_test_user("tom@example.com").await;
    let total = |body: &Value| body["total"].as_u64().unwrap();
    let (_, plain) = local.mgmt("POST", "/v2/mgmt/user/search", json!({"tenantIds": [], "roleNames": [], "limit": 0, "page": 0, "testUsersOnly": false, "withTestUser": false})).await;
    assert_eq!(
        total(&plain),
        1,
        "test users are left out unless asked for: {plain}"
    );
    let (_, with) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"withTestUser": true}),
        )
        .await;
    assert_eq!(total(&with), 3);
    let (_, tests) = local
        .mgmt("POST", "/v2/mgmt/user/search/test", json!({}))
        .await;
    assert_eq!(total(&tests), 2);
    let (_, paged) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"withTestUser": true, "limit": 2, "page": 1}),
        )
        .await;
    assert_eq!(
        (total(&paged), paged["users"].as_array().unwrap().len()),
        (3, 1)
    );
    let (_, by_role) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"roleNames": ["viewer"]}),
        )
        .await;
    assert_eq!(by_role["users"][0]["userId"], id, "tenant roles count");
    let (_, by_text) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"text": "HOPPER", "withTestUser": true}),
        )
        .await;
    assert_eq!(total(&by_text), 1);
    let (_, by_attribute) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"customAttributes": {"team": "compilers"}}),
        )
        .await;
    assert_eq!(total(&by_attribute), 1);
    let (status, negative) = local
        .mgmt("POST", "/v2/mgmt/user/search", json!({"limit": -1}))
        .await;
    assert_eq!(status, 400, "{negative}");

    let (status, deleted) = local
        .mgmt("DELETE", "/v1/mgmt/user/test/delete/all", Value::Null)
        .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!({})));
    let (_, left) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"withTestUser": true}),
        )
        .await;
    assert_eq!(left["users"][0]["userId"], id, "only Grace is left: {left}");
    assert_eq!(total(&left), 1);
}

#[tokio::test]
async fn batch_create_keeps_going_past_a_refused_user() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/create/batch",
            json!({"users": [
                {"loginId": "new@example.com", "password": "correct horse battery"},
                {"loginId": "tess@example.com"},
                {"loginId": "not an email"},
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["createdUsers"].as_array().unwrap().len(), 1);
    assert_eq!(answer["createdUsers"][0]["password"], true);
    let failed = answer["failedUsers"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{answer}");
    assert_eq!(failed[0]["user"]["loginIds"], json!(["tess@example.com"]));
    let (status, _, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "new@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "the batch's password signs in");
}

#[tokio::test]
async fn update_replaces_every_field_and_patch_only_those_given() {
    let local = start().await;
    local
        .mgmt("POST", "/v1/mgmt/user/create", json!({"loginId": "grace@example.com", "displayName": "Grace", "phone": "+15555550100", "roleNames": ["admin"]}))
        .await;
    let (status, patched) = local
        .mgmt(
            "PATCH",
            "/v1/mgmt/user/patch",
            json!({"loginId": "grace@example.com", "givenName": "Grace"}),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["user"]["name"], "Grace");
    assert_eq!(patched["user"]["phone"], "+15555550100");
    assert_eq!(patched["user"]["givenName"], "Grace");

    let (status, updated) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update",
            json!({"loginId": "grace@example.com", "displayName": "G. Hopper", "test": false}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["user"]["name"], "G. Hopper");
    assert_eq!(
        updated["user"]["phone"], "",
        "update clears what it leaves out"
    );
    assert_eq!(updated["user"]["roleNames"], json!([]));

    let (status, named) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update/name",
            json!({"loginId": "grace@example.com", "familyName": "Hopper"}),
        )
        .await;
    assert_eq!(status, 200, "{named}");
    assert_eq!(
        (
            named["user"]["name"].as_str(),
            named["user"]["familyName"].as_str()
        ),
        (Some("G. Hopper"), Some("Hopper"))
    );

    let (status, emailed) = local
        .mgmt("POST", "/v1/mgmt/user/update/email", json!({"loginId": "grace@example.com", "email": "hopper@example.com", "verified": true, "failOnConflict": null}))
        .await;
    assert_eq!(status, 200, "{emailed}");
    assert_eq!(emailed["user"]["email"], "hopper@example.com");
    assert_eq!(emailed["user"]["loginIds"], json!(["grace@example.com"]));

    for bad in [
        json!({"loginId": "grace@example.com", "status": "invited"}),
        json!({"loginId": "grace@example.com", "email": "not an email"}),
        json!({"loginId": "grace@example.com", "hashedPassword": {"bcrypt": {"hash": "x"}}}),
        json!({"loginId": "grace@example.com", "password": "correct horse battery"}),
        json!({"loginId": "grace@example.com", "userTenants": [{"roleNames": ["x"]}]}),
    ] {
        let (status, answer) = local
            .mgmt("PATCH", "/v1/mgmt/user/patch", bad.clone())
            .await;
        assert_eq!(status, 400, "{bad}: {answer}");
    }
    let (_, unchanged) = local
        .mgmt(
            "GET",
            "/v1/mgmt/user?loginId=grace@example.com",
            Value::Null,
        )
        .await;
    assert_eq!(
        unchanged["user"], emailed["user"],
        "refused changes change nothing"
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_or_refresh_until_enabled() {
    let local = start().await;
    let session = local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let refresh = refresh_jwt(&session);
    let status_to = |status: &'static str| {
        local.mgmt(
            "POST",
            "/v1/mgmt/user/update/status",
            json!({"loginId": "ada@example.com", "status": status}),
        )
    };
    let (status, disabled) = status_to("disabled").await;
    assert_eq!(status, 200, "{disabled}");
    assert_eq!(disabled["user"]["status"], "disabled");

    let sign_in = json!({"loginId": "ada@example.com", "password": "correct horse battery"});
    let (status, _, answer) = local
        .post("/v1/auth/password/signin", None, sign_in.clone())
        .await;
    assert_eq!(status, 403, "{answer}");
    assert_descope_error(&answer, "E011011");
    assert_eq!(
        local.refresh(&refresh).await.0,
        401,
        "disabling ended the sessions"
    );

    status_to("enabled").await;
    let (status, _, _) = local.post("/v1/auth/password/signin", None, sign_in).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn roles_and_tenants_change_and_reach_the_next_token() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    let call = |path: &'static str, body: Value| local.mgmt("POST", path, body);

    call(
        "/v1/mgmt/user/update/role/set",
        json!({"loginId": "tess@example.com", "roleNames": ["a", "b"]}),
    )
    .await;
    call(
        "/v2/mgmt/user/update/role/add",
        json!({"loginId": "tess@example.com", "roleNames": ["b", "c"]}),
    )
    .await;
    let (_, user) = call(
        "/v1/mgmt/user/update/role/remove",
        json!({"loginId": "tess@example.com", "roleNames": ["a"]}),
    )
    .await;
    assert_eq!(user["user"]["roleNames"], json!(["b", "c"]));

    let (status, answer) = call(
        "/v1/mgmt/user/update/role/set",
        json!({"loginId": "tess@example.com", "tenantId": "T1", "roleNames": ["x"]}),
    )
    .await;
    assert_eq!(
        status, 400,
        "roles in a tenant the user is not in: {answer}"
    );
    call(
        "/v1/mgmt/user/update/tenant/add",
        json!({"loginId": "tess@example.com", "tenantId": "T1"}),
    )
    .await;
    call(
        "/v1/mgmt/user/update/tenant/add",
        json!({"loginId": "tess@example.com", "tenantId": "T2"}),
    )
    .await;
    call(
        "/v1/mgmt/user/update/role/set",
        json!({"loginId": "tess@example.com", "tenantId": "T1", "roleNames": ["x"]}),
    )
    .await;
    let (_, user) = call(
        "/v1/mgmt/user/update/tenant/remove",
        json!({"loginId": "tess@example.com", "tenantId": "T2"}),
    )
    .await;
    assert_eq!(
        user["user"]["userTenants"],
        json!([{"tenantId": "T1", "tenantName": "T1", "roleNames": ["x"], "permissions": []}])
    );

    let (status, body) = local.sign_in_with_generated_code("tess@example.com").await;
    assert_eq!(status, 200, "{body}");
    let claims = claims_of(body["sessionJwt"].as_str().unwrap());
    assert_eq!(claims["roles"], json!(["b", "c"]));
    assert_eq!(claims["tenants"]["T1"]["roles"], json!(["x"]));
}

#[tokio::test]
async fn passwords_set_active_sign_in_and_temporary_or_expired_ones_must_be_replaced() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    let sign_in = |password: &'static str| {
        local.post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "tess@example.com", "password": password}),
        )
    };
    let set = |path: &'static str, password: &'static str| {
        local.mgmt("POST", path, json!({"loginId": "tess@example.com", "password": password, "setActive": path.ends_with("active")}))
    };

    let (status, answer) = set("/v1/mgmt/user/password/set/active", "short").await;
    assert_eq!(status, 400, "the policy holds: {answer}");

    assert_eq!(
        set("/v1/mgmt/user/password/set/active", "correct horse battery")
            .await
            .0,
        200
    );
    assert_eq!(sign_in("correct horse battery").await.0, 200);

    assert_eq!(
        set(
            "/v1/mgmt/user/password/set/temporary",
            "temporary password 1"
        )
        .await
        .0,
        200
    );
    let (status, _, answer) = sign_in("temporary password 1").await;
    assert_eq!(status, 401, "{answer}");
    assert_descope_error(&answer, "E062909");
    let (status, _, answer) = sign_in("correct horse battery").await;
    assert_eq!(status, 401, "the old password is gone: {answer}");
    assert_descope_error(&answer, "E062108");

    let (status, _, answer) = local
        .post("/v1/auth/password/replace", None, json!({"loginId": "tess@example.com", "oldPassword": "temporary password 1", "newPassword": "a new long password"}))
        .await;
    assert_eq!(
        status, 200,
        "a temporary password can be replaced: {answer}"
    );
    assert_eq!(sign_in("a new long password").await.0, 200);

    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/password/expire",
            json!({"loginId": "tess@example.com"}),
        )
        .await;
    assert_eq!((status, answer), (StatusCode::OK, json!({})));
    let (status, _, answer) = sign_in("a new long password").await;
    assert_eq!(status, 401);
    assert_descope_error(&answer, "E062909");
}

#[tokio::test]
async fn logout_ends_every_session_and_delete_removes_the_user_with_them() {
    let local = start().await;
    let user = local.create_test_user("tess@example.com").await;
    let first = refresh_jwt(
        &local
            .sign_in_with_generated_code("tess@example.com")
            .await
            .1,
    );
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/logout",
            json!({"userId": user["userId"]}),
        )
        .await;
    assert_eq!((status, answer), (StatusCode::OK, json!({})));
    assert_eq!(local.refresh(&first).await.0, 401);

    let second = refresh_jwt(
        &local
            .sign_in_with_generated_code("tess@example.com")
            .await
            .1,
    );
    let (status, _) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/delete",
            json!({"loginId": "tess@example.com"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        local.refresh(&second).await.0,
        401,
        "the deleted user's sessions are gone"
    );
    let (status, answer) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=tess@example.com", Value::Null)
        .await;
    assert_eq!(status, 400);
    assert_descope_error(&answer, "E112102");
    local.create_test_user("tess@example.com").await;
}

#[tokio::test]
async fn a_disabled_user_can_change_no_credential() {
    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;
    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update/status",
            json!({"loginId": "ada@example.com", "status": "disabled"}),
        )
        .await;
    let (status, _, _) = local
        .post(
            "/v1/auth/password/replace",
            None,
            json!({"loginId": "ada@example.com", "oldPassword": "correct horse battery",
                   "newPassword": "a password of my own"}),
        )
        .await;
    assert_eq!(status, 403);
    let code = local.code_for("ada@example.com").await;
    let (status, _, _) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": "ada@example.com", "code": code}),
        )
        .await;
    assert_eq!(status, 403);

    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update/status",
            json!({"loginId": "ada@example.com", "status": "enabled"}),
        )
        .await;
    let (status, _, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "neither refused attempt changed the password");
}

#[tokio::test]
async fn a_managed_user_keeps_their_password_through_a_code_sign_in() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/password/set/active",
            json!({"loginId": "tess@example.com", "password": "correct horse battery"}),
        )
        .await;
    let (status, body) = local.sign_in_with_generated_code("tess@example.com").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["verifiedEmail"], true);
    let (status, _, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "tess@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "the project vouched for this user's password");
}

#[tokio::test]
async fn setting_a_password_ends_the_users_sessions() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    let session = refresh_jwt(
        &local
            .sign_in_with_generated_code("tess@example.com")
            .await
            .1,
    );
    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/password/set/temporary",
            json!({"loginId": "tess@example.com", "password": "temporary password"}),
        )
        .await;
    assert_eq!(local.refresh(&session).await.0, 401);
}

#[tokio::test]
async fn user_calls_take_a_user_id_where_a_login_id_goes_as_the_node_sdk_sends_it() {
    let local = start().await;
    let user = local.create_test_user("tess@example.com").await;
    let id = user["userId"].as_str().unwrap();
    for (path, body) in [
        (
            "/v1/mgmt/user/update/status",
            json!({"loginId": id, "status": "disabled"}),
        ),
        (
            "/v1/mgmt/user/update/role/set",
            json!({"loginId": id, "roleNames": ["a"]}),
        ),
        (
            "/v1/mgmt/user/update/tenant/add",
            json!({"loginId": id, "tenantId": "T1"}),
        ),
    ] {
        let (status, answer) = local.mgmt("POST", path, body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        assert_eq!(answer["user"]["userId"], id);
    }
    let (status, answer) = local
        .mgmt(
            "PATCH",
            "/v1/mgmt/user/patch",
            json!({"loginId": id, "givenName": "Tess"}),
        )
        .await;
    assert_eq!(
        (status, &answer["user"]["givenName"]),
        (StatusCode::OK, &json!("Tess"))
    );
}

#[tokio::test]
async fn look_alike_login_ids_and_blank_tenants_are_refused() {
    let local = start().await;
    for login_id in ["te\u{200B}ss@example.com", "tess\u{202E}@example.com"] {
        let (status, answer) = local
            .mgmt("POST", "/v1/mgmt/user/create", json!({"loginId": login_id}))
            .await;
        assert_eq!(status, 400, "{login_id:?}: {answer}");
    }
    local.create_test_user("tess@example.com").await;
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update/role/set",
            json!({"loginId": "tess@example.com", "tenantId": "  ", "roleNames": ["admin"]}),
        )
        .await;
    assert_eq!(status, 400, "a blank tenant is not the project: {answer}");
    assert_descope_error(&answer, "E011002");
}

#[tokio::test]
async fn single_fields_and_batches_of_ids() {
    let local = start().await;
    let tess = local.create_test_user("tess@example.com").await;
    let tom = local.create_test_user("tom@example.com").await;
    let call = |path: &'static str, body: Value| local.mgmt("POST", path, body);

    let (_, phoned) = call(
        "/v1/mgmt/user/update/phone",
        json!({"loginId": "tess@example.com", "phone": "+15555550100", "verified": true}),
    )
    .await;
    assert_eq!(
        (&phoned["user"]["phone"], &phoned["user"]["verifiedPhone"]),
        (&json!("+15555550100"), &json!(true))
    );
    let (_, pictured) = call(
        "/v1/mgmt/user/update/picture",
        json!({"loginId": tess["userId"], "picture": "https://img.test/t.png"}),
    )
    .await;
    assert_eq!(pictured["user"]["picture"], "https://img.test/t.png");
    call(
        "/v1/mgmt/user/update/customAttribute",
        json!({"loginId": "tess@example.com", "attributeKey": "team", "attributeValue": "core"}),
    )
    .await;
    let (_, attributed) = call(
        "/v1/mgmt/user/update/customAttribute",
        json!({"loginId": "tess@example.com", "attributeKey": "level", "attributeValue": 3}),
    )
    .await;
    assert_eq!(
        attributed["user"]["customAttributes"],
        json!({"team": "core", "level": 3}),
        "one attribute at a time"
    );

    let (status, loaded) = call(
        "/v1/mgmt/users/load",
        json!({"userIds": [tom["userId"], "U2nobody", tess["userId"]]}),
    )
    .await;
    assert_eq!(status, 200, "{loaded}");
    let ids: Vec<_> = loaded["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userId"].clone())
        .collect();
    assert_eq!(ids, [tom["userId"].clone(), tess["userId"].clone()]);

    let (status, deleted) = call(
        "/v1/mgmt/user/delete/batch",
        json!({"userIds": [tom["userId"], tess["userId"], "U2nobody"]}),
    )
    .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!({})));
    let (_, left) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"withTestUser": true}),
        )
        .await;
    assert_eq!(left["total"], 0);
}

//! The management API's door: the management key, the license call, and the errors every
//! endpoint shares (no key, a wrong key, a bad body, an unknown user).

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::local::{assert_descope_error, start, start_in, start_with};

/// Every management endpoint: method, path, and a body naming `ghost@example.com`, a user who
/// does not exist (`null`: no body).
fn endpoints() -> Vec<(&'static str, &'static str, Value)> {
    let ghost = json!({"loginId": "ghost@example.com"});
    let with = |extra: Value| {
        let mut body = ghost.clone();
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    vec![
        ("GET", "/v1/mgmt/license", Value::Null),
        ("POST", "/v1/mgmt/user/create", ghost.clone()),
        ("POST", "/v1/mgmt/user/create/test", ghost.clone()),
        (
            "POST",
            "/v1/mgmt/user/create/batch",
            json!({"users": [ghost.clone()]}),
        ),
        (
            "GET",
            "/v1/mgmt/user?loginId=ghost@example.com",
            Value::Null,
        ),
        ("POST", "/v2/mgmt/user/search", json!({})),
        ("POST", "/v2/mgmt/user/search/test", json!({})),
        ("POST", "/v1/mgmt/user/update", ghost.clone()),
        ("PATCH", "/v1/mgmt/user/patch", ghost.clone()),
        (
            "POST",
            "/v1/mgmt/user/update/status",
            with(json!({"status": "disabled"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/email",
            with(json!({"email": "new@example.com"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/name",
            with(json!({"displayName": "Ghost"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/role/set",
            with(json!({"roleNames": ["admin"]})),
        ),
        (
            "POST",
            "/v2/mgmt/user/update/role/add",
            with(json!({"roleNames": ["admin"]})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/role/remove",
            with(json!({"roleNames": ["admin"]})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/tenant/add",
            with(json!({"tenantId": "T1"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/tenant/remove",
            with(json!({"tenantId": "T1"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/password/set/active",
            with(json!({"password": "correct horse battery"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/password/set/temporary",
            with(json!({"password": "correct horse battery"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/password/set",
            with(json!({"password": "correct horse battery"})),
        ),
        ("POST", "/v1/mgmt/user/password/expire", ghost.clone()),
        ("POST", "/v1/mgmt/user/logout", ghost.clone()),
        ("POST", "/v1/mgmt/user/delete", ghost.clone()),
        ("DELETE", "/v1/mgmt/user/test/delete/all", Value::Null),
        (
            "POST",
            "/v1/mgmt/user/update/phone",
            with(json!({"phone": "+15555550100"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/picture",
            with(json!({"picture": "https://x.test/p.png"})),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/customAttribute",
            with(json!({"attributeKey": "team", "attributeValue": "a"})),
        ),
        (
            "POST",
            "/v1/mgmt/users/load",
            json!({"userIds": ["U2none"]}),
        ),
        (
            "POST",
            "/v1/mgmt/user/delete/batch",
            json!({"userIds": ["U2none"]}),
        ),
        (
            "POST",
            "/v1/mgmt/permission/create",
            json!({"name": "read"}),
        ),
        (
            "POST",
            "/v1/mgmt/permission/update",
            json!({"name": "read", "newName": "view"}),
        ),
        (
            "POST",
            "/v1/mgmt/permission/delete",
            json!({"name": "read"}),
        ),
        ("GET", "/v1/mgmt/permission/all", Value::Null),
        ("POST", "/v1/mgmt/role/create", json!({"name": "editor"})),
        (
            "POST",
            "/v1/mgmt/role/update",
            json!({"name": "editor", "newName": "author"}),
        ),
        ("POST", "/v1/mgmt/role/delete", json!({"name": "editor"})),
        ("GET", "/v1/mgmt/role/all", Value::Null),
        ("POST", "/v1/mgmt/tenant/create", json!({"name": "Acme"})),
        (
            "POST",
            "/v1/mgmt/tenant/update",
            json!({"id": "T1", "name": "Acme"}),
        ),
        (
            "POST",
            "/v1/mgmt/tenant/delete",
            json!({"id": "T1", "cascade": false}),
        ),
        ("GET", "/v1/mgmt/tenant?id=T1", Value::Null),
        ("GET", "/v1/mgmt/tenant/all", Value::Null),
        ("POST", "/v1/mgmt/tenant/search", json!({})),
        ("POST", "/v1/mgmt/accesskey/create", json!({"name": "ci"})),
        ("GET", "/v1/mgmt/accesskey?id=K2none", Value::Null),
        (
            "POST",
            "/v1/mgmt/accesskey/search",
            json!({"tenantIds": []}),
        ),
        (
            "POST",
            "/v1/mgmt/accesskey/update",
            json!({"id": "K2none", "name": "ci"}),
        ),
        (
            "POST",
            "/v1/mgmt/accesskey/activate",
            json!({"id": "K2none"}),
        ),
        (
            "POST",
            "/v1/mgmt/accesskey/deactivate",
            json!({"id": "K2none"}),
        ),
        ("POST", "/v1/mgmt/accesskey/delete", json!({"id": "K2none"})),
        (
            "POST",
            "/v1/mgmt/jwt/update",
            json!({"jwt": "x.y.z", "customClaims": {}}),
        ),
        (
            "POST",
            "/v1/mgmt/tests/generate/otp",
            with(json!({"deliveryMethod": "email"})),
        ),
        (
            "POST",
            "/v1/mgmt/tests/generate/magiclink",
            with(json!({"deliveryMethod": "email", "URI": "http://app.test:3000/verify"})),
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_refuses_a_missing_or_wrong_key_and_changes_nothing() {
    // More wrong keys than an address may present by default.
    let local = start_with(|c| c.address_failures = 1000).await;
    let auth_token = local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let refresh = auth_token["refreshJwt"].as_str().unwrap().to_owned();
    for (method, path, body) in endpoints() {
        for key in [
            None,
            Some("K2WrongManagementKeyOfTheLocalServer"),
            Some(refresh.as_str()),
        ] {
            let (status, answer) = local.mgmt_as(key, method, path, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path}: {answer}"
            );
            assert_descope_error(&answer, "E011010");
        }
    }
    let (_, users) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"withTestUser": true}),
        )
        .await;
    assert_eq!(users["total"], 1, "only Ada: {users}");
    let (_, keys) = local
        .mgmt("POST", "/v1/mgmt/accesskey/search", json!({}))
        .await;
    assert_eq!(keys, json!({"keys": []}), "no access key was made");
    for list in [
        "/v1/mgmt/permission/all",
        "/v1/mgmt/role/all",
        "/v1/mgmt/tenant/all",
    ] {
        let (_, answer) = local.mgmt("GET", list, Value::Null).await;
        let items = answer.as_object().unwrap().values().next().unwrap();
        assert_eq!(items, &json!([]), "{list}: {answer}");
    }
}

#[tokio::test]
async fn every_endpoint_that_names_a_user_says_when_there_is_none() {
    let local = start().await;
    for (method, path, body) in endpoints() {
        let about_users = path.contains("/user") || path.contains("/tests/");
        let creates = path.contains("/create") || path.contains("/search");
        // Deletes and batch loads name users they need not find.
        let idempotent = path.ends_with("/delete")
            || path.ends_with("/delete/all")
            || path.ends_with("/delete/batch")
            || path.ends_with("/users/load");
        if !about_users || creates || idempotent {
            continue;
        }
        let (status, answer) = local.mgmt(method, path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}: {answer}");
        assert_descope_error(&answer, "E112102");
    }
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/delete",
            json!({"loginId": "ghost@example.com"}),
        )
        .await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({})),
        "deleting no one is no error"
    );
}

#[tokio::test]
async fn every_endpoint_with_a_body_refuses_a_malformed_one_in_descopes_shape() {
    let local = start().await;
    let client = reqwest::Client::new();
    for (method, path, body) in endpoints() {
        if body.is_null() {
            continue;
        }
        for bad in ["{not json", r#""a string""#, "7"] {
            let response = client
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    format!("{}{path}", local.base),
                )
                .header(
                    "authorization",
                    test_support::local::bearer(Some(test_support::local::MANAGEMENT_KEY)),
                )
                .header("content-type", "application/json")
                .body(bad)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let answer: Value = response.json().await.unwrap();
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{method} {path} {bad}: {answer}"
            );
            assert_descope_error(&answer, "E011001");
        }
    }
}

#[tokio::test]
async fn missing_fields_are_named() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    for (path, body, missing) in [
        ("/v1/mgmt/user/create", json!({}), "loginId"),
        (
            "/v1/mgmt/user/update/status",
            json!({"loginId": "tess@example.com"}),
            "status",
        ),
        (
            "/v1/mgmt/user/update/role/set",
            json!({"loginId": "tess@example.com"}),
            "roleNames",
        ),
        (
            "/v1/mgmt/user/update/tenant/add",
            json!({"loginId": "tess@example.com"}),
            "tenantId",
        ),
        (
            "/v1/mgmt/user/password/set/active",
            json!({"loginId": "tess@example.com"}),
            "password",
        ),
        (
            "/v1/mgmt/tests/generate/magiclink",
            json!({"loginId": "tess@example.com"}),
            "URI",
        ),
    ] {
        let (status, answer) = local.mgmt("POST", path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
        assert_descope_error(&answer, "E011002");
        assert!(
            answer["errorMessage"].as_str().unwrap().contains(missing),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn the_license_call_answers_as_a_free_project() {
    let local = start().await;
    let (status, answer) = local.mgmt("GET", "/v1/mgmt/license", Value::Null).await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({"rateLimitTier": "tier1"}))
    );
}

#[tokio::test]
async fn without_a_setting_the_key_is_generated_once_and_kept_in_the_data_folder() {
    use std::os::unix::fs::PermissionsExt;
    let local = start_with(|c| c.management_key = None).await;
    let file = local.dir.join("management-key");
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(kept.len() >= 40, "{kept}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    let (status, _) = local
        .mgmt_as(Some(&kept), "GET", "/v1/mgmt/license", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = local.mgmt("GET", "/v1/mgmt/license", Value::Null).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the test key is not this server's"
    );

    let again = start_in(&local.dir, |c| c.management_key = None).await;
    let (status, _) = again
        .mgmt_as(Some(&kept), "GET", "/v1/mgmt/license", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "a restart keeps the key");

    let fresh = local.dir.join("new/data");
    start_in(&fresh, |c| c.management_key = None).await;
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o777,
        0o700,
        "a data folder the server creates is its owner's"
    );
}

#[tokio::test]
async fn guessing_the_key_is_rate_limited_per_address_apart_from_other_secrets() {
    let local = start_with(|c| c.address_failures = 3).await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let wrong_key = || {
        local.mgmt_as(
            Some("K2WrongManagementKeyOfTheLocalServer"),
            "GET",
            "/v1/mgmt/license",
            Value::Null,
        )
    };
    let wrong_password = || {
        local.post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "wrong password"}),
        )
    };
    // Wrong passwords up to the limit leave the management key alone, and requests without a
    // key are not counted.
    for _ in 0..3 {
        assert_eq!(wrong_password().await.0, StatusCode::UNAUTHORIZED);
        let (status, _) = local
            .mgmt_as(None, "GET", "/v1/mgmt/license", Value::Null)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        local.mgmt("GET", "/v1/mgmt/license", Value::Null).await.0,
        StatusCode::OK
    );
    for _ in 0..3 {
        assert_eq!(wrong_key().await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, answer) = local.mgmt("GET", "/v1/mgmt/license", Value::Null).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right key waits, or the limit would not slow a guesser: {answer}"
    );
    assert_descope_error(&answer, "E130429");
    local.clock.advance(601);
    assert_eq!(
        local.mgmt("GET", "/v1/mgmt/license", Value::Null).await.0,
        StatusCode::OK
    );
}

#[test]
fn the_standalone_server_shows_a_generated_key_once_then_where_it_is_kept() {
    let dir = test_support::TempDir::new("descope-local-test");
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let start = || {
        test_support::process::Process::start(
            env!("CARGO_BIN_EXE_descope-local").as_ref(),
            &[
                ("DESCOPE_LOCAL_DATA_DIR", data),
                ("DESCOPE_LOCAL_ADDR", "127.0.0.1:0"),
                ("RUST_LOG", "info"),
            ],
            "local Descope at ",
        )
    };
    let first = start();
    let key = std::fs::read_to_string(dir.path().join("data/management-key")).unwrap();
    let log = first.log();
    assert!(
        log.lines()
            .any(|l| l.contains("management key: ") && l.contains(&key)),
        "{log}"
    );
    first.kill();

    let second = start();
    let log = second.log();
    assert!(log.contains("management key: kept in "), "{log}");
    assert!(
        !log.contains(&key),
        "a later start does not show the key: {log}"
    );
}

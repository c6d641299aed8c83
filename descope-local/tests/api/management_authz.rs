//! Permissions, roles and tenants through the management API, and what they grant where a
//! user meets them: the session token's `permissions` and `tenants`, tenant selection (`dct`),
//! `me/tenants` and the user's tenant names.

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::{
    jwt::claims_of,
    local::{assert_descope_error, refresh_jwt, start, Local},
};

/// A management `POST` that must succeed; answers its body.
async fn ok(local: &Local, path: &str, body: Value) -> Value {
    let (status, answer) = local.mgmt("POST", path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{path} {body}: {answer}");
    answer
}

/// The claims of a JWT response's session token.
fn session_claims(response: &Value) -> Value {
    claims_of(response["sessionJwt"].as_str().unwrap())
}

/// Signs the test user `login_id` in with a generated code; answers the JWT response.
async fn sign_in(local: &Local, login_id: &str) -> Value {
    let (status, body) = local.sign_in_with_generated_code(login_id).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Permissions `read` and `write`; a project role `editor` granting both and `viewer`
/// granting `read`; tenant `Acme` (ID `T1`) with its own `owner` role granting `write`.
async fn model(local: &Local) {
    for name in ["read", "write"] {
        ok(
            local,
            "/v1/mgmt/permission/create",
            json!({"name": name, "description": null}),
        )
        .await;
    }
    ok(
        local,
        "/v1/mgmt/role/create",
        json!({"name": "editor", "permissionNames": ["read", "write"], "tenantId": null}),
    )
    .await;
    ok(
        local,
        "/v1/mgmt/role/create",
        json!({"name": "viewer", "permissionNames": ["read"]}),
    )
    .await;
    let created = ok(local, "/v1/mgmt/tenant/create", json!({"name": "Acme", "id": "T1", "selfProvisioningDomains": [], "enforceSSO": false, "disabled": false})).await;
    assert_eq!(created, json!({"id": "T1"}));
    ok(
        local,
        "/v1/mgmt/role/create",
        json!({"name": "owner", "tenantId": "T1", "permissionNames": ["write"]}),
    )
    .await;
}

#[tokio::test]
async fn roles_expand_to_their_permissions_in_the_token_project_wide_and_per_tenant() {
    let local = start().await;
    model(&local).await;
    ok(
        &local,
        "/v1/mgmt/user/create/test",
        json!({"loginId": "tess@example.com", "roleNames": ["editor"],
               "userTenants": [{"tenantId": "T1", "roleNames": ["owner", "viewer"]}]}),
    )
    .await;
    let claims = session_claims(&sign_in(&local, "tess@example.com").await);
    assert_eq!(claims["roles"], json!(["editor"]));
    assert_eq!(claims["permissions"], json!(["read", "write"]));
    assert_eq!(
        claims["tenants"]["T1"],
        json!({"roles": ["owner", "viewer"], "permissions": ["read", "write"]}),
        "a tenant's own role, and a project role by name"
    );
    let rexp = claims["rexp"].as_str().unwrap();
    assert!(
        rexp.len() == 20 && rexp.ends_with('Z') && rexp.contains('T'),
        "{rexp}"
    );
    assert!(claims.get("dct").is_none(), "no tenant selected yet");
}

#[tokio::test]
async fn renames_and_deletions_reach_users_and_their_next_token() {
    let local = start().await;
    model(&local).await;
    ok(
        &local,
        "/v1/mgmt/user/create/test",
        json!({"loginId": "tess@example.com", "roleNames": ["editor", "viewer"]}),
    )
    .await;

    ok(
        &local,
        "/v1/mgmt/permission/update",
        json!({"name": "write", "newName": "publish", "description": "Publish"}),
    )
    .await;
    ok(
        &local,
        "/v1/mgmt/role/update",
        json!({"name": "editor", "newName": "author", "permissionNames": ["publish"]}),
    )
    .await;
    ok(
        &local,
        "/v1/mgmt/role/delete",
        json!({"name": "viewer", "tenantId": null}),
    )
    .await;
    let (_, user) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=tess@example.com", Value::Null)
        .await;
    assert_eq!(user["user"]["roleNames"], json!(["author"]));
    let claims = session_claims(&sign_in(&local, "tess@example.com").await);
    assert_eq!(claims["permissions"], json!(["publish"]));

    let (_, roles) = local.mgmt("GET", "/v1/mgmt/role/all", Value::Null).await;
    let names: Vec<_> = roles["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["tenantId"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("", "author"), ("T1", "owner")]);
    let (_, permissions) = local
        .mgmt("GET", "/v1/mgmt/permission/all", Value::Null)
        .await;
    assert_eq!(
        permissions["permissions"][0],
        json!({"name": "publish", "description": "Publish", "systemDefault": false})
    );

    ok(
        &local,
        "/v1/mgmt/permission/delete",
        json!({"name": "publish"}),
    )
    .await;
    let after = session_claims(&sign_in(&local, "tess@example.com").await);
    assert_eq!(
        after["permissions"],
        json!([]),
        "a deleted permission is granted by no role"
    );
}

#[tokio::test]
async fn the_model_refuses_duplicates_and_unknown_names_and_changes_nothing() {
    let local = start().await;
    model(&local).await;
    for (path, body, status) in [
        (
            "/v1/mgmt/permission/create",
            json!({"name": "read"}),
            StatusCode::CONFLICT,
        ),
        (
            "/v1/mgmt/permission/update",
            json!({"name": "read", "newName": "write"}),
            StatusCode::CONFLICT,
        ),
        (
            "/v1/mgmt/permission/update",
            json!({"name": "nope", "newName": "x"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/permission/delete",
            json!({"name": "nope"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/role/create",
            json!({"name": "editor"}),
            StatusCode::CONFLICT,
        ),
        (
            "/v1/mgmt/role/create",
            json!({"name": "x", "permissionNames": ["nope"]}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/role/create",
            json!({"name": "x", "tenantId": "T404"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/role/update",
            json!({"name": "nope", "newName": "x"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/role/update",
            json!({"name": "viewer", "newName": "editor"}),
            StatusCode::CONFLICT,
        ),
        (
            "/v1/mgmt/role/update",
            json!({"name": "viewer"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/role/delete",
            json!({"name": "owner"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/tenant/create",
            json!({"name": "Acme"}),
            StatusCode::CONFLICT,
        ),
        (
            "/v1/mgmt/tenant/create",
            json!({"name": "Other", "id": "T1"}),
            StatusCode::CONFLICT,
        ),
        (
            "/v1/mgmt/tenant/create",
            json!({"id": "T2"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/tenant/update",
            json!({"id": "T404", "name": "X"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/mgmt/tenant/delete",
            json!({"id": "T404"}),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (got, answer) = local.mgmt("POST", path, body.clone()).await;
        assert_eq!(got, status, "{path} {body}: {answer}");
        assert!(
            answer["errorCode"].as_str().unwrap().starts_with('E'),
            "{answer}"
        );
    }
    let (status, answer) = local
        .mgmt("GET", "/v1/mgmt/tenant?id=T404", Value::Null)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (_, roles) = local.mgmt("GET", "/v1/mgmt/role/all", Value::Null).await;
    assert_eq!(
        roles["roles"].as_array().unwrap().len(),
        3,
        "nothing changed: {roles}"
    );
}

#[tokio::test]
async fn tenants_load_search_update_and_delete_with_their_memberships() {
    let local = start().await;
    model(&local).await;
    let generated = ok(&local, "/v1/mgmt/tenant/create", json!({"name": "Globex", "customAttributes": {"plan": "pro"}, "selfProvisioningDomains": ["globex.test"]})).await;
    let globex = generated["id"].as_str().unwrap().to_owned();
    assert!(globex.starts_with('T') && globex.len() > 20, "{globex}");

    let (status, acme) = local
        .mgmt("GET", "/v1/mgmt/tenant?id=T1", Value::Null)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (&acme["id"], &acme["name"], &acme["enforceSSO"]),
        (&json!("T1"), &json!("Acme"), &json!(false))
    );
    let (_, found) = local.mgmt("POST", "/v1/mgmt/tenant/search", json!({"tenantIds": null, "tenantNames": null, "tenantSelfProvisioningDomains": ["globex.test"], "customAttributes": {"plan": "pro"}})).await;
    assert_eq!(found["tenants"].as_array().unwrap().len(), 1);
    assert_eq!(found["tenants"][0]["id"], globex.as_str());

    ok(
        &local,
        "/v1/mgmt/tenant/update",
        json!({"id": "T1", "name": "Acme Corp"}),
    )
    .await;
    ok(&local, "/v1/mgmt/user/create/test", json!({"loginId": "tess@example.com", "userTenants": [{"tenantId": "T1", "roleNames": ["owner"]}]})).await;
    let (_, user) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=tess@example.com", Value::Null)
        .await;
    assert_eq!(user["user"]["userTenants"][0]["tenantName"], "Acme Corp");

    ok(
        &local,
        "/v1/mgmt/tenant/delete",
        json!({"id": "T1", "cascade": false}),
    )
    .await;
    let (_, user) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=tess@example.com", Value::Null)
        .await;
    assert_eq!(
        user["user"]["userTenants"],
        json!([]),
        "deleting a tenant ends its memberships"
    );
    let (_, all) = local.mgmt("GET", "/v1/mgmt/tenant/all", Value::Null).await;
    assert_eq!(all["tenants"].as_array().unwrap().len(), 1);
    let (_, roles) = local.mgmt("GET", "/v1/mgmt/role/all", Value::Null).await;
    assert!(
        roles["roles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["tenantId"] == ""),
        "its roles went with it"
    );
}

#[tokio::test]
async fn selecting_a_tenant_sets_dct_for_this_session_and_its_refreshes() {
    let local = start().await;
    model(&local).await;
    ok(
        &local,
        "/v1/mgmt/tenant/create",
        json!({"name": "Globex", "id": "T2"}),
    )
    .await;
    ok(&local, "/v1/mgmt/user/create/test", json!({"loginId": "tess@example.com", "userTenants": [{"tenantId": "T1", "roleNames": ["owner"]}, {"tenantId": "T2"}]})).await;
    let first = refresh_jwt(&sign_in(&local, "tess@example.com").await);
    let other = refresh_jwt(&sign_in(&local, "tess@example.com").await);

    let (status, _, refused) = local
        .post(
            "/v1/auth/tenant/select",
            Some(&first),
            json!({"tenant": "T3"}),
        )
        .await;
    assert_eq!(status, 400, "not a member: {refused}");
    let (status, _, selected) = local
        .post(
            "/v1/auth/tenant/select",
            Some(&first),
            json!({"tenant": "T1"}),
        )
        .await;
    assert_eq!(status, 200, "{selected}");
    assert_eq!(session_claims(&selected)["dct"], "T1");
    assert_eq!(selected["user"]["userTenants"][0]["tenantName"], "Acme");

    let (status, refreshed) = local.refresh(&refresh_jwt(&selected)).await;
    assert_eq!(status, 200);
    assert_eq!(
        session_claims(&refreshed)["dct"],
        "T1",
        "the selection lasts"
    );
    let (_, other_refreshed) = local.refresh(&other).await;
    assert!(
        session_claims(&other_refreshed).get("dct").is_none(),
        "other sessions choose for themselves"
    );

    let token = refresh_jwt(&refreshed);
    let (status, _, mine) = local
        .post("/v1/auth/me/tenants", Some(&token), json!({"dct": true}))
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(
        mine,
        json!({"tenants": [{"id": "T1", "name": "Acme", "customAttributes": {}}]})
    );
    let (_, _, listed) = local
        .post(
            "/v1/auth/me/tenants",
            Some(&token),
            json!({"ids": ["T2", "T9"]}),
        )
        .await;
    assert_eq!(listed["tenants"][0]["id"], "T2");
    assert_eq!(
        listed["tenants"].as_array().unwrap().len(),
        1,
        "only the user's own"
    );
    for both_or_neither in [json!({"dct": true, "ids": ["T1"]}), json!({})] {
        let (status, _, answer) = local
            .post("/v1/auth/me/tenants", Some(&token), both_or_neither)
            .await;
        assert_eq!(status, 400, "{answer}");
    }
    let (status, _, answer) = local
        .post("/v1/auth/me/tenants", None, json!({"dct": true}))
        .await;
    assert_eq!(status, 401, "{answer}");
    assert_descope_error(&answer, "E061301");
}

#[tokio::test]
async fn history_lists_each_sign_in_newest_first_with_its_address() {
    let local = start().await;
    local.create_test_user("tess@example.com").await;
    let first = sign_in(&local, "tess@example.com").await;
    local.clock.advance(60);
    let second = sign_in(&local, "tess@example.com").await;
    let (status, history) = local
        .get("/v1/auth/me/history", Some(&refresh_jwt(&first)))
        .await;
    assert_eq!(status, 200, "{history}");
    let entries = history.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["userId"], second["user"]["userId"]);
    assert_eq!(entries[0]["ip"], "127.0.0.1");
    assert!(entries[0]["loginTime"].as_i64() >= entries[1]["loginTime"].as_i64().map(|t| t + 60));
}

#[tokio::test]
async fn a_renamed_project_role_follows_its_holders_into_tenants_and_access_keys() {
    let local = start().await;
    model(&local).await;
    ok(
        &local,
        "/v1/mgmt/user/create/test",
        json!({"loginId": "tess@example.com",
               "userTenants": [{"tenantId": "T1", "roleNames": ["viewer"]}]}),
    )
    .await;
    let key = ok(
        &local,
        "/v1/mgmt/accesskey/create",
        json!({"name": "CI", "roleNames": ["viewer"],
               "keyTenants": [{"tenantId": "T1", "roleNames": ["viewer"]}]}),
    )
    .await;
    ok(
        &local,
        "/v1/mgmt/role/update",
        json!({"name": "viewer", "newName": "reader", "permissionNames": ["read"]}),
    )
    .await;
    let (_, user) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=tess@example.com", Value::Null)
        .await;
    assert_eq!(
        user["user"]["userTenants"][0]["roleNames"],
        json!(["reader"])
    );
    let id = key["key"]["id"].as_str().unwrap();
    let (_, loaded) = local
        .mgmt("GET", &format!("/v1/mgmt/accesskey?id={id}"), Value::Null)
        .await;
    assert_eq!(loaded["key"]["roleNames"], json!(["reader"]));
    assert_eq!(
        loaded["key"]["keyTenants"][0]["roleNames"],
        json!(["reader"])
    );

    ok(&local, "/v1/mgmt/role/delete", json!({"name": "reader"})).await;
    let (_, loaded) = local
        .mgmt("GET", &format!("/v1/mgmt/accesskey?id={id}"), Value::Null)
        .await;
    assert_eq!(loaded["key"]["roleNames"], json!([]));
    ok(&local, "/v1/mgmt/tenant/delete", json!({"id": "T1"})).await;
    let (_, loaded) = local
        .mgmt("GET", &format!("/v1/mgmt/accesskey?id={id}"), Value::Null)
        .await;
    assert_eq!(
        loaded["key"]["keyTenants"],
        json!([]),
        "the tenant is gone from the key"
    );
}

#[tokio::test]
async fn a_selected_tenant_ends_with_the_membership() {
    let local = start().await;
    model(&local).await;
    ok(
        &local,
        "/v1/mgmt/user/create/test",
        json!({"loginId": "tess@example.com", "userTenants": [{"tenantId": "T1"}]}),
    )
    .await;
    let token = refresh_jwt(&sign_in(&local, "tess@example.com").await);
    let (_, _, selected) = local
        .post(
            "/v1/auth/tenant/select",
            Some(&token),
            json!({"tenant": "T1"}),
        )
        .await;
    assert_eq!(session_claims(&selected)["dct"], "T1");
    ok(
        &local,
        "/v1/mgmt/user/update/tenant/remove",
        json!({"loginId": "tess@example.com", "tenantId": "T1"}),
    )
    .await;
    let token = refresh_jwt(&selected);
    let (_, _, mine) = local
        .post("/v1/auth/me/tenants", Some(&token), json!({"dct": true}))
        .await;
    assert_eq!(mine, json!({"tenants": []}), "no longer a member");
    let (status, refreshed) = local.refresh(&token).await;
    assert_eq!(status, 200);
    assert!(
        session_claims(&refreshed).get("dct").is_none(),
        "{refreshed}"
    );

    ok(
        &local,
        "/v1/mgmt/user/update/tenant/add",
        json!({"loginId": "tess@example.com", "tenantId": "T1"}),
    )
    .await;
    ok(
        &local,
        "/v1/mgmt/tenant/update",
        json!({"id": "T1", "name": "Acme", "disabled": true}),
    )
    .await;
    let (status, _, refused) = local
        .post(
            "/v1/auth/tenant/select",
            Some(&refresh_jwt(&refreshed)),
            json!({"tenant": "T1"}),
        )
        .await;
    assert_eq!(status, 400, "a disabled tenant is not selected: {refused}");
}

//! Access keys, which a machine exchanges for a session token, and JWT updates with custom
//! claims, through the management API and the exchange endpoint.

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::{
    jwt::claims_of,
    local::{assert_descope_error, refresh_jwt, start, start_with, Local},
};

/// `POST /v1/auth/accesskey/exchange` with `secret`: (status, body).
async fn exchange(local: &Local, secret: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, answer) = local
        .post("/v1/auth/accesskey/exchange", Some(secret), body)
        .await;
    (status, answer)
}

/// Permission `deploy`, role `ci` granting it, tenant `T1`; and an access key with role `ci`,
/// tenant `T1` (role `ci`) and a custom claim. Answers (key ID, secret).
async fn key(local: &Local, extra: Value) -> (String, String) {
    local
        .mgmt(
            "POST",
            "/v1/mgmt/permission/create",
            json!({"name": "deploy"}),
        )
        .await;
    local
        .mgmt(
            "POST",
            "/v1/mgmt/role/create",
            json!({"name": "ci", "permissionNames": ["deploy"]}),
        )
        .await;
    local
        .mgmt(
            "POST",
            "/v1/mgmt/tenant/create",
            json!({"id": "T1", "name": "Acme"}),
        )
        .await;
    let mut body = json!({
        "name": "CI", "expireTime": 0, "roleNames": ["ci"],
        "keyTenants": [{"tenantId": "T1", "roleNames": ["ci"]}], "userId": null,
        "customClaims": {"team": "platform"}, "description": null, "permittedIps": null
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, created) = local.mgmt("POST", "/v1/mgmt/accesskey/create", body).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["key"]["status"], "active");
    (
        created["key"]["id"].as_str().unwrap().to_owned(),
        created["cleartext"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_machine_exchanges_its_key_for_a_session_token_as_descope_makes_it() {
    let local = start().await;
    let (id, secret) = key(&local, json!({})).await;
    let (status, answer) = exchange(
        &local,
        &secret,
        json!({"loginOptions": {"customClaims": {"job": "42"}, "selectedTenant": "T1"}}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["keyId"], id.as_str());
    let jwt = answer["sessionJwt"].as_str().unwrap();
    let session = local.validator().validate(jwt).await.unwrap();
    assert_eq!(session.user_id, id);
    assert!(session.has_permission("deploy"));
    assert_eq!(session.current_tenant.as_deref(), Some("T1"));
    let claims = claims_of(jwt);
    assert_eq!(claims["exp"], answer["expiration"]);
    assert_eq!(claims["roles"], json!(["ci"]));
    assert_eq!(claims["permissions"], json!(["deploy"]));
    assert_eq!(
        claims["tenants"]["T1"],
        json!({"roles": ["ci"], "permissions": ["deploy"]})
    );
    assert_eq!(
        claims["team"], "platform",
        "the key's own claims at the top"
    );
    assert_eq!(
        claims["nsec"],
        json!({"job": "42"}),
        "the exchange's under nsec"
    );
    assert_eq!(claims["dct"], "T1");

    let (status, plain) = exchange(&local, &secret, json!({})).await;
    assert_eq!(status, 200, "{plain}");
    assert!(claims_of(plain["sessionJwt"].as_str().unwrap())
        .get("nsec")
        .is_none());
}

#[tokio::test]
async fn only_a_live_key_from_a_permitted_address_is_exchanged() {
    let local = start_with(|c| c.address_failures = 1000).await;
    let (id, secret) = key(&local, json!({"permittedIps": ["127.0.0.1"]})).await;
    let refused = |answer: &(StatusCode, Value)| {
        assert_eq!(answer.0, StatusCode::UNAUTHORIZED, "{}", answer.1);
        assert_descope_error(&answer.1, "E062108");
    };
    refused(&exchange(&local, "not-the-secret", json!({})).await);
    refused(
        &exchange(
            &local,
            &secret,
            json!({"loginOptions": {"selectedTenant": "T2"}}),
        )
        .await,
    );
    let (status, _, answer) = local
        .post("/v1/auth/accesskey/exchange", None, json!({}))
        .await;
    assert_eq!(status, 401, "no key: {answer}");

    let elsewhere = test_support::local::client_from(2);
    let (status, _, _) = local
        .post_with(
            &elsewhere,
            "/v1/auth/accesskey/exchange",
            Some(&secret),
            json!({}),
        )
        .await;
    assert_eq!(status, 401, "127.0.0.2 is not permitted");

    let set = |path: &'static str| local.mgmt("POST", path, json!({"id": id}));
    assert_eq!(set("/v1/mgmt/accesskey/deactivate").await.0, 200);
    refused(&exchange(&local, &secret, json!({})).await);
    assert_eq!(set("/v1/mgmt/accesskey/activate").await.0, 200);
    assert_eq!(exchange(&local, &secret, json!({})).await.0, 200);

    let (status, updated) = local
        .mgmt(
            "POST",
            "/v1/mgmt/accesskey/update",
            json!({"id": id, "name": "CI (renamed)", "description": "deploys"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["key"]["name"], "CI (renamed)");
    assert_eq!(
        updated["key"]["roleNames"],
        json!(["ci"]),
        "what the update leaves out stays"
    );
    let expires = local.clock.now() + 60;
    local
        .mgmt(
            "POST",
            "/v1/mgmt/accesskey/update",
            json!({"id": id, "name": "CI", "expireTime": expires}),
        )
        .await;
    assert_eq!(exchange(&local, &secret, json!({})).await.0, 200);
    local.clock.advance(61);
    refused(&exchange(&local, &secret, json!({})).await);

    assert_eq!(set("/v1/mgmt/accesskey/delete").await.0, 200);
    let (status, answer) = local
        .mgmt("GET", &format!("/v1/mgmt/accesskey?id={id}"), Value::Null)
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(set("/v1/mgmt/accesskey/delete").await.0, 400);
}

#[tokio::test]
async fn keys_load_and_search_without_their_secret() {
    let local = start().await;
    let (id, secret) = key(&local, json!({})).await;
    let (status, loaded) = local
        .mgmt("GET", &format!("/v1/mgmt/accesskey?id={id}"), Value::Null)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        loaded["key"]["keyTenants"],
        json!([{"tenantId": "T1", "roleNames": ["ci"]}])
    );
    assert!(
        !loaded.to_string().contains(&secret),
        "the secret is shown once"
    );
    let (_, found) = local
        .mgmt(
            "POST",
            "/v1/mgmt/accesskey/search",
            json!({"tenantIds": ["T1"]}),
        )
        .await;
    assert_eq!(found["keys"][0]["id"], id.as_str());
    let (_, none) = local
        .mgmt(
            "POST",
            "/v1/mgmt/accesskey/search",
            json!({"tenantIds": ["T9"]}),
        )
        .await;
    assert_eq!(none, json!({"keys": []}));
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/accesskey/create",
            json!({"name": "bad", "permittedIps": ["10.0.0.0/8"]}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
}

#[tokio::test]
async fn a_jwt_update_adds_custom_claims_but_not_over_descopes_own() {
    let local = start().await;
    let signed_up = local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let jwt = signed_up["sessionJwt"].as_str().unwrap();
    let before = claims_of(jwt);
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/jwt/update",
            json!({"jwt": jwt, "customClaims": {"plan": "pro", "sub": "someone-else",
                                                "roles": ["admin"]}, "refreshDuration": 0}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let updated = answer["jwt"].as_str().unwrap();
    assert!(local.validator().validate(updated).await.is_ok());
    let claims = claims_of(updated);
    assert_eq!(claims["plan"], "pro");
    assert_eq!(
        (&claims["sub"], &claims["roles"]),
        (&before["sub"], &before["roles"])
    );
    assert_eq!(claims["exp"], before["exp"], "no duration keeps the expiry");

    let (_, longer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/jwt/update",
            json!({"jwt": jwt, "customClaims": {}, "refreshDuration": 60}),
        )
        .await;
    let exp = claims_of(longer["jwt"].as_str().unwrap())["exp"]
        .as_i64()
        .unwrap();
    assert!((local.clock.now() + 59..=local.clock.now() + 61).contains(&exp));

    // A valid signature's first byte changed: still base64url, no longer the signature.
    let (input, signature) = jwt.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let forged = format!("{input}.{flipped}{}", &signature[1..]);
    for refused in [forged.as_str(), &refresh_jwt(&signed_up), "not.a.jwt"] {
        let (status, answer) = local
            .mgmt(
                "POST",
                "/v1/mgmt/jwt/update",
                json!({"jwt": refused, "customClaims": {}}),
            )
            .await;
        assert_eq!(status, 400, "{answer}");
        assert_descope_error(&answer, "E011003");
    }
    local.clock.advance(601);
    let (status, _) = local
        .mgmt(
            "POST",
            "/v1/mgmt/jwt/update",
            json!({"jwt": jwt, "customClaims": {}}),
        )
        .await;
    assert_eq!(status, 400, "an expired token is not updated");
}

#[tokio::test]
async fn a_key_bound_to_a_user_stops_with_the_user() {
    let local = start().await;
    let user = local.create_test_user("tess@example.com").await;
    let (id, secret) = key(&local, json!({"userId": user["userId"]})).await;
    assert_eq!(exchange(&local, &secret, json!({})).await.0, StatusCode::OK);
    let (_, loaded) = local
        .mgmt("GET", &format!("/v1/mgmt/accesskey?id={id}"), Value::Null)
        .await;
    assert_eq!(loaded["key"]["boundUserId"], user["userId"]);
    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update/status",
            json!({"loginId": "tess@example.com", "status": "disabled"}),
        )
        .await;
    assert_eq!(
        exchange(&local, &secret, json!({})).await.0,
        StatusCode::UNAUTHORIZED
    );
    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update/status",
            json!({"loginId": "tess@example.com", "status": "enabled"}),
        )
        .await;
    assert_eq!(exchange(&local, &secret, json!({})).await.0, StatusCode::OK);
    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/delete",
            json!({"loginId": "tess@example.com"}),
        )
        .await;
    assert_eq!(
        exchange(&local, &secret, json!({})).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_jwt_update_gives_no_more_than_a_refresh_tokens_life_nor_serves_a_disabled_user() {
    let local = start().await;
    let jwt = local
        .signup("ada@example.com", "correct horse battery")
        .await["sessionJwt"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, longest) = local
        .mgmt(
            "POST",
            "/v1/mgmt/jwt/update",
            json!({"jwt": jwt, "customClaims": {}, "refreshDuration": i64::MAX}),
        )
        .await;
    let exp = claims_of(longest["jwt"].as_str().unwrap())["exp"]
        .as_i64()
        .unwrap();
    assert!(exp <= local.clock.now() + 28 * 24 * 3600, "{exp}");
    local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update/status",
            json!({"loginId": "ada@example.com", "status": "disabled"}),
        )
        .await;
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/jwt/update",
            json!({"jwt": jwt, "customClaims": {"plan": "pro"}}),
        )
        .await;
    assert_eq!(status, 403, "{answer}");
}

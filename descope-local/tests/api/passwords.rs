//! Passwords: sign-up, sign-in, replace, update, and how passwords are stored.

use reqwest::StatusCode;
use serde_json::json;
use test_support::local::{assert_descope_error, refresh_jwt, rusqlite_open, start};

#[tokio::test]
async fn sign_up_answers_a_full_jwt_response_whose_session_token_validates() {
    let local = start().await;

    let body = local
        .signup("Ada@Example.com", "correct horse battery")
        .await;

    for field in [
        "sessionJwt",
        "refreshJwt",
        "cookiePath",
        "cookieMaxAge",
        "cookieExpiration",
        "sessionExpiration",
    ] {
        assert!(!body[field].is_null(), "{field} missing in {body}");
    }
    assert_eq!(body["firstSeen"], true);
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["user"]["name"], "Ada Lovelace");
    let claims = local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims.user_id, body["user"]["userId"]);
    assert_eq!(claims.amr, ["pwd"]);
    assert_eq!(claims.exp - claims.iat, 600);
    assert_eq!(body["sessionExpiration"], claims.exp);
    // A refresh token is not a session token.
    assert!(local
        .validator()
        .validate(&refresh_jwt(&body))
        .await
        .is_err());
}

#[tokio::test]
async fn sign_up_refuses_an_existing_user_and_a_short_password() {
    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;

    let (status, _, body) = local
        .post(
            "/v1/auth/password/signup",
            None,
            json!({"loginId": "ADA@example.com", "password": "another password"}),
        )
        .await;
    assert_eq!(status, 409);
    assert_descope_error(&body, "E062107");

    let (status, _, body) = local
        .post(
            "/v1/auth/password/signup",
            None,
            json!({"loginId": "bob@example.com", "password": "7 chars"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_descope_error(&body, "E011003");
    local.signup("bob@example.com", "8 chars!").await;
}

#[tokio::test]
async fn long_passwords_are_not_truncated() {
    let local = start().await;
    let long = "p".repeat(64) + "X";
    local.signup("ada@example.com", &long).await;

    let (status, _, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "p".repeat(64)}),
        )
        .await;
    assert_eq!(status, 401, "the 65th character counts");
    let (status, _, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": long}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_get_the_same_answer() {
    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;

    let (s1, _, wrong) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "wrong password"}),
        )
        .await;
    let (s2, _, unknown) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "nobody@example.com", "password": "wrong password"}),
        )
        .await;

    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong, unknown);
    assert_descope_error(&wrong, "E062108");
}

#[tokio::test]
async fn password_hashes_are_argon2id_with_the_owasp_parameters() {
    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;

    let db = rusqlite_open(&local.dir);
    let hash: String = db
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn password_replace_and_update() {
    let local = start().await;
    let rt = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );

    let (status, _, replaced) = local
        .post("/v1/auth/password/replace", None, json!({"loginId": "ada@example.com", "oldPassword": "correct horse battery", "newPassword": "second password"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        local.refresh(&rt).await.0,
        401,
        "replace ends other sessions"
    );
    let (status, _, _) = local
        .post(
            "/v1/auth/password/update",
            Some(&refresh_jwt(&replaced)),
            json!({"loginId": "ada@example.com", "newPassword": "third password"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "third password"}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, policy) = local.get("/v1/auth/password/policy", None).await;
    assert_eq!(status, 200);
    assert_eq!(policy["minLength"], 8);
}

#[tokio::test]
async fn a_projects_password_policy_is_enforced_everywhere_a_password_is_set_and_published() {
    let local = test_support::local::start_with(|c| {
        c.password_policy.min_length = 12;
        c.password_policy.number = true;
    })
    .await;
    let (_, policy) = local.get("/v1/auth/password/policy", None).await;
    assert_eq!(
        policy,
        json!({"minLength": 12, "lowercase": false, "uppercase": false, "number": true,
               "nonAlphanumeric": false})
    );
    for (password, rule) in [
        ("short 1", "12 characters"),
        ("long enough, no digit", "a digit"),
    ] {
        let (status, _, answer) = local
            .post(
                "/v1/auth/password/signup",
                None,
                json!({"loginId": "ada@example.com", "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(
            answer["errorMessage"].as_str().unwrap().contains(rule),
            "{answer}"
        );
    }
    local.create_test_user("tess@example.com").await;
    let (status, answer) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/password/set/active",
            json!({"loginId": "tess@example.com", "password": "long enough, no digit"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the management API too: {answer}"
    );
    local.signup("ada@example.com", "twelve chars 12").await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_a_link_in_the_inbox() {
    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let reset = json!({"loginId": "ada@example.com", "redirectUrl": "http://app.test:3000/reset"});
    let (status, _, sent) = local.post("/v1/auth/password/reset", None, reset).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["resetMethod"], "magiclink");
    assert_eq!(sent["maskedEmail"], "a***@example.com");

    let link = local.inbox("ada@example.com").await["link"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(link.starts_with("http://app.test:3000/reset?t="), "{link}");
    let token = link.split("t=").nth(1).unwrap();
    let (status, _, session) = local
        .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, 200, "{session}");
    let (status, _, _) = local
        .post(
            "/v1/auth/password/update",
            Some(&refresh_jwt(&session)),
            json!({"loginId": "ada@example.com", "newPassword": "a brand new password"}),
        )
        .await;
    assert_eq!(status, 200);
    for (password, expected) in [
        ("correct horse battery", StatusCode::UNAUTHORIZED),
        ("a brand new password", StatusCode::OK),
    ] {
        let (status, _, _) = local
            .post(
                "/v1/auth/password/signin",
                None,
                json!({"loginId": "ada@example.com", "password": password}),
            )
            .await;
        assert_eq!(status, expected, "{password}");
    }
}

#[tokio::test]
async fn a_reset_for_no_one_answers_the_same_and_sends_nothing() {
    let local = start().await;
    let (status, _, sent) = local
        .post(
            "/v1/auth/password/reset",
            None,
            json!({"loginId": "ghost@example.com", "redirectUrl": "http://app.test:3000/reset"}),
        )
        .await;
    assert_eq!(
        (status, &sent["resetMethod"]),
        (StatusCode::OK, &json!("magiclink"))
    );
    assert!(local.inbox("ghost@example.com").await.is_null());
    let (status, _, refused) = local
        .post(
            "/v1/auth/password/reset",
            None,
            json!({"loginId": "ghost@example.com", "redirectUrl": "https://evil.example/reset"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let (status, _, missing) = local
        .post(
            "/v1/auth/password/reset",
            None,
            json!({"loginId": "ghost@example.com", "redirectUrl": null}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{missing}");
    assert_descope_error(&missing, "E011002");
}

//! The local server on a free port with a temporary database, driven over real HTTP: the
//! behaviour of each API family.

mod local;

use std::time::Duration;

use descope_local::{Config, LocalDescope, DEFAULT_PROJECT_ID};
use local::{assert_descope_error, refresh_jwt, rusqlite_open, start, start_in, temp_dir, Local};
use reqwest::StatusCode;
use serde_json::json;

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
async fn repeated_failures_lock_the_account_with_retry_after() {
    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let attempt = |password: &'static str| {
        local.post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": password}),
        )
    };

    for _ in 0..10 {
        assert_eq!(attempt("wrong password").await.0, 401);
    }
    let (status, headers, body) = attempt("correct horse battery").await;
    assert_eq!(status, 429);
    assert_descope_error(&body, "E130429");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry));
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
async fn refresh_rotates_and_reusing_a_rotated_token_revokes_the_family() {
    let local = start_in(temp_dir(), |c| c.refresh_grace = Duration::ZERO).await;
    let r1 = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );

    let (status, body) = local.refresh(&r1).await;
    assert_eq!(status, 200);
    let r2 = refresh_jwt(&body);
    assert_ne!(r1, r2);
    assert!(local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .is_ok());

    tokio::time::sleep(Duration::from_millis(1100)).await; // past the (zero) grace
    let (status, body) = local.refresh(&r1).await;
    assert_eq!(status, 401);
    assert_descope_error(&body, "E061301");
    assert_eq!(
        local.refresh(&r2).await.0,
        401,
        "the whole family is revoked"
    );
}

#[tokio::test]
async fn the_tokens_a_rotation_replaced_have_a_short_grace_but_older_ones_do_not() {
    let local = start().await; // grace 10 s
    let r1 = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );
    let r2 = refresh_jwt(&local.refresh(&r1).await.1);

    let (status, body) = local.refresh(&r1).await;
    assert_eq!(
        status, 200,
        "a lost answer can be retried with the previous token"
    );
    let r2_sibling = refresh_jwt(&body);
    let r3 = refresh_jwt(&local.refresh(&r2).await.1);
    let (status, _) = local.refresh(&r2_sibling).await;
    assert_eq!(status, 200, "both answers to the first token work");
    assert_eq!(local.refresh(&r1).await.0, 401, "r1 is two generations old");
    assert_eq!(local.refresh(&r3).await.0, 401, "reuse revoked the family");
}

#[tokio::test]
async fn me_logout_and_logout_all() {
    let local = start().await;
    let first = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );
    let (_, _, second) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "correct horse battery"}),
        )
        .await;
    let second = refresh_jwt(&second);
    let (_, _, third) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "correct horse battery"}),
        )
        .await;
    let third = refresh_jwt(&third);

    let (status, user) = local.get("/v1/auth/me", Some(&first)).await;
    assert_eq!(status, 200);
    assert_eq!(user["email"], "ada@example.com");
    assert!(user["userId"].is_string());

    let (status, _, body) = local.post("/v1/auth/logout", Some(&first), json!({})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    assert_eq!(local.refresh(&first).await.0, 401);
    assert_eq!(local.get("/v1/auth/me", Some(&first)).await.0, 401);
    assert_eq!(
        local.refresh(&second).await.0,
        200,
        "other sessions live on"
    );

    let (_, body) = local.refresh(&third).await;
    let third = refresh_jwt(&body);
    let (status, _, _) = local
        .post("/v1/auth/logoutall", Some(&third), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(local.refresh(&third).await.0, 401);
}

#[tokio::test]
async fn try_refresh_answers_empty_json_for_a_bad_token() {
    let local = start().await;
    let (status, _, body) = local
        .post("/v1/auth/try-refresh", Some("garbage"), json!({}))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, _, body) = local.post("/v1/auth/try-refresh", None, json!({})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
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
async fn bad_requests_get_descope_errors_in_json() {
    let local = start().await;
    let client = reqwest::Client::new();
    let auth = format!("Bearer {DEFAULT_PROJECT_ID}");

    let response = client
        .post(format!("{}/v1/auth/password/signin", local.base))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_descope_error(&response.json().await.unwrap(), "E011001");

    let (status, _, body) = local
        .post("/v1/auth/password/signin", None, json!({"loginId": 5}))
        .await;
    assert_eq!(status, 400);
    assert_descope_error(&body, "E011001");

    let (status, _, body) = local
        .post("/v1/auth/password/signin", None, json!({"password": "x"}))
        .await;
    assert_eq!(status, 400);
    assert_descope_error(&body, "E011002");

    let (status, body) = local.get("/v1/auth/nothing-here", None).await;
    assert_eq!(status, 404);
    assert_descope_error(&body, "E011005");

    let response = client
        .post(format!("{}/v1/auth/refresh", local.base))
        .header("authorization", "Bearer P2SomeOtherProject")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    let response = client
        .post(format!("{}/v1/auth/password/signup", local.base))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn the_key_set_is_public_and_survives_restarts_with_the_users() {
    let dir = temp_dir();
    let local = start_in(dir.clone(), |_| {}).await;
    let rt = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );
    let (status, keys) = local
        .get(&format!("/v2/keys/{DEFAULT_PROJECT_ID}"), None)
        .await;
    assert_eq!(status, 200);
    let key = &keys["keys"][0];
    assert_eq!(
        (
            key["alg"].as_str(),
            key["kty"].as_str(),
            key["use"].as_str()
        ),
        (Some("RS256"), Some("RSA"), Some("sig"))
    );
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(key.get(private).is_none(), "{private} published");
    }
    assert_eq!(local.get("/v2/keys/P2Other", None).await.0, 404);

    let restarted = start_in(dir, |_| {}).await;
    let (_, keys_again) = restarted
        .get(&format!("/v2/keys/{DEFAULT_PROJECT_ID}"), None)
        .await;
    assert_eq!(keys, keys_again, "the signing key persists");
    let (status, body) = restarted.refresh(&rt).await;
    assert_eq!(status, 200, "refresh families persist");
    assert!(restarted
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .is_ok());
    let (status, _, _) = restarted
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "users persist");
}

#[tokio::test]
async fn cors_allows_configured_origins_with_credentials() {
    let local = start().await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/v1/auth/refresh", local.base),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type,x-descope-sdk-name",
            )
            .send()
    };

    let allowed = preflight("http://app.test:3000").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://app.test:3000"
    );
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );

    let denied = preflight("http://evil.test").await.unwrap();
    assert!(denied
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[tokio::test]
async fn an_email_code_signs_up_then_signs_in() {
    let local = start().await;

    let (status, _, body) = local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "ada@example.com", "loginOptions": {}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"maskedEmail": "a***@example.com"}));
    let code = local.inbox("ada@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|c| c.is_ascii_digit()));

    let (status, _, body) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": "ada@example.com", "code": code}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["firstSeen"], true);
    assert_eq!(body["user"]["verifiedEmail"], true);
    let claims = local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims.amr, ["email"]);

    let (status, _, _) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": "ada@example.com", "code": code}),
        )
        .await;
    assert_eq!(status, 401, "a code works once");

    local
        .post(
            "/v1/auth/otp/signin/email",
            None,
            json!({"loginId": "ada@example.com"}),
        )
        .await;
    let code = local.inbox("ada@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, body) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": "ada@example.com", "code": code}),
        )
        .await;
    assert_eq!(body["firstSeen"], false);
}

#[tokio::test]
async fn a_code_dies_after_five_wrong_tries_and_is_bound_to_its_login() {
    let local = start().await;
    local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "ada@example.com"}),
        )
        .await;
    let code = local.inbox("ada@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };

    local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "bob@example.com"}),
        )
        .await;
    let (status, _, _) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": "bob@example.com", "code": code}),
        )
        .await;
    assert_eq!(
        status, 401,
        "Ada's code does not work for Bob (unless equal by chance)"
    );

    for attempt in 1..=5 {
        let (status, _, body) = local
            .post(
                "/v1/auth/otp/verify/email",
                None,
                json!({"loginId": "ada@example.com", "code": wrong}),
            )
            .await;
        assert_eq!(status, 401);
        let expected = if attempt < 5 { "E061102" } else { "E061103" };
        assert_descope_error(&body, expected);
    }
    let (status, _, body) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": "ada@example.com", "code": code}),
        )
        .await;
    assert_eq!(
        status, 401,
        "the right code is too late after five wrong ones"
    );
    assert_descope_error(&body, "E061103");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let local = start().await;
    local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "ada@example.com"}),
        )
        .await;
    let code = local.inbox("ada@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    rusqlite_open(&local.dir)
        .execute("UPDATE codes SET expires_at = 0", [])
        .unwrap();

    let (status, _, body) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": "ada@example.com", "code": code}),
        )
        .await;
    assert_eq!(status, 401);
    assert_descope_error(&body, "E061103");
}

#[tokio::test]
async fn codes_are_stored_hashed_and_otp_sign_in_reveals_nothing_about_unknown_users() {
    let local = start().await;
    let (status, _, body) = local
        .post(
            "/v1/auth/otp/signin/email",
            None,
            json!({"loginId": "nobody@example.com"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["maskedEmail"], "n***@example.com");
    assert!(
        local.inbox("nobody@example.com").await.is_null(),
        "nothing is sent"
    );

    local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "ada@example.com"}),
        )
        .await;
    let code = local.inbox("ada@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let stored: String = rusqlite_open(&local.dir)
        .query_row(
            "SELECT hash FROM codes WHERE login_id = 'ada@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored.contains(&code));

    local
        .signup("bob@example.com", "correct horse battery")
        .await;
    let (status, _, body) = local
        .post(
            "/v1/auth/otp/signup/email",
            None,
            json!({"loginId": "bob@example.com"}),
        )
        .await;
    assert_eq!(status, 409);
    assert_descope_error(&body, "E062107");
}

#[tokio::test]
async fn a_magic_link_points_at_the_app_and_signs_in_once() {
    let local = start().await;
    let (status, _, body) = local
        .post(
            "/v1/auth/magiclink/signup-in/email",
            None,
            json!({"loginId": "ada@example.com", "URI": "http://app.test:3000/login?from=mail", "loginOptions": {}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["maskedEmail"], "a***@example.com");
    let link = local.inbox("ada@example.com").await["link"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = link
        .strip_prefix("http://app.test:3000/login?from=mail&t=")
        .expect("the link points at the app")
        .to_owned();

    let (status, _, body) = local
        .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .is_ok());
    let (status, _, _) = local
        .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, 401, "a link works once");
}

#[tokio::test]
async fn the_inbox_page_lists_codes() {
    let local = start().await;
    let empty = reqwest::get(format!("{}/inbox", local.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(empty.contains("No messages yet"));

    local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "ada@example.com"}),
        )
        .await;
    let code = local.inbox("ada@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = reqwest::get(format!("{}/inbox", local.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("ada@example.com") && page.contains(&code));
}

#[tokio::test]
async fn seeded_users_carry_their_roles_and_tenants_into_tokens() {
    let dir = temp_dir();
    let seed = dir.join("users.json");
    std::fs::write(
        &seed,
        json!([{"name": "Root", "email": "root@example.com", "password": "admin password",
                "roles": ["admin"], "tenants": {"T1": {"roles": ["editor"]}}}])
        .to_string(),
    )
    .unwrap();
    let local = start_in(dir, |c| c.seed_file = Some(seed)).await;

    let (status, _, body) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "root@example.com", "password": "admin password"}),
        )
        .await;
    assert_eq!(status, 200);
    let claims = local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .unwrap();
    assert!(claims.has_role("admin"));
    assert!(claims.has_tenant_role("T1", "editor"));
    assert_eq!(body["user"]["userTenants"][0]["tenantId"], "T1");
}

#[tokio::test]
async fn a_rotated_key_signs_new_tokens_while_the_old_one_stays_published() {
    let dir = temp_dir();
    let before = start_in(dir.clone(), |_| {}).await;
    let old_session = before
        .signup("ada@example.com", "correct horse battery")
        .await["sessionJwt"]
        .as_str()
        .unwrap()
        .to_owned();

    let kid = LocalDescope::rotate_signing_key(&Config::new(DEFAULT_PROJECT_ID, &dir)).unwrap();
    let after = start_in(dir, |_| {}).await;

    let (_, keys) = after
        .get(&format!("/v2/keys/{DEFAULT_PROJECT_ID}"), None)
        .await;
    let kids: Vec<_> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].clone())
        .collect();
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[0], kid.as_str(), "the new key is listed first");
    let validator = after.validator();
    assert!(
        validator.validate(&old_session).await.is_ok(),
        "old tokens still validate"
    );
    let (_, _, body) = after
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert!(validator
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .is_ok());
}

#[tokio::test]
async fn one_address_is_limited_across_accounts() {
    let local = start_in(temp_dir(), |c| c.address_failures = 5).await;
    for i in 0..5 {
        let (status, _, _) = local
            .post(
                "/v1/auth/password/signin",
                None,
                json!({"loginId": format!("u{i}@example.com"), "password": "whatever pw"}),
            )
            .await;
        assert_eq!(status, 401);
    }
    let (status, headers, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "u9@example.com", "password": "whatever pw"}),
        )
        .await;
    assert_eq!(status, 429);
    assert!(headers.contains_key("retry-after"));
}

/// How many of `attempts` sign-ins the server evaluated (401) before refusing them (429).
async fn evaluated(local: &Local, attempts: usize, login: impl Fn(usize) -> String) -> usize {
    let mut evaluated = 0;
    for i in 0..attempts {
        let body = json!({"loginId": login(i), "password": "not the password"});
        match local.post("/v1/auth/password/signin", None, body).await.0 {
            StatusCode::UNAUTHORIZED => evaluated += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    evaluated
}

#[tokio::test]
async fn guesses_are_capped_per_account_and_per_address_each_hour() {
    let windows_per_hour = 3600 / 600;

    let local = start().await;
    local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let per_account = evaluated(&local, 150, |_| "ada@example.com".into()).await;
    assert_eq!(per_account, 10);

    let local = start().await;
    let per_address = evaluated(&local, 150, |i| format!("guess{i}@example.com")).await;
    assert_eq!(per_address, 100);

    eprintln!(
        "brute force: of 150 rapid guesses, {per_account} evaluated per account and \
         {per_address} per address in a 10-minute window: at most {} guesses an hour per \
         account, {} per address",
        per_account * windows_per_hour,
        per_address * windows_per_hour
    );
}

#[tokio::test]
async fn a_data_folder_from_before_schema_versions_upgrades_in_place() {
    use aws_lc_rs::digest;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let hash =
        |token: &str| URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, token.as_bytes()));
    let dir = temp_dir();
    // The tables as the server wrote them before the schema had versions (user_version 0),
    // with a family whose first token was rotated once.
    rusqlite_open(&dir)
        .execute_batch(&format!(
            "CREATE TABLE users (id TEXT PRIMARY KEY, login_id TEXT NOT NULL UNIQUE,
                email TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', password_hash TEXT,
                roles TEXT NOT NULL DEFAULT '[]', tenants TEXT NOT NULL DEFAULT '{{}}',
                verified_email INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
             CREATE TABLE refresh_families (id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id), amr TEXT NOT NULL,
                expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
             CREATE TABLE refresh_tokens (hash TEXT PRIMARY KEY,
                family_id TEXT NOT NULL REFERENCES refresh_families(id), parent TEXT,
                issued_at INTEGER NOT NULL, rotated_at INTEGER);
             INSERT INTO users (id, login_id, email, name, created_at)
                VALUES ('U1', 'ada@example.com', 'ada@example.com', 'Ada', 1);
             INSERT INTO refresh_families VALUES ('F1', 'U1', '[\"pwd\"]', 9999999999, 0);
             INSERT INTO refresh_tokens VALUES ('{rotated}', 'F1', NULL, 1, 2);
             INSERT INTO refresh_tokens VALUES ('{current}', 'F1', '{rotated}', 2, NULL);",
            rotated = hash("the rotated token"),
            current = hash("the current token"),
        ))
        .unwrap();

    let local = start_in(dir.clone(), |_| {}).await;
    let (status, body) = local.refresh("the current token").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["name"], "Ada");
    assert_eq!(local.refresh(&refresh_jwt(&body)).await.0, 200);
    assert_eq!(
        local.refresh("the rotated token").await.0,
        401,
        "a token rotated before the upgrade stays spent"
    );
    let version: i64 = rusqlite_open(&dir)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
}

#[tokio::test]
async fn a_data_folder_from_a_newer_version_is_refused() {
    let dir = temp_dir();
    rusqlite_open(&dir)
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let error = LocalDescope::open(Config::new(DEFAULT_PROJECT_ID, &dir))
        .err()
        .expect("a schema from the future is refused")
        .to_string();
    assert!(error.contains("schema version 99"), "{error}");
}

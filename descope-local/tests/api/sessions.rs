//! Sessions: refresh with rotation and reuse detection, me, logout.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use test_support::local::{assert_descope_error, refresh_jwt, start, start_with};

#[tokio::test]
async fn refresh_rotates_and_reusing_a_rotated_token_revokes_the_family() {
    let local = start_with(|c| c.refresh_grace = Duration::ZERO).await;
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
async fn without_rotation_as_on_descope_the_same_refresh_token_works_again_minutes_later() {
    let local = start_with(|c| c.rotate_refresh_tokens = false).await;
    let token = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );
    for _ in 0..2 {
        let (status, body) = local.refresh(&token).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(refresh_jwt(&body), token, "the refresh token is kept");
        assert!(local
            .validator()
            .validate(body["sessionJwt"].as_str().unwrap())
            .await
            .is_ok());
        local.clock.advance(5 * 60);
    }
    let (status, _, _) = local.post("/v1/auth/logout", Some(&token), json!({})).await;
    assert_eq!(status, 200);
    let (status, body) = local.refresh(&token).await;
    assert_eq!(status, 401);
    assert_descope_error(&body, "E064001");
}

#[tokio::test]
async fn a_logged_out_refresh_token_answers_descopes_logged_out_code() {
    let local = start().await;
    let token = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );
    local.post("/v1/auth/logout", Some(&token), json!({})).await;
    for (status, body) in [
        local.refresh(&token).await,
        local.get("/v1/auth/me", Some(&token)).await,
    ] {
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_descope_error(&body, "E064001");
    }
    let (status, body) = local.refresh("not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_descope_error(&body, "E061301");
}

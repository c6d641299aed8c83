//! Limits on guessing: per account, per address, with `Retry-After`.

use reqwest::StatusCode;
use serde_json::json;
use test_support::local::{assert_descope_error, start, start_with, Local};

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
async fn one_address_is_limited_across_accounts() {
    let local = start_with(|c| c.address_failures = 5).await;
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

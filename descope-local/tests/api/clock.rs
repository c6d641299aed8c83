//! The development clock, `/_dev/clock`: read, moved forward and reset over HTTP, with what it
//! moves (token issue and expiry) following it.

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::{jwt::claims_of, local::start};

/// `POST /_dev/clock` with `body` as JSON: (status, JSON body).
async fn set_clock(base: &str, body: Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/_dev/clock"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

fn unix_now() -> i64 {
    test_support::jwt::now() as i64
}

#[tokio::test]
async fn the_clock_is_read_moved_forward_and_reset_and_tokens_follow_it() {
    let local = start().await;
    let (status, clock) = local.get("/_dev/clock", None).await;
    assert_eq!(status, 200);
    assert_eq!(clock["offsetSeconds"], 0);
    assert!(
        (clock["now"].as_i64().unwrap() - unix_now()).abs() <= 2,
        "{clock}"
    );

    let (status, clock) = set_clock(&local.base, json!({"advanceSeconds": 660})).await;
    assert_eq!(status, 200);
    assert_eq!(clock["offsetSeconds"], 660);
    assert!(
        (clock["now"].as_i64().unwrap() - unix_now() - 660).abs() <= 2,
        "{clock}"
    );
    let (_, again) = set_clock(&local.base, json!({"advanceSeconds": 60})).await;
    assert_eq!(again["offsetSeconds"], 720, "advances add up");

    // A session issued now is issued 12 minutes ahead of real time.
    let signed_up = local
        .signup("ada@example.com", "correct horse battery")
        .await;
    let claims = claims_of(signed_up["sessionJwt"].as_str().unwrap());
    assert!(
        (claims["iat"].as_i64().unwrap() - unix_now() - 720).abs() <= 2,
        "{claims}"
    );

    let (status, clock) = set_clock(&local.base, json!({"reset": true})).await;
    assert_eq!(status, 200);
    assert_eq!(clock["offsetSeconds"], 0);
    assert_eq!(local.clock.offset(), 0);
}

#[tokio::test]
async fn a_change_the_clock_cannot_make_is_refused_and_changes_nothing() {
    let local = start().await;
    set_clock(&local.base, json!({"advanceSeconds": 30})).await;
    for body in [
        json!({"advanceSeconds": -60}),
        json!({"advanceSeconds": 0}),
        json!({"advanceSeconds": i64::MAX}),
        json!({"advanceSeconds": "600"}),
        json!({"advanceSeconds": 60, "reset": true}),
        json!({"reset": false}),
        json!({}),
        json!({"advance": 60}),
    ] {
        let (status, error) = set_clock(&local.base, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert!(error["errorDescription"].is_string(), "{body}: {error}");
        assert_eq!(local.clock.offset(), 30, "{body}");
    }
}

//! Fault injection, `/_dev/faults`: a family's next requests (or those of a window) fail or
//! hang on purpose, the rest of the API is untouched, and bad requests arm nothing.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::local::{assert_descope_error, refresh_jwt, start, Local};

const PASSWORD: &str = "correct horse battery";

/// `method /_dev/faults` with `body` as JSON: (status, JSON body).
async fn faults(
    local: &Local,
    method: reqwest::Method,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{}/_dev/faults", local.base));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn arm(local: &Local, body: Value) {
    let (status, answer) = faults(local, reqwest::Method::POST, Some(body)).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_family_fails_its_next_requests_then_answers_again() {
    let local = start().await;
    let refresh = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    arm(
        &local,
        json!({"target": "refresh", "status": 503, "times": 2}),
    )
    .await;
    let (_, listed) = faults(&local, reqwest::Method::GET, None).await;
    assert_eq!(
        listed,
        json!({"faults": [{"target": "refresh", "status": 503, "times": 2}]})
    );

    for _ in 0..2 {
        let (status, headers, body) = local
            .post("/v1/auth/refresh", Some(&refresh), json!({}))
            .await;
        assert_eq!(status, 503);
        assert_eq!(headers["retry-after"], "1");
        assert_descope_error(&body, "E011000");
        // The rest of the API is untouched.
        let (status, _) = local.get("/v1/auth/me", Some(&refresh)).await;
        assert_eq!(status, 200);
    }
    let (status, _) = local.refresh(&refresh).await;
    assert_eq!(status, 200, "the fault is spent");
    let (_, listed) = faults(&local, reqwest::Method::GET, None).await;
    assert_eq!(listed, json!({"faults": []}));
}

#[tokio::test]
async fn a_delay_hangs_the_answer_and_a_window_ends_by_itself() {
    let local = start().await;
    let refresh = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    arm(&local, json!({"target": "me", "delayMs": 400})).await;
    let started = Instant::now();
    let (status, me) = local.get("/v1/auth/me", Some(&refresh)).await;
    assert_eq!(status, 200, "{me}");
    assert!(started.elapsed() >= Duration::from_millis(400));

    arm(
        &local,
        json!({"target": "keys", "status": 429, "seconds": 3}),
    )
    .await;
    let armed = Instant::now();
    let keys = format!(
        "{}/v2/keys/{}",
        local.base,
        descope_local::DEFAULT_PROJECT_ID
    );
    for _ in 0..2 {
        let response = reqwest::get(&keys).await.unwrap();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "1");
        assert_descope_error(&response.json().await.unwrap(), "E130429");
    }
    assert!(
        armed.elapsed() < Duration::from_secs(3),
        "both inside the window"
    );
    let past_the_window = Duration::from_millis(3100).saturating_sub(armed.elapsed());
    tokio::time::sleep(past_the_window).await;
    assert_eq!(
        reqwest::get(&keys).await.unwrap().status(),
        200,
        "the window has ended"
    );
}

#[tokio::test]
async fn delete_removes_every_waiting_fault() {
    let local = start().await;
    let refresh = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    arm(
        &local,
        json!({"target": "refresh", "status": 500, "times": 5}),
    )
    .await;
    arm(
        &local,
        json!({"target": "me", "status": 503, "seconds": 60}),
    )
    .await;
    let (status, cleared) = faults(&local, reqwest::Method::DELETE, None).await;
    assert_eq!(status, 200);
    assert_eq!(cleared, json!({"cleared": 2}));
    assert_eq!(local.get("/v1/auth/me", Some(&refresh)).await.0, 200);
    assert_eq!(local.refresh(&refresh).await.0, 200);
}

#[tokio::test]
async fn a_fault_it_cannot_serve_is_refused_and_arms_nothing() {
    let local = start().await;
    for body in [
        json!({"target": "refresh", "status": 404}),
        json!({"target": "refresh", "status": 503, "delayMs": 100}),
        json!({"target": "refresh"}),
        json!({"target": "refresh", "delayMs": 0}),
        json!({"target": "refresh", "delayMs": 60_001}),
        json!({"target": "refresh", "status": 503, "times": 0}),
        json!({"target": "refresh", "status": 503, "times": 2, "seconds": 5}),
        json!({"target": "refresh", "status": 503, "seconds": 3601}),
        json!({"target": "inbox", "status": 503}),
        json!({"target": "refresh", "status": 503, "retries": 1}),
    ] {
        let (status, error) = faults(&local, reqwest::Method::POST, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert!(error["errorDescription"].is_string(), "{body}: {error}");
    }
    let (_, listed) = faults(&local, reqwest::Method::GET, None).await;
    assert_eq!(listed, json!({"faults": []}));
}

#[tokio::test]
async fn at_most_a_hundred_faults_wait_at_once() {
    let local = start().await;
    for _ in 0..100 {
        arm(
            &local,
            json!({"target": "otp", "status": 500, "times": 1000}),
        )
        .await;
    }
    let (status, error) = faults(
        &local,
        reqwest::Method::POST,
        Some(json!({"target": "otp", "status": 500})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        error["errorMessage"].as_str().unwrap().contains("100"),
        "{error}"
    );
    let (_, cleared) = faults(&local, reqwest::Method::DELETE, None).await;
    assert_eq!(cleared, json!({"cleared": 100}));
    arm(&local, json!({"target": "otp", "status": 500})).await;
}

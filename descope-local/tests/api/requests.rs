//! What every endpoint shares: errors in Descope's shape, CORS.

use descope_local::DEFAULT_PROJECT_ID;
use serde_json::json;
use test_support::local::{assert_descope_error, start};

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

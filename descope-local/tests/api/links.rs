//! Magic links by email.

use serde_json::json;
use test_support::local::start;

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

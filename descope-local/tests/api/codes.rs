//! One-time codes by email, and the development inbox they go to.

use serde_json::json;
use test_support::local::{assert_descope_error, rusqlite_open, start};

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
    // Ten minutes and a second later, by the server's clock.
    local.clock.advance(601);

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

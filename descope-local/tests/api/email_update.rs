//! Changing a user's email: a code or link to the new address, asked for with the session's
//! refresh token, and the login IDs a user may have besides their first.

use serde_json::{json, Value};
use test_support::local::{assert_descope_error, refresh_jwt, start, start_with, Local};

const PASSWORD: &str = "correct horse battery staple";

/// Asks for an email change for `login_id` with `token`: (status, body).
async fn update_email(
    local: &Local,
    family: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let path = format!("/v1/auth/{family}/update/email");
    let (status, _, body) = local.post(&path, token, body).await;
    (status.as_u16(), body)
}

async fn password_sign_in(local: &Local, login_id: &str) -> u16 {
    let (status, _, _) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": login_id, "password": PASSWORD}),
        )
        .await;
    status.as_u16()
}

#[tokio::test]
async fn a_code_to_the_new_address_makes_it_the_users_email_and_a_login_id() {
    let local = start().await;
    let signed_up = local.signup("ada@example.com", PASSWORD).await;
    let refresh = refresh_jwt(&signed_up);

    let (status, body) = update_email(
        &local,
        "otp",
        Some(&refresh),
        json!({"loginId": "ada@example.com", "email": "Ada@New.Example",
               "addToLoginIDs": true, "onMergeUseExisting": false}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"maskedEmail": "a***@new.example"}));
    let message = local.inbox("ada@new.example").await;
    assert_eq!(message["kind"], "otp");
    let code = message["code"].as_str().unwrap().to_owned();

    // Until the code is used, nothing has changed.
    assert_eq!(password_sign_in(&local, "ada@new.example").await, 401);

    let (status, body) = local.verify_code("ada@example.com", &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "ada@new.example");
    assert_eq!(body["user"]["verifiedEmail"], true);
    assert_eq!(
        body["user"]["loginIds"],
        json!(["ada@example.com", "ada@new.example"])
    );
    let claims = local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims.amr, ["email"]);

    // Both login IDs sign the one user in; the password stays.
    assert_eq!(password_sign_in(&local, "ada@example.com").await, 200);
    assert_eq!(password_sign_in(&local, "ada@new.example").await, 200);
    let (_, _, body) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@new.example", "password": PASSWORD}),
        )
        .await;
    assert_eq!(body["user"]["userId"], signed_up["user"]["userId"]);
    // Nobody can sign up with the new login ID now.
    let (status, _, body) = local
        .post(
            "/v1/auth/password/signup",
            None,
            json!({"loginId": "ada@new.example", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 409);
    assert_descope_error(&body, "E062107");
}

#[tokio::test]
async fn a_link_to_the_new_address_changes_the_email_and_keeps_the_login_ids() {
    let local = start().await;
    let refresh = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);

    let (status, body) = update_email(
        &local,
        "magiclink",
        Some(&refresh),
        json!({"loginId": "ada@example.com", "email": "ada@new.example",
               "URI": "http://app.test:3000/verify"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let link = local.inbox("ada@new.example").await["link"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(link.starts_with("http://app.test:3000/verify?t="), "{link}");
    let token = link.split("t=").nth(1).unwrap();

    let (status, _, body) = local
        .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "ada@new.example");
    assert_eq!(body["user"]["loginIds"], json!(["ada@example.com"]));
    assert_eq!(password_sign_in(&local, "ada@new.example").await, 401);

    let (status, _, _) = local
        .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, 401, "a link works once");
}

#[tokio::test]
async fn only_the_sessions_own_user_can_change_their_email() {
    let local = start().await;
    local.signup("ada@example.com", PASSWORD).await;
    let mallory = refresh_jwt(&local.signup("mallory@example.com", PASSWORD).await);
    let change = json!({"loginId": "ada@example.com", "email": "mallory@evil.example",
                        "addToLoginIDs": true});

    // No token, a made-up one, and another user's: refused, and nothing is sent.
    for token in [None, Some("not-a-token"), Some(mallory.as_str())] {
        let (status, body) = update_email(&local, "otp", token, change.clone()).await;
        assert_eq!(status, 401, "{token:?}: {body}");
        assert_descope_error(&body, "E061301");
    }
    assert!(local.inbox("mallory@evil.example").await.is_null());

    // A logged-out session cannot either.
    let ada = refresh_jwt(&local.signup("ada2@example.com", PASSWORD).await);
    local.post("/v1/auth/logout", Some(&ada), json!({})).await;
    let (status, body) = update_email(
        &local,
        "magiclink",
        Some(&ada),
        json!({"loginId": "ada2@example.com", "email": "ada2@new.example",
               "URI": "http://app.test:3000/verify"}),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert_descope_error(&body, "E064001");
}

#[tokio::test]
async fn an_address_another_user_signs_in_with_cannot_become_a_login_id() {
    let local = start().await;
    let ada = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    let grace = refresh_jwt(&local.signup("grace@example.com", PASSWORD).await);

    let (status, body) = update_email(
        &local,
        "otp",
        Some(&ada),
        json!({"loginId": "ada@example.com", "email": "grace@example.com",
               "addToLoginIDs": true}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_descope_error(&body, "E062107");

    // Taken between the code being sent and used: refused at verification, and Grace still
    // signs in as herself.
    let (status, _) = update_email(
        &local,
        "otp",
        Some(&ada),
        json!({"loginId": "ada@example.com", "email": "shared@example.com",
               "addToLoginIDs": true}),
    )
    .await;
    assert_eq!(status, 200);
    let code = local.inbox_code("shared@example.com").await;
    let (status, _) = update_email(
        &local,
        "otp",
        Some(&grace),
        json!({"loginId": "grace@example.com", "email": "shared@example.com",
               "addToLoginIDs": true}),
    )
    .await;
    assert_eq!(status, 200);
    let grace_code = local.inbox_code("shared@example.com").await;
    let (status, _) = local.verify_code("grace@example.com", &grace_code).await;
    assert_eq!(status, 200);
    let (status, body) = local.verify_code("ada@example.com", &code).await;
    assert_eq!(status, 409, "{body}");
    assert_descope_error(&body, "E062107");
    let (_, _, body) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "shared@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(body["user"]["email"], "shared@example.com");
    assert_eq!(body["user"]["loginIds"][0], "grace@example.com");
}

#[tokio::test]
async fn a_bad_new_address_is_refused_before_anything_is_sent() {
    let local = start().await;
    let ada = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    for email in ["", "not an address", "ada@localhost"] {
        let (status, body) = update_email(
            &local,
            "otp",
            Some(&ada),
            json!({"loginId": "ada@example.com", "email": email}),
        )
        .await;
        assert_eq!(status, 400, "{email:?}: {body}");
    }
    let (status, body) = update_email(
        &local,
        "magiclink",
        Some(&ada),
        json!({"loginId": "ada@example.com", "email": "ada@new.example",
               "URI": "https://evil.example/steal"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(local.inbox("ada@new.example").await.is_null());
}

#[tokio::test]
async fn users_created_with_additional_login_ids_sign_in_with_each() {
    let local = start().await;
    let (status, body) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/create",
            json!({"loginId": "ada@example.com", "additionalLoginIds": ["Ada@Work.Example"],
                   "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["user"]["loginIds"],
        json!(["ada@example.com", "ada@work.example"])
    );
    assert_eq!(password_sign_in(&local, "ada@work.example").await, 200);

    let (status, body) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/create",
            json!({"loginId": "ada@work.example"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_descope_error(&body, "E062107");

    let (status, body) = local
        .mgmt(
            "POST",
            "/v2/mgmt/user/search",
            json!({"loginIds": ["ada@work.example"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["users"].as_array().unwrap().len(), 1);

    // Deleting the user frees both.
    let (status, _) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/delete",
            json!({"loginId": "ada@work.example"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/create",
            json!({"loginId": "ada@work.example"}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_link_asked_for_without_a_url_leads_to_the_projects_redirect_url() {
    let without = start().await;
    let ada = refresh_jwt(&without.signup("ada@example.com", PASSWORD).await);
    let change = json!({"loginId": "ada@example.com", "email": "ada@new.example"});
    let (status, body) = update_email(&without, "magiclink", Some(&ada), change.clone()).await;
    assert_eq!(status, 400, "{body}");
    assert_descope_error(&body, "E011002");
    assert!(without.inbox("ada@new.example").await.is_null());

    let with = start_with(|config| {
        config.magic_link_redirect_url = Some("http://app.test:3000/verify?next=/profile".into());
    })
    .await;
    let ada = refresh_jwt(&with.signup("ada@example.com", PASSWORD).await);
    let (status, body) = update_email(&with, "magiclink", Some(&ada), change).await;
    assert_eq!(status, 200, "{body}");
    let link = with.inbox("ada@new.example").await["link"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        link.starts_with("http://app.test:3000/verify?next=/profile&t="),
        "{link}"
    );
    let (status, _, _) = with
        .post(
            "/v1/auth/password/reset",
            None,
            json!({"loginId": "ada@example.com"}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_squatter_who_changed_the_email_loses_everything_when_the_owner_proves_the_address() {
    let local = start().await;
    // Mallory signs up with Ada's address, then makes her own address the account's email
    // and a login ID of it.
    let squatted = local.signup("ada@example.com", PASSWORD).await;
    let mallory = refresh_jwt(&squatted);
    let (status, _) = update_email(
        &local,
        "otp",
        Some(&mallory),
        json!({"loginId": "ada@example.com", "email": "mallory@evil.example",
               "addToLoginIDs": true}),
    )
    .await;
    assert_eq!(status, 200);
    let code = local.inbox_code("mallory@evil.example").await;
    let (status, _) = local.verify_code("ada@example.com", &code).await;
    assert_eq!(status, 200);

    // Ada proves her address: the account is hers alone.
    let code = local.code_for("ada@example.com").await;
    let (status, ada) = local.verify_code("ada@example.com", &code).await;
    assert_eq!(status, 200, "{ada}");
    assert_eq!(ada["user"]["userId"], squatted["user"]["userId"]);
    assert_eq!(ada["user"]["loginIds"], json!(["ada@example.com"]));
    assert_eq!(ada["user"]["email"], "ada@example.com");

    let (status, _) = local.refresh(&mallory).await;
    assert_eq!(status, 401, "Mallory's session ended");
    assert_eq!(password_sign_in(&local, "ada@example.com").await, 401);
    assert_eq!(password_sign_in(&local, "mallory@evil.example").await, 401);
    // Mallory's address is hers again, on an account of its own.
    let code = local.code_for("mallory@evil.example").await;
    let (_, theirs) = local.verify_code("mallory@evil.example", &code).await;
    assert_eq!(theirs["firstSeen"], true);
    assert_ne!(theirs["user"]["userId"], squatted["user"]["userId"]);
}

#[tokio::test]
async fn a_pending_change_dies_with_the_session_that_asked_for_it() {
    let local = start().await;
    // A session the owner proved, whose refresh token a thief holds.
    let code = local.code_for("owner@example.com").await;
    let (_, stolen) = local.verify_code("owner@example.com", &code).await;
    let stolen = refresh_jwt(&stolen);
    let (status, _) = update_email(
        &local,
        "magiclink",
        Some(&stolen),
        json!({"loginId": "owner@example.com", "email": "thief@evil.example",
               "addToLoginIDs": true, "URI": "http://app.test:3000/verify"}),
    )
    .await;
    assert_eq!(status, 200);
    let link = local.inbox("thief@evil.example").await["link"]
        .as_str()
        .unwrap()
        .to_owned();

    // The owner signs out everywhere before the thief uses the link.
    local
        .post("/v1/auth/logoutall", Some(&stolen), json!({}))
        .await;
    let token = link.split("t=").nth(1).unwrap();
    let (status, _, body) = local
        .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, 401, "{body}");
    assert_descope_error(&body, "E061103");
    let (_, user) = local
        .mgmt(
            "GET",
            "/v1/mgmt/user?loginId=owner%40example.com",
            Value::Null,
        )
        .await;
    assert_eq!(user["user"]["loginIds"], json!(["owner@example.com"]));
    assert_eq!(user["user"]["email"], "owner@example.com");
}

#[tokio::test]
async fn a_sign_in_code_and_an_email_change_code_do_not_cancel_each_other() {
    let local = start().await;
    let ada = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    update_email(
        &local,
        "otp",
        Some(&ada),
        json!({"loginId": "ada@example.com", "email": "ada@new.example"}),
    )
    .await;
    let change_code = local.inbox_code("ada@new.example").await;
    // Anyone may ask for a sign-in code for Ada; it does not cancel her change.
    local
        .post(
            "/v1/auth/otp/signin/email",
            None,
            json!({"loginId": "ada@example.com"}),
        )
        .await;
    let sign_in_code = local.inbox_code("ada@example.com").await;

    let (status, body) = local.verify_code("ada@example.com", &change_code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "ada@new.example");
    let (status, body) = local.verify_code("ada@example.com", &sign_in_code).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_update_may_carry_an_empty_list_of_additional_login_ids() {
    let local = start().await;
    local.create_test_user("ada@example.com").await;
    let (status, body) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update",
            json!({"loginId": "ada@example.com", "additionalLoginIds": [],
                   "displayName": "Ada"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/update",
            json!({"loginId": "ada@example.com", "additionalLoginIds": ["a@b.example"]}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn with_mfa_the_new_session_keeps_how_the_old_one_signed_in() {
    let local = start().await;
    let ada = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    for (mfa, amr) in [(true, vec!["pwd", "email"]), (false, vec!["email"])] {
        let (status, body) = update_email(
            &local,
            "otp",
            Some(&ada),
            json!({"loginId": "ada@example.com", "email": "ada@new.example", "mfa": mfa}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let code = local.inbox_code("ada@new.example").await;
        let (status, body) = local.verify_code("ada@example.com", &code).await;
        assert_eq!(status, 200, "{body}");
        let claims = local
            .validator()
            .validate(body["sessionJwt"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(claims.amr, amr, "mfa: {mfa}");
    }
}

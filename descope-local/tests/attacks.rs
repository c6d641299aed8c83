//! Attacks on the local server, each tried against a running server over real HTTP and shown
//! to fail, with the figures as assertions. Every test is named after the attack it tries.
//! `README.md` ("Threat model") states what these show.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use descope_local::DEFAULT_PROJECT_ID;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::{
    console::Console,
    local::{
        assert_descope_error, bearer, client_from, refresh_jwt, rusqlite_open, start, start_with,
        Local,
    },
};

const PASSWORD: &str = "correct horse battery";

/// The answers to `requests` run all at once, by status.
async fn statuses(requests: Vec<impl std::future::Future<Output = StatusCode>>) -> Vec<u16> {
    let mut statuses: Vec<u16> = join_all(requests)
        .await
        .into_iter()
        .map(|s| s.as_u16())
        .collect();
    statuses.sort_unstable();
    statuses
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// Sign-in with a password, as an attacker guessing it.
async fn sign_in(local: &Local, login: &str, password: &str) -> StatusCode {
    let body = json!({"loginId": login, "password": password});
    local.post("/v1/auth/password/signin", None, body).await.0
}

async fn verify_link(local: &Local, token: &str) -> (StatusCode, Value) {
    let (status, _, body) = local
        .post("/v1/auth/magiclink/verify", None, json!({"token": token}))
        .await;
    (status, body)
}

async fn verify_code(local: &Local, login: &str, code: &str) -> (StatusCode, Value) {
    let (status, _, body) = local
        .post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": login, "code": code}),
        )
        .await;
    (status, body)
}

#[tokio::test]
async fn account_takeover_by_sending_an_email_code_as_a_magic_link_token_fails() {
    let local = start().await;
    // A password-only account: its owner never asked for a code.
    local.signup("victim@example.com", PASSWORD).await;
    // The attacker asks for a code for the victim's address; here the test reads it, which
    // the attacker cannot: even the right code must not work as a link token.
    let code = local.code_for("victim@example.com").await;

    let wrong = verify_link(&local, "0000000000000000000000000000000000000000").await;
    assert_eq!(wrong.0, 401);
    for token in [
        format!("victim@example.com:{code}"),
        format!("otp\0victim@example.com\0{code}"),
        code.clone(),
    ] {
        assert_eq!(
            verify_link(&local, &token).await,
            wrong,
            "{token:?} must be just a wrong link token"
        );
    }
    // The code itself still works where it belongs.
    assert_eq!(
        verify_code(&local, "victim@example.com", &code).await.0,
        200
    );
}

#[tokio::test]
async fn a_magic_link_token_sent_as_a_code_is_just_a_wrong_code() {
    let local = start().await;
    let token = local.link_token_for("ada@example.com").await;
    local.code_for("ada@example.com").await;

    let as_code = verify_code(&local, "ada@example.com", &token).await;
    let wrong = verify_code(&local, "ada@example.com", "000000").await;
    assert_eq!(as_code.0, 401);
    assert_eq!(as_code, wrong);
    // The link still works where it belongs.
    assert_eq!(verify_link(&local, &token).await.0, 200);
}

#[tokio::test]
async fn tokens_of_one_kind_are_refused_where_another_kind_belongs() {
    let local = start().await;
    let signed_up = local.signup("ada@example.com", PASSWORD).await;
    let refresh = refresh_jwt(&signed_up);
    let session = signed_up["sessionJwt"].as_str().unwrap().to_owned();
    let link = local.link_token_for("ada@example.com").await;

    let wrong_link = verify_link(&local, "not-a-token").await;
    assert_eq!(
        verify_link(&local, &refresh).await,
        wrong_link,
        "refresh as link"
    );
    assert_eq!(
        verify_link(&local, &session).await,
        wrong_link,
        "session as link"
    );

    let wrong_refresh = local.refresh("not-a-token").await;
    assert_eq!(wrong_refresh.0, 401);
    assert_eq!(
        local.refresh(&session).await,
        wrong_refresh,
        "session as refresh"
    );
    assert_eq!(local.refresh(&link).await, wrong_refresh, "link as refresh");
    assert_eq!(
        sign_in(&local, "ada@example.com", &refresh).await,
        401,
        "refresh token as password"
    );
    assert_eq!(
        local.refresh(&refresh).await.0,
        200,
        "the refresh token still works"
    );
}

#[tokio::test]
async fn fifty_concurrent_wrong_passwords_at_one_account_evaluate_only_ten() {
    let local = start().await;
    local.signup("ada@example.com", PASSWORD).await;

    let guesses = (0..50)
        .map(|i| {
            let local = &local;
            async move { sign_in(local, "Ada@Example.com ", &format!("guess number {i}")).await }
        })
        .collect();
    let answers = statuses(guesses).await;
    assert_eq!(count(&answers, 401), 10, "{answers:?}");
    assert_eq!(count(&answers, 429), 40, "{answers:?}");

    // The account's password is locked for the window, even to its owner...
    assert_eq!(sign_in(&local, "ada@example.com", PASSWORD).await, 429);
    // ...who still has a way in: an email code is another kind of secret.
    let code = local.code_for("ada@example.com").await;
    assert_eq!(verify_code(&local, "ada@example.com", &code).await.0, 200);
}

#[tokio::test]
async fn fifty_concurrent_wrong_codes_at_one_account_evaluate_only_ten() {
    let local = start().await;
    local.code_for("ada@example.com").await;

    let guesses = (0..50)
        .map(|i| {
            let local = &local;
            async move {
                verify_code(local, "ada@example.com", &format!("{:06}", 100_000 + i))
                    .await
                    .0
            }
        })
        .collect();
    let answers = statuses(guesses).await;
    assert_eq!(count(&answers, 401), 10, "{answers:?}");
    assert_eq!(count(&answers, 429), 40, "{answers:?}");
}

#[tokio::test]
async fn fifty_concurrent_wrong_old_passwords_at_password_replace_evaluate_only_ten() {
    let local = start().await;
    local.signup("ada@example.com", PASSWORD).await;

    let replaces = (0..50)
        .map(|i| {
            let local = &local;
            async move {
                let body = json!({"loginId": "ada@example.com",
                    "oldPassword": format!("guess number {i}"), "newPassword": "a new password"});
                local.post("/v1/auth/password/replace", None, body).await.0
            }
        })
        .collect();
    let answers = statuses(replaces).await;
    assert_eq!(count(&answers, 401), 10, "{answers:?}");
    assert_eq!(count(&answers, 429), 40, "{answers:?}");
}

#[tokio::test]
async fn forged_refresh_tokens_at_password_update_are_limited_per_address_and_lock_no_one_out() {
    let local = start().await;
    let owner = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    let attacker = client_from(5);
    let updates = (0..120)
        .map(|i| {
            let (local, attacker) = (&local, &attacker);
            async move {
                let body = json!({"loginId": "ada@example.com", "newPassword": "attacker pw"});
                let token = format!("forged.refresh.{i}");
                local
                    .post_with(attacker, "/v1/auth/password/update", Some(&token), body)
                    .await
                    .0
            }
        })
        .collect();
    let answers = statuses(updates).await;
    assert_eq!(count(&answers, 401), 100, "{answers:?}");
    assert_eq!(count(&answers, 429), 20, "{answers:?}");

    // The account named in every forged request is not locked: its owner changes the password.
    let (status, _, _) = local
        .post(
            "/v1/auth/password/update",
            Some(&owner),
            json!({"loginId": "ada@example.com", "newPassword": "the owner's new pw"}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn setting_a_password_for_someone_elses_address_before_they_arrive_gains_nothing() {
    let local = start().await;
    // The attacker signs up with the owner's address (no proof of it is asked) and keeps a
    // session open, waiting.
    let waiting = refresh_jwt(
        &local
            .signup("owner@example.com", "attacker's password")
            .await,
    );

    // The owner arrives and proves the address with an email code.
    let code = local.code_for("owner@example.com").await;
    let (status, owner) = verify_code(&local, "owner@example.com", &code).await;
    assert_eq!(status, 200);
    assert_eq!(owner["user"]["verifiedEmail"], true);
    assert_eq!(
        owner["user"]["password"], false,
        "the password set before is gone"
    );

    assert_eq!(
        sign_in(&local, "owner@example.com", "attacker's password").await,
        401
    );
    assert_eq!(
        local.refresh(&waiting).await.0,
        401,
        "the waiting session ended"
    );
    assert_eq!(local.refresh(&refresh_jwt(&owner)).await.0, 200);
}

#[tokio::test]
async fn login_ids_that_forge_log_lines_or_bloat_memory_are_refused() {
    let local = start().await;
    for login in [
        "a@evil.test\n2026-12-02T17:09:00Z  WARN forged line".to_owned(),
        "a@evil.test\u{1b}[31m".to_owned(),
        "a b@example.com".to_owned(),
        format!("{}@example.com", "a".repeat(60_000)),
    ] {
        for (path, body) in [
            (
                "/v1/auth/password/signin",
                json!({"loginId": login, "password": PASSWORD}),
            ),
            ("/v1/auth/otp/signup-in/email", json!({"loginId": login})),
            (
                "/v1/auth/password/update",
                json!({"loginId": login, "newPassword": PASSWORD}),
            ),
        ] {
            let (status, _, body) = local.post(path, Some("x"), body).await;
            assert_eq!(status, 400, "{path} {}", login.len());
            assert_descope_error(&body, "E011003");
        }
    }
}

#[tokio::test]
async fn guessing_magic_link_tokens_from_one_address_stops_at_the_address_limit() {
    let local = start().await;
    let mut answers = Vec::new();
    let mut retry_after = None;
    for i in 0..150 {
        let (status, headers, _) = local
            .post(
                "/v1/auth/magiclink/verify",
                None,
                json!({"token": format!("guess{i:036}")}),
            )
            .await;
        answers.push(status.as_u16());
        if status == 429 {
            retry_after = headers.get("retry-after").cloned();
        }
    }
    assert_eq!(count(&answers, 401), 100);
    assert_eq!(count(&answers, 429), 50);
    let retry_after: u64 = retry_after.unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after));
}

#[tokio::test]
async fn spraying_guesses_across_accounts_stops_at_the_address_limit_and_spares_other_addresses() {
    let local = start_with(|c| c.address_failures = 20).await;
    let attacker = client_from(2);
    let mut evaluated = 0;
    for i in 0..40 {
        let body = json!({"loginId": format!("user{i}@example.com"), "password": "password1"});
        let (status, _, _) = local
            .post_with(&attacker, "/v1/auth/password/signin", None, body)
            .await;
        if status == 401 {
            evaluated += 1;
        }
    }
    assert_eq!(evaluated, 20);
    let body = json!({"token": "any token at all"});
    let (status, _, _) = local
        .post_with(&attacker, "/v1/auth/magiclink/verify", None, body.clone())
        .await;
    assert_eq!(status, 429, "one budget for every kind of secret");

    let neighbour = client_from(3);
    let (status, _, _) = local
        .post_with(&neighbour, "/v1/auth/magiclink/verify", None, body)
        .await;
    assert_eq!(status, 401, "another address is evaluated");
}

#[tokio::test]
async fn a_flood_of_sign_ups_from_one_address_stops_at_the_sign_up_budget() {
    let local = start().await;
    let mut answers = Vec::new();
    let mut retry_after = None;
    for i in 0..150 {
        let body = json!({"loginId": format!("new{i}@example.com"), "password": PASSWORD});
        let (status, headers, _) = local.post("/v1/auth/password/signup", None, body).await;
        answers.push(status.as_u16());
        if status == 429 {
            retry_after = headers.get("retry-after").cloned();
        }
    }
    assert_eq!(count(&answers, 200), 100);
    assert_eq!(count(&answers, 429), 50);
    assert!(retry_after.is_some());

    // Code and link sign-ups draw on the same budget...
    let (status, _, _) = local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "code@example.com"}),
        )
        .await;
    assert_eq!(status, 429);
    let body = json!({"loginId": "link@example.com", "URI": "http://app.test:3000/verify"});
    let (status, _, _) = local
        .post("/v1/auth/magiclink/signup-in/email", None, body)
        .await;
    assert_eq!(status, 429);
    // ...while sign-in and other addresses are unaffected.
    assert_eq!(sign_in(&local, "new0@example.com", PASSWORD).await, 200);
    let body = json!({"loginId": "elsewhere@example.com", "password": PASSWORD});
    let (status, _, _) = local
        .post_with(&client_from(4), "/v1/auth/password/signup", None, body)
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_flood_of_sign_ups_does_not_stall_sign_in() {
    const SIGN_UPS: usize = 24;
    let local = start_with(|c| c.address_signups = u32::MAX).await;
    local.signup("ada@example.com", PASSWORD).await;

    let finished = Arc::new(AtomicUsize::new(0));
    let flood: Vec<_> = (0..SIGN_UPS)
        .map(|i| {
            let (base, finished) = (local.base.clone(), finished.clone());
            tokio::spawn(async move {
                let response = reqwest::Client::new()
                    .post(format!("{base}/v1/auth/password/signup"))
                    .header("authorization", bearer(None))
                    .json(
                        &json!({"loginId": format!("flood{i}@example.com"), "password": PASSWORD}),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
                finished.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    // Let the flood queue up for the hashing permits first.
    while finished.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    assert_eq!(sign_in(&local, "ada@example.com", PASSWORD).await, 200);
    let sign_in_took = started.elapsed();
    let sign_ups_done = finished.load(Ordering::SeqCst);
    for task in flood {
        task.await.unwrap();
    }
    eprintln!(
        "sign-in under a flood of {SIGN_UPS} sign-ups: {} ms, with {sign_ups_done} sign-ups \
         finished",
        sign_in_took.as_millis()
    );
    assert!(
        sign_ups_done <= SIGN_UPS / 2,
        "sign-in waited for the sign-ups: {sign_ups_done} of {SIGN_UPS} finished first"
    );
}

#[tokio::test]
async fn a_stolen_refresh_token_dies_when_the_victim_changes_the_password() {
    let local = start().await;
    let stolen = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    let (_, _, kept) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": PASSWORD}),
        )
        .await;
    let kept = refresh_jwt(&kept);

    // Update, from the victim's session: that one goes on, every other one ends.
    let (status, _, _) = local
        .post(
            "/v1/auth/password/update",
            Some(&kept),
            json!({"loginId": "ada@example.com", "newPassword": "second password"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        local.refresh(&stolen).await.0,
        401,
        "update ends the thief's session"
    );
    let (status, body) = local.refresh(&kept).await;
    assert_eq!(status, 200, "the presenter's session goes on");
    let kept = refresh_jwt(&body);

    // Replace, with the old password: every earlier session ends.
    let (status, _, replaced) = local
        .post(
            "/v1/auth/password/replace",
            None,
            json!({"loginId": "ada@example.com", "oldPassword": "second password",
                   "newPassword": "third password"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        local.refresh(&kept).await.0,
        401,
        "replace ends earlier sessions"
    );
    assert_eq!(local.refresh(&refresh_jwt(&replaced)).await.0, 200);
}

#[tokio::test]
async fn simultaneous_refreshes_with_one_token_all_succeed_and_keep_one_chain() {
    for n in [2, 5, 10] {
        let local = start().await;
        let first = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
        let refreshes: Vec<_> = (0..n)
            .map(|_| {
                let (local, first) = (&local, &first);
                async move { local.refresh(first).await }
            })
            .collect();
        let answers = join_all(refreshes).await;
        assert!(
            answers.iter().all(|(status, _)| *status == 200),
            "{n} at once: {:?}",
            answers.iter().map(|a| a.0).collect::<Vec<_>>()
        );
        // Whichever answer a client kept, its token refreshes the session again.
        for (_, body) in &answers {
            let (status, _) = local.refresh(&refresh_jwt(body)).await;
            assert_eq!(status, 200, "{n} at once: a returned token was refused");
        }
        let revoked: bool = rusqlite_open(&local.dir)
            .query_row("SELECT MAX(revoked) FROM refresh_families", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!revoked, "{n} at once: the family was revoked");
    }
}

#[tokio::test]
async fn reusing_a_replaced_refresh_token_after_the_grace_revokes_its_family() {
    // A 2 s grace: the two first refreshes fall inside it, and 3 s later (by the server's
    // clock) both are past it.
    let local = start_with(|c| c.refresh_grace = Duration::from_secs(2)).await;
    let first = refresh_jwt(&local.signup("ada@example.com", PASSWORD).await);
    let (_, a) = local.refresh(&first).await;
    let (_, b) = local.refresh(&first).await;
    local.clock.advance(3);
    let (_, next) = local.refresh(&refresh_jwt(&a)).await;
    local.clock.advance(3);

    let (status, body) = local.refresh(&refresh_jwt(&b)).await;
    assert_eq!(status, 401, "b's generation was replaced 3 s ago");
    assert_descope_error(&body, "E061301");
    assert_eq!(
        local.refresh(&refresh_jwt(&next)).await.0,
        401,
        "the whole family is revoked"
    );
}

#[tokio::test]
async fn a_magic_link_cannot_carry_its_token_to_another_site() {
    let local = start().await; // approved: http://app.test:3000
    let send = |uri: &'static str| {
        let local = &local;
        async move {
            let body = json!({"loginId": "ada@example.com", "URI": uri});
            local
                .post("/v1/auth/magiclink/signup-in/email", None, body)
                .await
        }
    };
    for uri in [
        "https://evil.test/steal",
        "http://app.test:3000@evil.test/",
        "http://app.test:3001/verify",
        "https://app.test:3000/verify",
        "javascript:alert(1)",
        "//evil.test",
        "",
    ] {
        let (status, _, body) = send(uri).await;
        assert_eq!(status, 400, "{uri:?}: {body}");
        assert_descope_error(&body, if uri.is_empty() { "E011002" } else { "E011003" });
    }
    assert!(
        local.inbox("ada@example.com").await.is_null(),
        "nothing sent"
    );
    assert_eq!(send("http://app.test:3000/verify?x=1").await.0, 200);

    // With no origins configured, only this machine's.
    let standalone = start_with(|c| c.redirect_origins.clear()).await;
    for (uri, expected) in [
        ("http://127.0.0.1:5173/verify", 200),
        ("https://localhost/verify", 200),
        ("http://[::1]:8080/", 200),
        ("http://evil.test/verify", 400),
        ("http://127.0.0.1.evil.test/", 400),
    ] {
        let body = json!({"loginId": "ada@example.com", "URI": uri});
        let (status, _, _) = standalone
            .post("/v1/auth/magiclink/signup-in/email", None, body)
            .await;
        assert_eq!(status, expected, "{uri}");
    }
}

#[tokio::test]
async fn dns_rebinding_to_read_the_inbox_or_the_api_fails() {
    let local = start().await;
    local.code_for("ada@example.com").await;
    let client = reqwest::Client::new();
    let get = |path: &'static str, host: &'static str| {
        client
            .get(format!("{}{path}", local.base))
            .header("host", host)
            .header("authorization", bearer(None))
            .send()
    };
    let keys = format!("/v2/keys/{DEFAULT_PROJECT_ID}").leak() as &'static str;
    for path in ["/inbox", "/inbox.json", keys] {
        let refused = get(path, "rebound.evil.test:4000").await.unwrap();
        assert_eq!(refused.status(), 421, "{path}");
        assert_descope_error(&refused.json().await.unwrap(), "E011008");
        assert_eq!(
            get(path, "localhost:4000").await.unwrap().status(),
            200,
            "{path}"
        );
    }
}

#[tokio::test]
async fn reading_the_inbox_under_the_public_name_or_through_a_proxy_fails() {
    let local = start_with(|c| {
        c.public_url = Some("https://demo.example.com".into());
    })
    .await;
    local.code_for("ada@example.com").await;
    let client = reqwest::Client::new();
    let inbox = |host: &'static str, forwarded: bool| {
        let mut request = client
            .get(format!("{}/inbox.json", local.base))
            .header("host", host);
        if forwarded {
            request = request.header("x-forwarded-for", "203.0.113.7");
        }
        request.send()
    };
    // The public name reaches the API but not the inbox.
    let refused = inbox("demo.example.com", false).await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_descope_error(&refused.json().await.unwrap(), "E011009");
    assert_eq!(inbox("127.0.0.1", true).await.unwrap().status(), 403);
    let keys = client
        .get(format!("{}/v2/keys/{DEFAULT_PROJECT_ID}", local.base))
        .header("host", "demo.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.status(), 200);
    assert_eq!(inbox("127.0.0.1", false).await.unwrap().status(), 200);
}

/// Asserts that only a direct client on this machine reaches the development control at
/// `path` (`POST body`): a proxied caller gets 403, a rebound host name 421, a cross-site
/// `text/plain` post (what a form or `no-cors` fetch can send) 400, and a foreign origin's
/// preflight no CORS grant.
async fn only_this_machine_reaches(local: &Local, path: &str, body: Value) {
    let client = reqwest::Client::new();
    let url = format!("{}{path}", local.base);
    let post = |host: &'static str, forwarded: bool| {
        let mut request = client.post(&url).header("host", host).json(&body);
        if forwarded {
            request = request.header("x-forwarded-for", "203.0.113.7");
        }
        request.send()
    };
    let proxied = post("127.0.0.1", true).await.unwrap();
    assert_eq!(proxied.status(), 403, "{path}");
    assert_descope_error(&proxied.json().await.unwrap(), "E011009");
    assert_eq!(
        post("rebound.evil.test", false).await.unwrap().status(),
        421
    );
    let read = client
        .get(&url)
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 403, "{path}");
    let form = client
        .post(&url)
        .header("content-type", "text/plain")
        .header("origin", "https://evil.test")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 400, "{path}");
    let preflight = client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://evil.test")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(
        !preflight
            .headers()
            .contains_key("access-control-allow-origin"),
        "{path}: {:?}",
        preflight.headers()
    );
}

#[tokio::test]
async fn moving_the_clock_from_another_machine_a_proxy_or_a_web_page_fails() {
    let local = start().await;
    only_this_machine_reaches(&local, "/_dev/clock", json!({"advanceSeconds": 3600})).await;
    assert_eq!(local.clock.offset(), 0, "the clock has not moved");
}

/// How many users the server holds, as the management API counts them.
async fn user_count(local: &Local) -> usize {
    let (status, found) = local
        .mgmt(
            "POST",
            "/v1/mgmt/user/search",
            json!({"withTestUser": true}),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    found["users"].as_array().unwrap().len()
}

#[tokio::test]
async fn steering_the_console_from_a_web_page_a_proxy_or_another_host_name_fails() {
    let local = start().await;
    let console = Console::open(&format!("{}/console", local.base)).await;
    let create = format!("{}/console/users", local.base);
    let form =
        |token: &str| format!("csrf={token}&loginId=mallory%40evil.test&password=pw-123456789");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |headers: &[(&'static str, &'static str)], body: String| {
        let mut request = client
            .post(&create)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    // A page of another site posts the form (it cannot read the token, so it guesses or
    // leaves it out), or a proxied or rebound request carries the right one.
    for (headers, body, status) in [
        (
            vec![
                ("origin", "https://evil.test"),
                ("sec-fetch-site", "cross-site"),
            ],
            form(""),
            403,
        ),
        (vec![("origin", "https://evil.test")], form("guess"), 403),
        (
            vec![("origin", "https://evil.test")],
            form(&console.token),
            403,
        ),
        (
            vec![("sec-fetch-site", "cross-site")],
            form(&console.token),
            403,
        ),
        (vec![("origin", "null")], form(&console.token), 403),
        (vec![], form("guess"), 403),
        (vec![], "loginId=mallory%40evil.test".to_owned(), 400),
        (
            vec![("x-forwarded-for", "203.0.113.7")],
            form(&console.token),
            403,
        ),
        (
            vec![("host", "rebound.evil.test")],
            form(&console.token),
            421,
        ),
        (
            vec![("host", "127.0.0.1:80';id;'")],
            form(&console.token),
            421,
        ),
    ] {
        let answer = post(&headers, body).await.unwrap();
        assert_eq!(answer.status(), status, "{headers:?}");
    }
    // The same kind of form with the token, from the console's own origin, is accepted.
    assert_eq!(user_count(&local).await, 0, "nothing was created");
    let (status, _) = console
        .submit("/users", &[("loginId", "ada@example.com")])
        .await;
    assert_eq!(status, 303);
    assert_eq!(user_count(&local).await, 1);

    // Reading it through a proxy, or framing it, fails too; no other origin may read it.
    let proxied = client
        .get(&console.url)
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), 403);
    let page = client.get(&console.url).send().await.unwrap();
    let headers = page.headers();
    assert_eq!(headers["x-frame-options"], "DENY");
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'none'"));
    assert_eq!(headers["cache-control"], "no-store");
    // Not even the app, whose origin may call the API with credentials, may read the console's
    // pages (which hold the token) or its export (which holds password hashes).
    for path in ["", "/project.json"] {
        let read = client
            .get(format!("{}{path}", console.url))
            .header("origin", "http://app.test:3000")
            .send()
            .await
            .unwrap();
        assert!(
            !read.headers().contains_key("access-control-allow-origin"),
            "{path}: {:?}",
            read.headers()
        );
    }
    let api = client
        .get(format!("{}/v2/keys/{DEFAULT_PROJECT_ID}", local.base))
        .header("origin", "http://app.test:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.headers()["access-control-allow-origin"],
        "http://app.test:3000",
        "the API itself is open to the app"
    );
}

#[tokio::test]
async fn a_name_with_markup_is_shown_as_text_in_the_console() {
    let local = start().await;
    let console = Console::open(&format!("{}/console", local.base)).await;
    let (_, to) = console
        .submit(
            "/users",
            &[
                ("loginId", "ada@example.com"),
                ("name", "<script>alert(1)</script>\"><img src=x>"),
            ],
        )
        .await;
    let user = to
        .split('?')
        .next()
        .unwrap()
        .strip_prefix("/console")
        .unwrap();
    for page in [console.page("").await.1, console.page(user).await.1] {
        assert!(
            !page.contains("<script>alert") && !page.contains("<img src=x>"),
            "{page}"
        );
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn a_server_other_machines_reach_has_no_clock_faults_or_console() {
    let with_public_url = |c: &mut descope_local::Config| {
        c.public_url = Some("https://demo.example.com".into());
    };
    let exposed = |c: &mut descope_local::Config| c.expose = true;
    for local in [start_with(with_public_url).await, start_with(exposed).await] {
        let client = reqwest::Client::new();
        for request in [
            client.get(format!("{}/_dev/clock", local.base)),
            client
                .post(format!("{}/_dev/clock", local.base))
                .json(&json!({"advanceSeconds": 3600})),
            client
                .post(format!("{}/_dev/faults", local.base))
                .json(&json!({"target": "refresh", "status": 503, "times": 5})),
            client.get(format!("{}/console", local.base)),
            client
                .post(format!("{}/console/users", local.base))
                .form(&[("loginId", "mallory@evil.test")]),
        ] {
            assert_eq!(request.send().await.unwrap().status(), 404);
        }
        assert_eq!(local.clock.offset(), 0);
        let signed_up = local.signup("ada@example.com", PASSWORD).await;
        assert_eq!(local.refresh(&refresh_jwt(&signed_up)).await.0, 200);
    }
}

#[tokio::test]
async fn injecting_faults_from_another_machine_or_a_web_page_fails() {
    let local = start().await;
    let fault = json!({"target": "refresh", "status": 503, "times": 5});
    only_this_machine_reaches(&local, "/_dev/faults", fault).await;
    // Not even the allowed origin's pages may clear faults.
    let preflight = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/_dev/faults", local.base),
        )
        .header("origin", "http://app.test:3000")
        .header("access-control-request-method", "DELETE")
        .send()
        .await
        .unwrap();
    let allowed = preflight
        .headers()
        .get("access-control-allow-methods")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(!allowed.contains("DELETE"), "{allowed}");
    let signed_up = local.signup("ada@example.com", PASSWORD).await;
    let refreshed = local.refresh(&refresh_jwt(&signed_up)).await.0;
    assert_eq!(refreshed, 200, "no fault was armed");
}

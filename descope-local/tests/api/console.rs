//! The console (`/console`): its pages read and its forms submitted as a browser would, and
//! what each action changes seen through Descope's own APIs.

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::{
    console::Console,
    jwt::{claims_of, header_of},
    local::{refresh_jwt, rusqlite_open, start, Local},
};

const PASSWORD: &str = "correct horse battery";

async fn console(local: &Local) -> Console {
    Console::open(&format!("{}/console", local.base)).await
}

/// Creates a user from the console: the path of their page (`/users/<id>`).
async fn create(console: &Console, fields: &[(&str, &str)]) -> String {
    let (status, to) = console.submit("/users", fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (page, done) = to.split_once('?').unwrap();
    assert_eq!(done, "done=created");
    page.strip_prefix("/console").unwrap().to_owned()
}

async fn sign_in(local: &Local, password: &str) -> (StatusCode, Value) {
    let (status, _, body) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": password}),
        )
        .await;
    (status, body)
}

/// The ID in the first "revoke this session" form of a user's page.
fn first_session_id(html: &str) -> String {
    let rest = html
        .split("/sessions/")
        .nth(1)
        .expect("a session to revoke");
    rest.split('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_user_is_created_steered_and_deleted_from_the_console() {
    let local = start().await;
    let console = console(&local).await;
    let user = create(
        &console,
        &[
            ("loginId", "ada@example.com"),
            ("name", "Ada"),
            ("password", PASSWORD),
            ("test", "on"),
        ],
    )
    .await;
    let (_, loaded) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=ada@example.com", Value::Null)
        .await;
    assert_eq!(
        (&loaded["user"]["name"], &loaded["user"]["test"]),
        (&json!("Ada"), &json!(true)),
        "{loaded}"
    );
    let (status, front) = console.page("?q=ADA").await;
    assert_eq!(status, 200);
    assert!(
        front.contains(&format!("/console{user}")),
        "search finds her"
    );
    let (_, none) = console.page("?q=nobody").await;
    assert!(none.contains("No user matches."));

    // Her sessions are listed, newest first; revoking one from the console refuses its
    // refresh token and leaves the other alone.
    let (status, kept) = sign_in(&local, PASSWORD).await;
    assert_eq!(status, 200, "{kept}");
    let (_, signed_in) = sign_in(&local, PASSWORD).await;
    let (_, page) = console.page(&user).await;
    assert_eq!(page.matches("data-state=\"live\"").count(), 2, "{page}");
    let session = first_session_id(&page);
    let (status, to) = console
        .submit(&format!("{user}/sessions/{session}/revoke"), &[])
        .await;
    assert_eq!(
        (status, to.as_str()),
        (
            StatusCode::SEE_OTHER,
            format!("/console{user}?done=revoked").as_str()
        )
    );
    assert_eq!(local.refresh(&refresh_jwt(&signed_in)).await.0, 401);
    let (_, page) = console.page(&format!("{user}?done=revoked")).await;
    assert!(page.contains("data-state=\"revoked\"") && page.contains("Session revoked"));
    local.clock.advance(90);
    let (status, kept) = local.refresh(&refresh_jwt(&kept)).await;
    assert_eq!(status, 200, "the other session lives on");
    let (began, refreshed): (i64, i64) = rusqlite_open(&local.dir)
        .query_row(
            "SELECT created_at, last_used_at FROM refresh_families WHERE revoked = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        refreshed - began >= 90,
        "last refreshed {refreshed}, began {began}"
    );
    local.clock.reset();

    // Another user's page cannot revoke her sessions: the session is not theirs.
    let other = create(&console, &[("loginId", "bob@example.com")]).await;
    let (status, _) = console
        .submit(&format!("{other}/sessions/{session}/revoke"), &[])
        .await;
    assert_eq!(status, 404);
    let live = first_session_id(&console.page(&user).await.1);
    let (status, _) = console
        .submit(&format!("{other}/sessions/{live}/revoke"), &[])
        .await;
    assert_eq!(status, 404);
    assert_eq!(local.refresh(&refresh_jwt(&kept)).await.0, 200);
    assert_eq!(
        console.submit("/users/U2nobody/logout", &[]).await.0,
        404,
        "no such user"
    );

    // Roles and tenants set here are in her next session token; an unknown tenant is refused.
    let (_, to) = console
        .submit(
            &format!("{user}/roles"),
            &[("roles", "admin, Tenant Admin")],
        )
        .await;
    assert!(to.ends_with("?done=roles"), "{to}");
    let (status, page) = console
        .submit(&format!("{user}/tenants"), &[("tenants", "T1")])
        .await;
    assert_eq!(status, 404);
    assert!(page.contains("No tenant has the ID T1."), "{page}");
    let (status, _) = local
        .mgmt(
            "POST",
            "/v1/mgmt/tenant/create",
            json!({"name": "Acme", "id": "T1"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, to) = console
        .submit(&format!("{user}/tenants"), &[("tenants", "T1")])
        .await;
    assert!(to.ends_with("?done=tenants"), "{to}");
    let (_, signed_in) = sign_in(&local, PASSWORD).await;
    let claims = claims_of(signed_in["sessionJwt"].as_str().unwrap());
    assert_eq!(claims["roles"], json!(["admin", "Tenant Admin"]));
    assert!(claims["tenants"]["T1"].is_object(), "{claims}");

    // Disabled, she cannot sign in or refresh; enabled again, she can.
    let (_, to) = console
        .submit(&format!("{user}/status"), &[("status", "disabled")])
        .await;
    assert!(to.ends_with("?done=status"), "{to}");
    assert_eq!(sign_in(&local, PASSWORD).await.0, 403);
    assert_eq!(local.refresh(&refresh_jwt(&signed_in)).await.0, 401);
    console
        .submit(&format!("{user}/status"), &[("status", "enabled")])
        .await;
    let (status, signed_in) = sign_in(&local, PASSWORD).await;
    assert_eq!(status, 200);

    // A new password ends her sessions; a weak one is refused and changes nothing.
    let (status, page) = console
        .submit(&format!("{user}/password"), &[("password", "short")])
        .await;
    assert_eq!(status, 400, "{page}");
    assert_eq!(sign_in(&local, PASSWORD).await.0, 200);
    let (_, to) = console
        .submit(
            &format!("{user}/password"),
            &[("password", "a new horse battery")],
        )
        .await;
    assert!(to.ends_with("?done=password"), "{to}");
    assert_eq!(local.refresh(&refresh_jwt(&signed_in)).await.0, 401);
    assert_eq!(sign_in(&local, PASSWORD).await.0, 401);
    assert_eq!(sign_in(&local, "a new horse battery").await.0, 200);

    // "Revoke all sessions" ends every one of them.
    let (_, first) = sign_in(&local, "a new horse battery").await;
    let (_, second) = sign_in(&local, "a new horse battery").await;
    let (_, to) = console.submit(&format!("{user}/logout"), &[]).await;
    assert!(to.ends_with("?done=revoked"), "{to}");
    for session in [first, second] {
        assert_eq!(local.refresh(&refresh_jwt(&session)).await.0, 401);
    }

    let (_, to) = console.submit(&format!("{user}/delete"), &[]).await;
    assert_eq!(to, "/console?done=deleted");
    assert_eq!(console.page(&user).await.0, 404);
    assert_eq!(sign_in(&local, "a new horse battery").await.0, 401);
}

#[tokio::test]
async fn a_minted_token_is_a_session_token_the_app_accepts_with_a_curl_line() {
    let local = start().await;
    let console = console(&local).await;
    let user = create(&console, &[("loginId", "ada@example.com")]).await;
    console
        .submit(&format!("{user}/roles"), &[("roles", "admin")])
        .await;
    let (status, page) = console.submit(&format!("{user}/mint"), &[]).await;
    assert_eq!(status, 200);
    let token = page
        .split("<textarea id=\"token\"")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split('<').next())
        .unwrap()
        .to_owned();
    let session = local.validator().validate(&token).await.unwrap();
    let claims = claims_of(&token);
    assert_eq!(
        claims["sub"].as_str(),
        user.strip_prefix("/users/"),
        "{claims}"
    );
    assert_eq!(claims["roles"], json!(["admin"]));
    assert_eq!(claims["amr"], json!(["console"]));
    assert_eq!(session.user_id, claims["sub"].as_str().unwrap());
    assert!(
        page.contains(&format!(
            "curl -H 'Authorization: Bearer {token}' http://app.test:3000/get_secret_message"
        )),
        "{page}"
    );

    console
        .submit(&format!("{user}/status"), &[("status", "disabled")])
        .await;
    let (status, page) = console.submit(&format!("{user}/mint"), &[]).await;
    assert_eq!(status, 403, "a disabled user gets no token: {page}");
}

#[tokio::test]
async fn rotating_the_key_signs_new_tokens_with_it_and_keeps_the_old_one_published() {
    let local = start().await;
    let console = console(&local).await;
    let before = local.signup("ada@example.com", PASSWORD).await;
    let old_kid = header_of(before["sessionJwt"].as_str().unwrap())["kid"].clone();

    let (status, to) = console.submit("/keys/rotate", &[]).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/console?done=rotated#keys")
    );
    let (_, jwks) = local
        .get(
            &format!("/v2/keys/{}", descope_local::DEFAULT_PROJECT_ID),
            None,
        )
        .await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2, "{jwks}");
    let after = sign_in(&local, PASSWORD).await.1;
    let new_kid = header_of(after["sessionJwt"].as_str().unwrap())["kid"].clone();
    assert_ne!(new_kid, old_kid, "signed with the new key at once");
    let validator = local.validator();
    for signed in [&before, &after] {
        assert!(validator
            .validate(signed["sessionJwt"].as_str().unwrap())
            .await
            .is_ok());
    }
    let (_, page) = console.page("").await;
    let row = |kid: &Value| {
        let kid = format!("<code>{}", kid.as_str().unwrap());
        let row = page.split(kid.as_str()).nth(1).unwrap_or_default();
        row.split("</tr>").next().unwrap_or_default().to_owned()
    };
    assert!(row(&new_kid).contains("current, published"), "{page}");
    assert!(row(&old_kid).contains("published (tokens it signed stay valid)"));
}

/// What the management API lists at `path` under `field`.
async fn listed(local: &Local, method: &str, path: &str, field: &str) -> usize {
    let body = if method == "POST" {
        json!({})
    } else {
        Value::Null
    };
    let (status, answer) = local.mgmt(method, path, body).await;
    assert_eq!(status, 200, "{answer}");
    answer[field].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn the_project_is_exported_reset_to_empty_and_imported_back() {
    let local = start().await;
    let console = console(&local).await;
    create(
        &console,
        &[("loginId", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    for (path, body) in [
        ("/v1/mgmt/role/create", json!({"name": "auditor"})),
        (
            "/v1/mgmt/tenant/create",
            json!({"name": "Acme", "id": "T1"}),
        ),
        ("/v1/mgmt/accesskey/create", json!({"name": "ci"})),
    ] {
        assert_eq!(local.mgmt("POST", path, body).await.0, 200, "{path}");
    }
    local
        .post(
            "/v1/auth/otp/signup-in/email",
            None,
            json!({"loginId": "bob@example.com"}),
        )
        .await;
    assert_eq!(local.inbox("bob@example.com").await["kind"], "otp");
    let (status, document) = console.page("/project.json").await;
    assert_eq!(status, 200);
    let exported: Value = serde_json::from_str(&document).unwrap();
    assert!(document.contains("ada@example.com"), "{exported}");
    let jwks = format!("/v2/keys/{}", descope_local::DEFAULT_PROJECT_ID);
    let keys = local.get(&jwks, None).await.1;

    let (status, page) = console
        .submit("/project/reset", &[("confirm", "reset")])
        .await;
    assert_eq!(status, 400, "only RESET resets: {page}");
    assert_eq!(sign_in(&local, PASSWORD).await.0, 200);
    let signed_in = sign_in(&local, PASSWORD).await.1;
    let (_, to) = console
        .submit("/project/reset", &[("confirm", "RESET")])
        .await;
    assert_eq!(to, "/console?done=reset");
    assert_eq!(sign_in(&local, PASSWORD).await.0, 401);
    assert_eq!(local.refresh(&refresh_jwt(&signed_in)).await.0, 401);
    let (_, page) = console.page("").await;
    assert!(
        page.contains("No users yet") && page.contains("No messages yet."),
        "{page}"
    );
    assert_eq!(listed(&local, "GET", "/v1/mgmt/role/all", "roles").await, 0);
    assert_eq!(
        listed(&local, "GET", "/v1/mgmt/tenant/all", "tenants").await,
        0
    );
    assert_eq!(
        listed(&local, "POST", "/v1/mgmt/accesskey/search", "keys").await,
        0
    );
    assert_eq!(
        local.get(&jwks, None).await.1,
        keys,
        "the signing keys stay"
    );

    // An invalid entry imports nothing; a valid document imports once, and again changes
    // nothing.
    let (status, page) = console
        .submit("/project/import", &[("document", "{not json")])
        .await;
    assert_eq!(status, 400, "{page}");
    let mut broken = exported.clone();
    broken["users"]
        .as_array_mut()
        .unwrap()
        .push(json!({"loginId": "not an email", "password": PASSWORD}));
    let (status, page) = console
        .submit("/project/import", &[("document", &broken.to_string())])
        .await;
    assert_eq!(status, 400, "{page}");
    assert_eq!(
        sign_in(&local, PASSWORD).await.0,
        401,
        "nothing was imported"
    );
    // A user ID that would forge a log line, or is taken once trimmed, is the document's
    // fault: 400, and nothing is written.
    let user = |id: &str| json!({"users": [{"userId": id, "loginId": "eve@example.com"}]});
    for document in [
        user("x\n2026-12-03T20:00:00Z  INFO console: forged"),
        user("x\u{1b}[31m"),
        user(&"x".repeat(65)),
    ] {
        let (status, page) = console
            .submit("/project/import", &[("document", &document.to_string())])
            .await;
        assert_eq!(status, 400, "{document}: {page}");
    }
    let (_, to) = console
        .submit(
            "/project/import",
            &[("document", &user("U2eve").to_string())],
        )
        .await;
    assert_eq!(to, "/console?done=imported#project");
    let taken = json!({"users": [{"userId": " U2eve", "loginId": "mallory@example.com"}]});
    let (status, page) = console
        .submit("/project/import", &[("document", &taken.to_string())])
        .await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("is taken"), "{page}");
    let doubled = json!({"users": [{
        "loginId": "dup@example.com",
        "additionalLoginIds": ["dup2@example.com", "dup2@example.com", "dup@example.com"],
    }]});
    let (_, to) = console
        .submit("/project/import", &[("document", &doubled.to_string())])
        .await;
    assert_eq!(
        to, "/console?done=imported#project",
        "repeated login IDs are one"
    );
    console
        .submit("/project/reset", &[("confirm", "RESET")])
        .await;
    for _ in 0..2 {
        let (_, to) = console
            .submit("/project/import", &[("document", &document)])
            .await;
        assert_eq!(to, "/console?done=imported#project");
    }
    assert_eq!(
        sign_in(&local, PASSWORD).await.0,
        200,
        "the export kept her password"
    );
    assert_eq!(listed(&local, "GET", "/v1/mgmt/role/all", "roles").await, 1);
    let (_, again) = console.page("/project.json").await;
    assert_eq!(again, document, "importing twice created nothing twice");
}

#[tokio::test]
async fn the_clock_moves_and_the_waiting_faults_show_and_clear_from_the_console() {
    let local = start().await;
    let console = console(&local).await;
    let (_, to) = console.submit("/clock", &[("minutes", "11")]).await;
    assert_eq!(to, "/console?done=clock#time");
    assert_eq!(local.clock.offset(), 660);
    let (_, page) = console.page("").await;
    assert!(page.contains("The clock is 11 min ahead of real time."));
    for minutes in ["0", "-5", "eleven", "99999999999999"] {
        let (status, _) = console.submit("/clock", &[("minutes", minutes)]).await;
        assert_eq!(status, 400, "{minutes}");
    }
    assert_eq!(local.clock.offset(), 660);
    console.submit("/clock/reset", &[]).await;
    assert_eq!(local.clock.offset(), 0);

    let armed = reqwest::Client::new()
        .post(format!("{}/_dev/faults", local.base))
        .json(&json!({"target": "refresh", "status": 503, "times": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(armed.status(), 200);
    let (_, page) = console.page("").await;
    assert!(
        page.contains("refresh: answer 503 for the next 2 request(s)"),
        "{page}"
    );
    let (_, to) = console.submit("/faults/clear", &[]).await;
    assert_eq!(to, "/console?done=faults#time");
    let (_, faults) = local.get("/_dev/faults", None).await;
    assert_eq!(faults["faults"], json!([]));
}

//! The server on a free port, exercised over real HTTP.

use std::net::SocketAddr;

use app::secret::{SecretError, SECRET_MESSAGE};
use leptos::config::LeptosOptions;
use server::{
    config::{Config, DescopeConfig},
    Application,
};
use test_support::{jwt as support, TempDir};
use tokio::{sync::oneshot, task::JoinHandle};

/// A running server and the means to stop it.
struct TestServer {
    address: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    _data: TempDir,
}

async fn spawn_server() -> TestServer {
    spawn_server_with(|dir| DescopeConfig::embedded(dir)).await
}

/// A server whose Descope is made by `descope` from the server's data folder.
async fn spawn_server_with(descope: impl FnOnce(&std::path::Path) -> DescopeConfig) -> TestServer {
    let leptos = LeptosOptions::builder()
        .output_name("descope-leptos")
        .site_root(env!("CARGO_TARGET_TMPDIR"))
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build();
    let data = TempDir::new("server-test");
    let config = Config {
        leptos,
        descope: descope(data.path()),
        verified_token_cache: server::config::DEFAULT_VERIFIED_TOKEN_CACHE,
        ignored: Vec::new(),
    };
    let app = Application::build(config).await.expect("server starts");
    let address = format!("http://{}", app.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    TestServer {
        address,
        stop,
        task,
        _data: data,
    }
}

#[tokio::test]
async fn healthz_answers_ok_json() {
    let server = spawn_server().await;

    let response = reqwest::get(format!("{}/healthz", server.address))
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn pages_are_rendered_on_the_server() {
    let server = spawn_server().await;

    for (path, heading) in [
        ("/", "Descope authentication for full-stack Rust"),
        ("/login", "Welcome"),
    ] {
        let response = reqwest::get(format!("{}{path}", server.address))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains(heading), "{path} lacks {heading:?}");
        assert!(
            html.contains("/pkg/descope-leptos.js"),
            "{path} does not load the WASM"
        );
    }
}

#[tokio::test]
async fn unknown_paths_get_the_not_found_page_with_404() {
    let server = spawn_server().await;

    let response = reqwest::get(format!("{}/no/such/page", server.address))
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn shutdown_stops_the_server_cleanly() {
    let server = spawn_server().await;
    let health = format!("{}/healthz", server.address);
    assert_eq!(reqwest::get(&health).await.unwrap().status(), 200);

    server.stop.send(()).unwrap();
    let result = tokio::time::timeout(std::time::Duration::from_secs(5), server.task)
        .await
        .expect("server stops within 5 s")
        .expect("server task does not panic");

    assert!(result.is_ok());
    assert!(
        reqwest::get(&health).await.is_err(),
        "connections are refused after shutdown"
    );
}

#[tokio::test]
async fn the_secret_message_needs_a_session_token() {
    let server = spawn_server().await;
    let url = format!("{}/get_secret_message", server.address);

    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "missing_token");

    let response = reqwest::Client::new()
        .get(&url)
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
}

#[tokio::test]
async fn the_secret_server_function_answers_a_typed_error_without_a_session() {
    let server = spawn_server().await;

    let response = reqwest::Client::new()
        .post(format!("{}/api/secret", server.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    let (sent, read) = secret_answer(response).await;
    assert_eq!(sent, serde_json::json!("Unauthenticated"));
    assert_eq!(read, Err(SecretError::Unauthenticated));
}

/// An answer of the secret server function: its JSON as sent, and as the browser reads it
/// (`app::secret::decode_answer`, what `ask` uses), so that the two cannot drift apart.
async fn secret_answer(
    response: reqwest::Response,
) -> (serde_json::Value, Result<String, SecretError>) {
    let success = response.status().is_success();
    let body = response.text().await.unwrap();
    let sent = serde_json::from_str(&body).unwrap();
    (sent, app::secret::decode_answer(success, &body))
}

/// A server whose Descope is a key server run by the test, and a token signed for it.
async fn spawn_with_key_server() -> (TestServer, support::KeyServer) {
    let keys = support::KeyServer::start(support::KeyMode::Keys(support::key_set(&[
        &support::keys()[0],
    ])))
    .await;
    let server = spawn_server_with(|_| DescopeConfig::Remote {
        project_id: support::PROJECT_ID.into(),
        base_url: keys.base_url.clone(),
        management_key: None,
    })
    .await;
    (server, keys)
}

#[tokio::test]
async fn a_valid_session_gets_the_secret_message_and_roles_decide_the_admin_one() {
    let (server, _keys) = spawn_with_key_server().await;
    let member = support::keys()[0].mint(&support::session_claims());
    let mut admin_claims = support::session_claims();
    admin_claims["roles"] = serde_json::json!(["admin"]);
    let admin = support::keys()[0].mint(&admin_claims);
    let get = |path: &str, token: &str| {
        reqwest::Client::new()
            .get(format!("{}{path}", server.address))
            .bearer_auth(token)
            .send()
    };

    let response = get("/get_secret_message", &member).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"secret_msg": SECRET_MESSAGE}));

    let response = get("/get_admin_message", &member).await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        get("/get_admin_message", &admin).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn the_secret_server_function_checks_the_bearer_token() {
    let (server, _keys) = spawn_with_key_server().await;
    let call = |token: String| {
        reqwest::Client::new()
            .post(format!("{}/api/secret", server.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .bearer_auth(token)
            .send()
    };

    let valid = support::keys()[0].mint(&support::session_claims());
    let response = call(valid).await.unwrap();
    assert_eq!(response.status(), 200);
    let (sent, read) = secret_answer(response).await;
    assert_eq!(sent, serde_json::json!(SECRET_MESSAGE));
    assert_eq!(read, Ok(SECRET_MESSAGE.to_owned()));

    let mut expired = support::session_claims();
    expired["exp"] = serde_json::json!(support::now() - 60);
    let response = call(support::keys()[0].mint(&expired)).await.unwrap();
    assert_eq!(response.status(), 401);
    let (sent, read) = secret_answer(response).await;
    assert_eq!(sent, serde_json::json!("Expired"));
    assert_eq!(read, Err(SecretError::Expired));
}

#[tokio::test]
async fn the_embedded_local_descope_signs_up_a_user_whose_token_opens_the_secret() {
    let server = spawn_server().await;
    let client = reqwest::Client::new();
    let project = descope_local::DEFAULT_PROJECT_ID;

    let signup: serde_json::Value = client
        .post(format!(
            "{}/descope/v1/auth/password/signup",
            server.address
        ))
        .header("authorization", format!("Bearer {project}"))
        .json(&serde_json::json!({
            "loginId": "ada@example.com",
            "password": "correct horse battery",
            "user": {"name": "Ada Lovelace", "email": "ada@example.com"},
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = signup["sessionJwt"].as_str().expect("a session token");

    let response = client
        .get(format!("{}/get_secret_message", server.address))
        .bearer_auth(session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["secret_msg"], SECRET_MESSAGE);

    let keys = client
        .get(format!("{}/descope/v2/keys/{project}", server.address))
        .send()
        .await
        .unwrap();
    assert_eq!(keys.status(), 200);
}

#[tokio::test]
async fn moving_the_embedded_clock_11_minutes_ahead_expires_the_apps_sessions() {
    let server = spawn_server().await;
    let client = reqwest::Client::new();
    let descope = format!("{}/descope", server.address);
    let account = test_support::binary::sign_up(&client, &descope, "ada@example.com").await;
    let secret = || {
        client
            .get(format!("{}/get_secret_message", server.address))
            .bearer_auth(&account.session)
            .send()
    };
    let clock = |body: serde_json::Value| {
        client
            .post(format!("{}/descope/_dev/clock", server.address))
            .json(&body)
            .send()
    };
    assert_eq!(secret().await.unwrap().status(), 200);

    let moved = clock(serde_json::json!({"advanceSeconds": 11 * 60}))
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
    let refused = secret().await.unwrap();
    assert_eq!(
        refused.status(),
        401,
        "the app validates on the moved clock"
    );
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "expired_token");

    clock(serde_json::json!({"reset": true})).await.unwrap();
    assert_eq!(secret().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_token_minted_in_the_embedded_console_opens_the_secret_even_after_a_key_rotation() {
    let server = spawn_server().await;
    let console =
        test_support::console::Console::open(&format!("{}/descope/console", server.address)).await;
    let (_, front) = console.page("").await;
    assert!(
        front.contains("href=\"/descope/console/style.css\""),
        "{front}"
    );
    let (status, stylesheet) = console.page("/style.css").await;
    assert_eq!(
        (status.as_u16(), stylesheet.contains(".console-section")),
        (200, true)
    );

    let (status, to) = console
        .submit("/users", &[("loginId", "ada@example.com")])
        .await;
    assert_eq!(status, 303);
    let user = to
        .split('?')
        .next()
        .and_then(|path| path.strip_prefix("/descope/console"))
        .unwrap_or_else(|| panic!("the console redirects under its own path: {to}"))
        .to_owned();
    let client = reqwest::Client::new();
    // The app validates a session first, so it holds the key set from before the rotation;
    // the minted token is signed with a key it has not seen.
    let descope = format!("{}/descope", server.address);
    let account = test_support::binary::sign_up(&client, &descope, "bob@example.com").await;
    let secret = |token: String| {
        client
            .get(format!("{}/get_secret_message", server.address))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(secret(account.session.clone()).await.unwrap().status(), 200);
    assert_eq!(console.submit("/keys/rotate", &[]).await.0, 303);
    let (status, minted) = console.submit(&format!("{user}/mint"), &[]).await;
    assert_eq!(status, 200);
    // The page's curl line, run.
    let curl = minted
        .split("curl -H 'Authorization: Bearer ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("a curl line: {minted}"));
    let (token, url) = curl.split_once("' ").unwrap();
    assert_eq!(url, format!("{}/get_secret_message", server.address));
    let kid = |token: &str| support::header_of(token)["kid"].clone();
    assert_ne!(kid(token), kid(&account.session), "signed with the new key");
    let answer = client.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["secret_msg"], SECRET_MESSAGE);
    assert_eq!(
        secret(account.session.clone()).await.unwrap().status(),
        200,
        "the old key stays published"
    );
}

/// A client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn embedded_sign_up(server: &TestServer) -> String {
    let signup: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/descope/v1/auth/password/signup",
            server.address
        ))
        .header(
            "authorization",
            format!("Bearer {}", descope_local::DEFAULT_PROJECT_ID),
        )
        .json(&serde_json::json!({
            "loginId": "ada@example.com",
            "password": "correct horse battery",
            "user": {"name": "Ada Lovelace", "email": "ada@example.com"},
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    signup["sessionJwt"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_profile_redirects_without_a_session_and_shows_nothing_protected() {
    let server = spawn_server().await;

    for cookie in [None, Some("DS=forged.token.value")] {
        let mut request = no_redirects().get(format!("{}/profile", server.address));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 303, "{cookie:?}");
        assert_eq!(response.headers()["location"], "/login?next=/profile");
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert!(response.text().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_session_cookie_renders_the_profile_on_first_paint_and_skips_the_login_page() {
    let server = spawn_server().await;
    let session = embedded_sign_up(&server).await;
    let cookie = format!("DS={session}");

    let response = no_redirects()
        .get(format!("{}/profile", server.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<h1>Profile</h1>") && html.contains("Log out"),
        "{html}"
    );
    let user_id = support::claims_of(&session)["sub"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(html.contains(&format!(r#"name="session-user" content="{user_id}""#)));
    // The finished page: details and secret in the first HTML, no loading state.
    for shown in ["Ada Lovelace", "ada@example.com", SECRET_MESSAGE] {
        assert!(html.contains(shown), "{shown} missing from {html}");
    }
    assert!(!html.contains("Loading your details"));

    let response = no_redirects()
        .get(format!(
            "{}/login?next=%2Fprofile%3Ftab%3D1",
            server.address
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/profile?tab=1");

    let response = no_redirects()
        .get(format!("{}/login?next=https://evil.test", server.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["location"],
        "/profile",
        "only same-origin paths are followed"
    );
}

#[tokio::test]
async fn pages_carry_a_fresh_csp_nonce_and_protective_headers() {
    let server = spawn_server().await;
    let nonce_of = |csp: &str| {
        csp.split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .map(str::to_owned)
            .expect("a nonce in the policy")
    };

    let first = reqwest::get(format!("{}/login", server.address))
        .await
        .unwrap();
    let headers = first.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.contains_key("referrer-policy"));
    let nonce = nonce_of(&csp);
    let html = first.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );

    let second = reqwest::get(format!("{}/login", server.address))
        .await
        .unwrap();
    let csp2 = second.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert_ne!(nonce_of(csp2), nonce, "a new nonce per response");
}

#[tokio::test]
async fn hsts_is_sent_only_for_requests_that_came_over_https() {
    let server = spawn_server().await;
    let client = reqwest::Client::new();

    let plain = client
        .get(format!("{}/login", server.address))
        .send()
        .await
        .unwrap();
    assert!(!plain.headers().contains_key("strict-transport-security"));

    let proxied = client
        .get(format!("{}/login", server.address))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        proxied.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
}

/// The app in front of a standalone local server as if it were real Descope, with or without
/// a management key, and a session token of a user signed up there with a name.
async fn remote_profile(management_key: Option<&str>) -> String {
    let local = test_support::local::start().await;
    let server = spawn_server_with(|_| DescopeConfig::Remote {
        project_id: descope_local::DEFAULT_PROJECT_ID.into(),
        base_url: local.base.clone(),
        management_key: management_key.map(server::config::Secret::new),
    })
    .await;
    let (status, _, signup) = local
        .post(
            "/v1/auth/password/signup",
            None,
            serde_json::json!({
                "loginId": "grace@example.com",
                "password": "correct horse battery",
                "user": {"name": "Grace Hopper", "email": "grace@example.com"},
            }),
        )
        .await;
    assert_eq!(status, 200, "{signup}");
    let session = signup["sessionJwt"].as_str().unwrap();
    let response = no_redirects()
        .get(format!("{}/profile", server.address))
        .header("cookie", format!("DS={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn with_a_management_key_the_profile_of_a_remote_descope_user_is_rendered_whole() {
    let html = remote_profile(Some(test_support::local::MANAGEMENT_KEY)).await;
    for shown in ["Grace Hopper", "grace@example.com", SECRET_MESSAGE] {
        assert!(html.contains(shown), "{shown} missing from {html}");
    }
    assert!(!html.contains("Loading your details"));
}

#[tokio::test]
async fn without_a_usable_key_or_claims_the_browser_loads_the_details() {
    for key in [None, Some("K2NotTheManagementKeyOfThisServer")] {
        let html = remote_profile(key).await;
        assert!(html.contains("Loading your details"), "{key:?}: {html}");
        assert!(!html.contains("Grace Hopper"), "{key:?}");
        assert!(html.contains(SECRET_MESSAGE), "{key:?}");
    }
}

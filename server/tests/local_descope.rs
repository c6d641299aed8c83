//! The embedded local Descope server in the running binary, as everyone first runs it: who may
//! reach it, and what its log never holds.

use test_support::{binary, process::run_to_exit, server_binary, TempDir};

use std::time::Duration;

use descope_local::DEFAULT_PROJECT_ID;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[test]
fn the_binary_refuses_to_expose_the_embedded_server_to_other_machines_by_accident() {
    let dir = TempDir::new("server-exposed");
    let settings = binary::settings(dir.path());
    let mut envs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    envs.push(("LEPTOS_SITE_ADDR", "0.0.0.0:0"));

    let (status, log) = run_to_exit(server_binary!(), &envs, Duration::from_secs(30));
    assert!(!status.success(), "{log}");
    for way_out in [
        "DESCOPE_PROJECT_ID",
        "DESCOPE_LOCAL_EXPOSE",
        "DESCOPE_LOCAL_PUBLIC_URL",
    ] {
        assert!(
            log.contains(way_out),
            "the refusal does not name {way_out}:\n{log}"
        );
    }
    assert!(!log.contains("listening on"), "{log}");

    // The opt-in alone is not enough: browsers need the URL they reach the server at.
    let mut opted_in = envs.clone();
    opted_in.push(("DESCOPE_LOCAL_EXPOSE", "true"));
    let (status, log) = run_to_exit(server_binary!(), &opted_in, Duration::from_secs(30));
    assert!(!status.success(), "{log}");
    assert!(log.contains("DESCOPE_LOCAL_PUBLIC_URL"), "{log}");
}

#[tokio::test]
async fn exposed_on_purpose_the_inbox_answers_this_machine_only_and_clock_and_console_are_gone() {
    let dir = TempDir::new("server-exposed-on-purpose");
    let server = binary::start(
        server_binary!(),
        dir.path(),
        &[
            ("LEPTOS_SITE_ADDR", "0.0.0.0:0"),
            ("DESCOPE_LOCAL_EXPOSE", "true"),
            ("DESCOPE_LOCAL_PUBLIC_URL", "http://demo.test:8080"),
        ],
    );
    assert!(
        server.log().contains("exposed to the network"),
        "{}",
        server.log()
    );
    let base = server.base.replace("0.0.0.0", "127.0.0.1");
    let client = reqwest::Client::new();
    let descope = format!("{base}/descope");
    let inbox = |host: &str| {
        client
            .get(format!("{descope}/inbox.json"))
            .header("host", host)
            .send()
    };
    assert_eq!(inbox("demo.test:8080").await.unwrap().status(), 403);
    assert_eq!(inbox("rebound.evil.test").await.unwrap().status(), 421);
    assert_eq!(inbox("127.0.0.1").await.unwrap().status(), 200);
    // Time is not for moving where real users sign in: the clock control is not there at all.
    let clock = client
        .post(format!("{descope}/_dev/clock"))
        .json(&json!({"advanceSeconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(clock.status(), 404);
    let console = client
        .get(format!("{descope}/console"))
        .send()
        .await
        .unwrap();
    assert_eq!(console.status(), 404, "nor is the console");

    // The public name reaches the API, and magic links may point at it.
    let keys = client
        .get(format!("{descope}/v2/keys/{DEFAULT_PROJECT_ID}"))
        .header("host", "demo.test:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.status(), 200);
    for (uri, expected) in [
        ("http://demo.test:8080/login", StatusCode::OK),
        ("https://evil.test/login", StatusCode::BAD_REQUEST),
    ] {
        let status = client
            .post(format!("{descope}/v1/auth/magiclink/signup-in/email"))
            .bearer_auth(DEFAULT_PROJECT_ID)
            .json(&json!({"loginId": "ada@example.com", "URI": uri}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, expected, "{uri}");
    }
}

/// Whether `secret` appears in `text` as a word of its own, not inside a longer run of letters
/// and digits (a 6-digit code is inside every timestamp's microseconds).
fn contains_word(text: &str, secret: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    text.match_indices(secret).any(|(at, _)| {
        !alnum(text[..at].chars().next_back()) && !alnum(text[at + secret.len()..].chars().next())
    })
}

/// Every secret a journey handles, to look for in the log.
#[derive(Default)]
struct Secrets(Vec<String>);

impl Secrets {
    /// Remembers the tokens of a JWT response and hands it back.
    fn tokens(&mut self, response: Value) -> Value {
        for field in ["sessionJwt", "refreshJwt"] {
            if let Some(token) = response[field].as_str() {
                self.0.push(token.to_owned());
            }
        }
        response
    }
}

#[tokio::test]
async fn a_full_journey_leaves_no_secret_in_the_log_at_any_level() {
    let dir = TempDir::new("server-log-secrets");
    let server = binary::start(server_binary!(), dir.path(), &[("RUST_LOG", "trace")]);
    let base = server.base.clone();
    let descope = format!("{base}/descope");
    let client = reqwest::Client::new();
    let mut secrets = Secrets::default();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let auth = match token {
            Some(t) => format!("{DEFAULT_PROJECT_ID}:{t}"),
            None => DEFAULT_PROJECT_ID.to_owned(),
        };
        let request = client
            .post(format!("{descope}{path}"))
            .bearer_auth(auth)
            .json(&body);
        let path = path.to_owned();
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            // The embedded server hands the refresh token out as a cookie: a secret all the
            // same, put where the body would have it.
            let cookie = binary::refresh_cookie(response.headers());
            let mut body = response.json::<Value>().await.unwrap();
            if let (Some(token), None) = (cookie, body.get("refreshJwt")) {
                body["refreshJwt"] = Value::String(token);
            }
            body
        }
    };
    let inbox = |to: &'static str| {
        let url = format!("{descope}/inbox.json?to={to}");
        async move {
            let body: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            body["messages"][0].clone()
        }
    };
    let email = "journey@example.com";
    let passwords = [
        "first journey password",
        "second journey password",
        "third journey pw",
    ];
    secrets.0.extend(passwords.map(str::to_owned));

    // Password sign-up and sign-in.
    let signed_up = secrets.tokens(
        post(
            "/v1/auth/password/signup",
            None,
            json!({"loginId": email, "password": passwords[0], "user": {"name": "J"}}),
        )
        .await,
    );
    secrets.tokens(
        post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": email, "password": passwords[0]}),
        )
        .await,
    );
    // An email code.
    post("/v1/auth/otp/signin/email", None, json!({"loginId": email})).await;
    let code = inbox(email).await["code"].as_str().unwrap().to_owned();
    secrets.0.push(code.clone());
    secrets.tokens(
        post(
            "/v1/auth/otp/verify/email",
            None,
            json!({"loginId": email, "code": code}),
        )
        .await,
    );
    // A magic link back to the app.
    post(
        "/v1/auth/magiclink/signin/email",
        None,
        json!({"loginId": email, "URI": format!("{base}/login")}),
    )
    .await;
    let link = inbox(email).await["link"].as_str().unwrap().to_owned();
    let token = link.split("t=").nth(1).unwrap().to_owned();
    secrets.0.push(token.clone());
    let linked =
        secrets.tokens(post("/v1/auth/magiclink/verify", None, json!({"token": token})).await);
    // Refresh, me, the app's API and server function with the session token.
    let refresh = linked["refreshJwt"].as_str().unwrap();
    let refreshed = secrets.tokens(post("/v1/auth/refresh", Some(refresh), json!({})).await);
    let refresh = refreshed["refreshJwt"].as_str().unwrap().to_owned();
    let me = client
        .get(format!("{descope}/v1/auth/me"))
        .bearer_auth(format!("{DEFAULT_PROJECT_ID}:{refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let session = refreshed["sessionJwt"].as_str().unwrap();
    let secret = client
        .get(format!("{base}/get_secret_message"))
        .bearer_auth(session)
        .send()
        .await
        .unwrap();
    assert_eq!(secret.status(), 200);
    let server_fn = client
        .post(format!("{base}/api/secret"))
        .bearer_auth(session)
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status(), 200);
    // Password change, both ways, then log out.
    post(
        "/v1/auth/password/update",
        Some(&refresh),
        json!({"loginId": email, "newPassword": passwords[1]}),
    )
    .await;
    let replaced = secrets.tokens(
        post(
            "/v1/auth/password/replace",
            None,
            json!({"loginId": email, "oldPassword": passwords[1], "newPassword": passwords[2]}),
        )
        .await,
    );
    post(
        "/v1/auth/logout",
        Some(replaced["refreshJwt"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert!(signed_up["sessionJwt"].is_string());

    // Stopped and drained, so that lines written late are read too.
    let mut server = server;
    server.terminate();
    assert!(server.wait(Duration::from_secs(15)).success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = server.log();
    assert!(log.contains("TRACE"), "the log was not at trace level");
    for secret in &secrets.0 {
        assert!(
            !contains_word(&log, secret),
            "a secret ({} characters) reached the log",
            secret.len()
        );
    }
    // What the log says instead: a masked address, and where to read the message.
    assert!(log.contains("to=j***@example.com"), "{log}");
    assert!(
        log.contains(&format!("read it at {descope}/inbox")),
        "{log}"
    );
    assert_eq!(secrets.0.len(), 3 + 1 + 1 + 2 * 6);
}

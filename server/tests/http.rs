//! The server on a free port, exercised over real HTTP.

use std::net::SocketAddr;

use leptos::config::LeptosOptions;
use server::{
    config::{Config, DescopeConfig},
    Application,
};
use tokio::{sync::oneshot, task::JoinHandle};

/// A running server and the means to stop it.
struct TestServer {
    address: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

async fn spawn_server() -> TestServer {
    let leptos = LeptosOptions::builder()
        .output_name("descope-leptos")
        .site_root(env!("CARGO_TARGET_TMPDIR"))
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build();
    let config = Config {
        leptos,
        descope: DescopeConfig::Embedded,
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
        ("/profile", "Profile"),
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
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!("Unauthenticated"));
}

//! The app's server binary as a child process with its embedded local Descope, and the calls
//! the system tests make against it.

use std::path::Path;

use descope_local::DEFAULT_PROJECT_ID;
use serde_json::{json, Value};

use crate::process::Process;

/// The path of the `server` binary, for the `server` crate's integration tests (where Cargo
/// names it at compile time).
#[macro_export]
macro_rules! server_binary {
    () => {
        std::path::Path::new(env!("CARGO_BIN_EXE_server"))
    };
}

/// The password every test account gets; tests check it never reaches the log.
pub const PASSWORD: &str = "hostile-test-password-7781";

/// The settings that run `binary` on a free loopback port with its data in `data_dir`.
pub fn settings(data_dir: &Path) -> Vec<(&'static str, String)> {
    let site = data_dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    vec![
        ("LEPTOS_OUTPUT_NAME", "descope-leptos".into()),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:0".into()),
        ("LEPTOS_SITE_ROOT", site.to_str().unwrap().into()),
        ("APP_DATA_DIR", data_dir.to_str().unwrap().into()),
    ]
}

/// Starts the server `binary` (see [`server_binary`]) on a free loopback port with its data
/// in `data_dir`, `envs` added to (or replacing) the defaults.
pub fn start(binary: &Path, data_dir: &Path, envs: &[(&str, &str)]) -> Process {
    let defaults = settings(data_dir);
    let mut all: Vec<(&str, &str)> = defaults.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(envs);
    Process::start(binary, &all, "listening on ")
}

/// A signed-up account's tokens.
pub struct Account {
    pub login: String,
    pub session: String,
    pub refresh: String,
}

/// The refresh token a response sets in the `DSR` cookie, where the server delivers it so.
pub fn refresh_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("DSR="))
        .and_then(|c| c.split(';').next())
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
}

/// Signs up `login` at the Descope API under `descope_base` (e.g. `<app>/descope`).
pub async fn sign_up(client: &reqwest::Client, descope_base: &str, login: &str) -> Account {
    let response = client
        .post(format!("{descope_base}/v1/auth/password/signup"))
        .bearer_auth(DEFAULT_PROJECT_ID)
        .json(&json!({"loginId": login, "password": PASSWORD, "user": {"name": "Test"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "sign-up of {login}");
    let cookie = refresh_cookie(response.headers());
    let body: Value = response.json().await.unwrap();
    // The body's refresh token, or, where the server keeps it in a cookie, the cookie's.
    let refresh = body["refreshJwt"].as_str().map(str::to_owned).or(cookie);
    Account {
        login: login.to_owned(),
        session: body["sessionJwt"].as_str().unwrap().to_owned(),
        refresh: refresh.expect("a refresh token in the body or the DSR cookie"),
    }
}

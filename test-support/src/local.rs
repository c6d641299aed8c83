//! The local server on a free loopback port with a temporary database and its own clock, and
//! the requests tests make of it over real HTTP.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::{Path, PathBuf},
};

use descope::session::Validator;
use descope_local::{Clock, Config, LocalDescope, DEFAULT_PROJECT_ID};
use reqwest::{header::HeaderMap, StatusCode};
use serde_json::{json, Value};

use crate::TempDir;

/// The management key of the servers tests start (see [`Local::mgmt`]).
pub const MANAGEMENT_KEY: &str = "K2TestManagementKeyOfTheLocalServer";

/// A running server, its data folder and its clock.
pub struct Local {
    pub base: String,
    pub dir: PathBuf,
    /// The server's clock: tests move time here.
    pub clock: Clock,
    client: reqwest::Client,
    /// The folder, when the server owns it.
    _owned: Option<TempDir>,
}

/// Starts a server on the data in `dir`, with the defaults changed by `tweak`.
pub async fn start_in(dir: &Path, tweak: impl FnOnce(&mut Config)) -> Local {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::new(DEFAULT_PROJECT_ID, dir);
    config.base_url = format!("http://{addr}");
    config.allowed_origins = vec!["http://app.test:3000".into()];
    config.redirect_origins = vec!["http://app.test:3000".into()];
    config.management_key = Some(MANAGEMENT_KEY.into());
    // This project's own tests run with rotation, which its browser client is built for; a
    // test of Descope's default turns it off.
    config.rotate_refresh_tokens = true;
    tweak(&mut config);
    let clock = Clock::system();
    let local = LocalDescope::open_with_clock(config, clock.clone()).unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            local
                .router()
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    Local {
        base: format!("http://{addr}"),
        dir: dir.to_owned(),
        clock,
        client: reqwest::Client::new(),
        _owned: None,
    }
}

/// A server with the defaults changed by `tweak`, on a fresh database removed when it is
/// dropped.
pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Local {
    let dir = TempDir::new("descope-local-test");
    let mut local = start_in(dir.path(), tweak).await;
    local._owned = Some(dir);
    local
}

/// A server with the defaults on a fresh database.
pub async fn start() -> Local {
    start_with(|_| {}).await
}

/// A client whose requests come from `127.0.0.<n>`: another client address on this machine.
pub fn client_from(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .build()
        .unwrap()
}

/// `Bearer <projectId>[:<token>]`, as Descope's SDKs send it.
pub fn bearer(token: Option<&str>) -> String {
    match token {
        Some(t) => format!("Bearer {DEFAULT_PROJECT_ID}:{t}"),
        None => format!("Bearer {DEFAULT_PROJECT_ID}"),
    }
}

impl Local {
    /// `POST path` with `Bearer <pid>[:<token>]`: (status, headers, JSON body).
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, HeaderMap, Value) {
        self.post_with(&self.client, path, token, body).await
    }

    /// [`Local::post`] through `client` (e.g. one from [`client_from`]).
    pub async fn post_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, HeaderMap, Value) {
        let response = client
            .post(format!("{}{path}", self.base))
            .header("authorization", bearer(token))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.json().await.unwrap())
    }

    /// `GET path` with `Bearer <pid>[:<token>]`: (status, JSON body).
    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("authorization", bearer(token))
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// A management call: `method path` with `Bearer <pid>:<managementKey>` and, unless it is
    /// `null`, the JSON `body`: (status, JSON body).
    pub async fn mgmt(&self, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.mgmt_as(Some(MANAGEMENT_KEY), method, path, body).await
    }

    /// [`Local::mgmt`] presenting `key` (none: `Bearer <pid>` alone).
    pub async fn mgmt_as(
        &self,
        key: Option<&str>,
        method: &str,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("authorization", bearer(key));
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// Creates a test user with `login_id` through the management API; answers the user.
    pub async fn create_test_user(&self, login_id: &str) -> Value {
        let (status, body) = self
            .mgmt(
                "POST",
                "/v1/mgmt/user/create/test",
                json!({"loginId": login_id, "displayName": "Test User"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["user"].clone()
    }

    /// Signs the test user `login_id` in with a code the management API generates for them:
    /// (status, JWT response).
    pub async fn sign_in_with_generated_code(&self, login_id: &str) -> (StatusCode, Value) {
        let (status, generated) = self
            .mgmt(
                "POST",
                "/v1/mgmt/tests/generate/otp",
                json!({"loginId": login_id, "deliveryMethod": "email", "loginOptions": {}}),
            )
            .await;
        assert_eq!(status, 200, "{generated}");
        assert_eq!(generated["loginId"], login_id);
        let (status, _, body) = self
            .post(
                "/v1/auth/otp/verify/email",
                None,
                json!({"loginId": login_id, "code": generated["code"]}),
            )
            .await;
        (status, body)
    }

    /// Signs up `email` with `password` as "Ada Lovelace"; panics unless it answers 200.
    pub async fn signup(&self, email: &str, password: &str) -> Value {
        let (status, _, body) = self
            .post(
                "/v1/auth/password/signup",
                None,
                json!({"loginId": email, "password": password, "user": {"name": "Ada Lovelace"}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// `POST /v1/auth/refresh` with `token`.
    pub async fn refresh(&self, token: &str) -> (StatusCode, Value) {
        let (status, _, body) = self.post("/v1/auth/refresh", Some(token), json!({})).await;
        (status, body)
    }

    /// The newest inbox message to `to`.
    pub async fn inbox(&self, to: &str) -> Value {
        let body: Value = self
            .client
            .get(format!("{}/inbox.json?to={to}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["messages"][0].clone()
    }

    /// The code in the newest inbox message to `to`.
    pub async fn inbox_code(&self, to: &str) -> String {
        let message = self.inbox(to).await;
        message["code"].as_str().expect("a code").to_owned()
    }

    /// `POST /v1/auth/otp/verify/email` for `login_id` with `code`: (status, body).
    pub async fn verify_code(&self, login_id: &str, code: &str) -> (StatusCode, Value) {
        let (status, _, body) = self
            .post(
                "/v1/auth/otp/verify/email",
                None,
                json!({"loginId": login_id, "code": code}),
            )
            .await;
        (status, body)
    }

    /// Sends a code to `email` and reads it from the inbox.
    pub async fn code_for(&self, email: &str) -> String {
        let (status, _, body) = self
            .post(
                "/v1/auth/otp/signup-in/email",
                None,
                json!({"loginId": email}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        self.inbox(email).await["code"].as_str().unwrap().to_owned()
    }

    /// Sends a magic link to `email` and reads its token from the inbox.
    pub async fn link_token_for(&self, email: &str) -> String {
        let (status, _, body) = self
            .post(
                "/v1/auth/magiclink/signup-in/email",
                None,
                json!({"loginId": email, "URI": "http://app.test:3000/verify", "loginOptions": {}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let link = self.inbox(email).await["link"].as_str().unwrap().to_owned();
        link.split("t=").nth(1).unwrap().to_owned()
    }

    /// A validator for this server's tokens, on its clock.
    pub fn validator(&self) -> Validator {
        Validator::builder(DEFAULT_PROJECT_ID)
            .base_url(&self.base)
            .clock(self.clock.clone())
            .build()
    }
}

/// The database of a server's data folder, opened beside the server.
pub fn rusqlite_open(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("descope-local.sqlite3")).unwrap()
}

/// The `refreshJwt` of a JWT response.
pub fn refresh_jwt(response: &Value) -> String {
    response["refreshJwt"].as_str().unwrap().to_owned()
}

/// Asserts that `body` is Descope's error shape with `code`.
pub fn assert_descope_error(body: &Value, code: &str) {
    assert_eq!(body["errorCode"], code, "{body}");
    assert!(
        body["errorDescription"].is_string() && body["errorMessage"].is_string(),
        "{body}"
    );
}

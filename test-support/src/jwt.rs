//! Signing keys, token minting, a key server the test controls, and a protected app on a free
//! port: for the validator's tests and the app's.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, OnceLock,
    },
    time::Duration,
};

use aws_lc_rs::{
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{KeyPair as _, RSA_PKCS1_SHA256},
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use descope::{
    extract::{RequireRole, Role, Session},
    session::Validator,
};
use serde_json::{json, Value};

pub const PROJECT_ID: &str = "P2TestProjectAAAAAAAAAAAAAAA";

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims of a JWT, read without checking its signature: for tests that look at what a
/// server put in a token it signed (validators check signatures in their own tests).
pub fn claims_of(jwt: &str) -> Value {
    part_of(jwt, 1)
}

/// The header of a JWT (`alg`, `kid`), read as [`claims_of`] reads the claims.
pub fn header_of(jwt: &str) -> Value {
    part_of(jwt, 0)
}

fn part_of(jwt: &str, index: usize) -> Value {
    let part = jwt.split('.').nth(index).expect("a JWT has three parts");
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .expect("each part is base64url");
    serde_json::from_slice(&bytes).expect("each part is JSON")
}

/// An RSA-2048 signing key with its `kid`.
pub struct TestKey {
    pub kid: String,
    pair: KeyPair,
}

impl TestKey {
    fn generate(kid: &str) -> Self {
        Self {
            kid: kid.to_owned(),
            pair: KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation"),
        }
    }

    /// The public JWK as Descope publishes it.
    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "alg": "RS256", "kty": "RSA", "use": "sig", "kid": self.kid,
            "n": b64(public.modulus().big_endian_without_leading_zero()),
            "e": b64(public.exponent().big_endian_without_leading_zero()),
        })
    }

    /// RS256 signature of `input`, base64url.
    pub fn sign(&self, input: &str) -> String {
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .expect("RSA signing");
        b64(sig)
    }

    /// A compact JWS of `header` and `claims` (raw JSON text), signed with this key.
    pub fn mint_raw(&self, header: &str, claims: &str) -> String {
        let input = format!("{}.{}", b64(header), b64(claims));
        let sig = self.sign(&input);
        format!("{input}.{sig}")
    }

    /// A token with this key's `kid` and the given claims.
    pub fn mint(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        self.mint_raw(&header.to_string(), &claims.to_string())
    }
}

/// Three keys, generated once per test binary (generation takes a while).
pub fn keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            TestKey::generate("K1"),
            TestKey::generate("K2"),
            TestKey::generate("K3"),
        ]
    })
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Claims of a valid session token issued now, for ten minutes.
pub fn session_claims() -> Value {
    let now = now();
    json!({
        "drn": "DS", "sub": "U2user", "iss": PROJECT_ID, "iat": now, "exp": now + 600,
        "amr": ["pwd"], "roles": ["member"], "permissions": ["read"],
        "tenants": {"T1": {"roles": ["admin"], "permissions": ["write"]}},
    })
}

/// What the key server answers.
#[derive(Clone)]
pub enum KeyMode {
    Keys(Value),
    Status(StatusCode),
    Body(&'static str),
    Slow(Duration, Value),
}

/// A key server on a free port: `/v2/keys/<projectId>` answers according to its mode.
#[derive(Clone)]
pub struct KeyServer {
    pub base_url: String,
    mode: Arc<Mutex<KeyMode>>,
    hits: Arc<AtomicU64>,
    /// Requests to any other path (e.g. a `jku` an attacker planted).
    pub stray_hits: Arc<AtomicU64>,
}

impl KeyServer {
    pub async fn start(mode: KeyMode) -> Self {
        let server = Self {
            base_url: String::new(),
            mode: Arc::new(Mutex::new(mode)),
            hits: Arc::default(),
            stray_hits: Arc::default(),
        };
        let app = Router::new()
            .route("/v2/keys/{pid}", get(serve_keys))
            .fallback(|State(s): State<KeyServer>| async move {
                s.stray_hits.fetch_add(1, Ordering::SeqCst);
                StatusCode::NOT_FOUND
            })
            .with_state(server.clone());
        let addr = serve(app).await;
        Self {
            base_url: format!("http://{addr}"),
            ..server
        }
    }

    pub fn set(&self, mode: KeyMode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::SeqCst)
    }
}

pub fn key_set(keys: &[&TestKey]) -> Value {
    json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()})
}

async fn serve_keys(State(s): State<KeyServer>, Path(pid): Path<String>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    if pid != PROJECT_ID {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mode = s.mode.lock().unwrap().clone();
    match mode {
        KeyMode::Keys(v) => Json(v).into_response(),
        KeyMode::Status(code) => code.into_response(),
        KeyMode::Body(body) => body.into_response(),
        KeyMode::Slow(delay, v) => {
            tokio::time::sleep(delay).await;
            Json(v).into_response()
        }
    }
}

pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

pub struct Admin;
impl Role for Admin {
    const NAME: &'static str = "admin";
}

/// A protected app on a free port: `/secret` needs a session, `/admin` the role `admin`, and
/// `/optional` names the user of a valid session and `null` otherwise.
pub async fn protected_app(validator: Validator) -> String {
    let app = Router::new()
        .route(
            "/secret",
            get(|Session(c): Session| async move { Json(json!({"user": c.user_id})) }),
        )
        .route(
            "/optional",
            get(|session: Option<Session>| async move {
                Json(json!({"user": session.map(|Session(c)| c.user_id.clone())}))
            }),
        )
        .route("/admin", get(|_: RequireRole<Admin>| async { "admin" }))
        .with_state(validator);
    format!("http://{}", serve(app).await)
}

/// A validator for [`PROJECT_ID`] at `base_url`, with short timings for tests.
pub fn validator(base_url: &str) -> Validator {
    Validator::builder(PROJECT_ID)
        .base_url(base_url)
        .key_fetch_timeout(Duration::from_millis(500))
        .key_failure_backoff(Duration::from_millis(300))
        .unknown_key_cooldown(Duration::from_secs(30))
        .build()
}

/// `GET url` with an optional bearer token: (status, headers, body).
pub async fn get_with(url: &str, token: Option<&str>) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

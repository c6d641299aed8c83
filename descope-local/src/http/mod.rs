//! HTTP: Descope's auth API (`auth`, one module per family), the development inbox, and what
//! every handler shares: the `Authorization` convention, JSON bodies, errors in Descope's shape
//! (`error`), CORS, and who may reach the server (`network`).

mod auth;
pub(crate) mod error;
mod inbox;
pub(crate) mod network;

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Request, State},
    http::{header, request::Parts, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use serde::de::DeserializeOwned;
use tower_http::cors::CorsLayer;

pub(crate) use error::HttpError;

use crate::domain::Services;

/// Largest request body accepted: Descope's requests are small JSON documents.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// What the handlers share: the domain services and what a request is checked against.
pub(crate) struct Api {
    pub(crate) services: Services,
    /// The only project ID requests may name.
    pub(crate) project_id: String,
    /// The hosts requests may name besides loopback ones (see [`network::known_host`]).
    pub(crate) hosts: Vec<String>,
}

/// The state of every handler.
pub(crate) type Shared = Arc<Api>;

/// The whole HTTP API; `allowed_origins` may call it from browsers with credentials.
pub(crate) fn router(api: Shared, allowed_origins: &[String]) -> Router {
    let cors = cors(allowed_origins);
    Router::new()
        .merge(auth::router())
        .merge(inbox::router())
        .fallback(|| async { HttpError::NotFound })
        .method_not_allowed_fallback(|| async { HttpError::MethodNotAllowed })
        .with_state(api.clone())
        // Enforced where a body is read (`ApiJson`), so an oversized body, declared or
        // streamed, answers 413 in Descope's shape.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors)
        .layer(middleware::from_fn_with_state(api, require_known_host))
}

/// Refuses (421) a request that names a host the server does not answer to (`network`).
async fn require_known_host(State(api): State<Shared>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match network::requested_host(&parts) {
        Some(host) if network::known_host(&host, &api.hosts) => {
            next.run(Request::from_parts(parts, body)).await
        }
        _ => HttpError::UnknownHost.into_response(),
    }
}

/// Credentialed CORS for the configured origins, with the headers Descope's SDKs send.
fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
    CorsLayer::new()
        .allow_origin(origins)
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            "x-descope-sdk-name".parse().expect("valid header name"),
            "x-descope-sdk-version".parse().expect("valid header name"),
            "x-descope-sdk-session-id"
                .parse()
                .expect("valid header name"),
            "x-descope-project-id".parse().expect("valid header name"),
            "x-descope-refresh-cookie-name"
                .parse()
                .expect("valid header name"),
            "x-descope-trusted-device-token"
                .parse()
                .expect("valid header name"),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}

/// A JSON body; a malformed one answers 400 and an oversized one 413, in Descope's error shape.
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(HttpError::TooLarge)
            }
            Err(rejection) => Err(HttpError::BadRequest(rejection.body_text())),
        }
    }
}

/// The caller as Descope's convention names it: `Authorization: Bearer <projectId>[:<token>]`,
/// with the refresh token also accepted from a `DSR` cookie.
pub(crate) struct Caller {
    /// The refresh token, when one was sent.
    pub(crate) refresh: Option<String>,
    /// The client's address, for rate limits.
    pub(crate) address: IpAddr,
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, api: &Shared) -> Result<Self, HttpError> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(HttpError::UnknownProject)?;
        let (project, token) = match bearer.split_once(':') {
            Some((project, token)) => (project, Some(token)),
            None => (bearer, None),
        };
        if project != api.project_id {
            return Err(HttpError::UnknownProject);
        }
        let refresh = token
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                let cookies = parts.headers.get_all(header::COOKIE);
                descope::api::cookie(cookies.iter().filter_map(|v| v.to_str().ok()), "DSR")
                    .map(str::to_owned)
            });
        Ok(Self { refresh, address })
    }
}

impl Caller {
    /// The refresh token, which the endpoint requires.
    pub(crate) fn refresh_token(&self) -> Result<&str, HttpError> {
        self.refresh
            .as_deref()
            .ok_or(HttpError::Domain(crate::domain::Error::InvalidRefreshToken))
    }
}

/// A required, non-empty string field.
pub(crate) fn required<'a>(
    value: &'a Option<String>,
    name: &'static str,
) -> Result<&'a str, HttpError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(HttpError::MissingArgument(name))
}

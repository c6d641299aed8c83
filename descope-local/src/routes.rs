//! The HTTP API, one module per family, and what every handler shares: the `Authorization`
//! convention, JSON bodies in Descope's error shape, CORS.

mod inbox;
mod keys;
mod magiclink;
mod otp;
mod password;
mod session;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{
    extract::{ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Request, State},
    http::{header, request::Parts, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use serde::de::DeserializeOwned;
use tower_http::cors::CorsLayer;

use crate::{error::ApiError, network, LocalDescope};

/// Largest request body accepted: Descope's requests are small JSON documents.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub(crate) fn router(local: LocalDescope) -> Router {
    let cors = cors(&local.inner.config.allowed_origins);
    Router::new()
        .merge(password::router())
        .merge(otp::router())
        .merge(magiclink::router())
        .merge(session::router())
        .merge(keys::router())
        .merge(inbox::router())
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(local.clone())
        // Enforced where a body is read (`ApiJson`), so an oversized body, declared or
        // streamed, answers 413 in Descope's shape.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors)
        .layer(middleware::from_fn_with_state(local, require_known_host))
}

/// Refuses (421) a request that names a host the server does not answer to (`network`).
async fn require_known_host(
    State(local): State<LocalDescope>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    match network::requested_host(&parts) {
        Some(host) if network::known_host(&host, &local.inner.hosts) => {
            next.run(Request::from_parts(parts, body)).await
        }
        _ => ApiError::UnknownHost.into_response(),
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
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::TooLarge)
            }
            Err(rejection) => Err(ApiError::BadRequest(rejection.body_text())),
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

impl FromRequestParts<LocalDescope> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, local: &LocalDescope) -> Result<Self, ApiError> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::UnknownProject)?;
        let (project, token) = match bearer.split_once(':') {
            Some((project, token)) => (project, Some(token)),
            None => (bearer, None),
        };
        if project != local.inner.config.project_id {
            return Err(ApiError::UnknownProject);
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

/// A required, non-empty string field.
pub(crate) fn required<'a>(
    value: &'a Option<String>,
    name: &'static str,
) -> Result<&'a str, ApiError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(ApiError::MissingArgument(name))
}

/// Login IDs are emails here, compared case-insensitively: at most 254 bytes, with no space or
/// control character (which would forge log lines), one `@` and a dotted domain.
pub(crate) fn normalise_login(login_id: &str) -> Result<String, ApiError> {
    let login = login_id.trim().to_lowercase();
    let valid = login.len() <= 254
        && !login.chars().any(|c| c.is_whitespace() || c.is_control())
        && login.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
        });
    if valid {
        Ok(login)
    } else {
        Err(ApiError::Validation(
            "The login ID must be an email address.".into(),
        ))
    }
}

//! HTTP: Descope's auth API (`auth`, one module per family), its management API (`mgmt`), the
//! development inbox, clock, faults and console (`inbox`, `dev`, `faults`, `console`: for this
//! machine only), and what every handler shares: the state and extractors (`extract`: the
//! `Authorization` convention, JSON bodies and queries, local clients), the answers both APIs
//! give (`responses`), errors in Descope's shape (`error`), CORS, and who may reach the server
//! (`network`).

mod auth;
mod console;
mod dev;
mod error;
mod extract;
mod faults;
mod inbox;
mod mgmt;
pub(crate) mod network;
mod responses;

use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::{header, HeaderValue, Method},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use tower_http::cors::CorsLayer;

use error::HttpError;
pub(crate) use extract::{Api, Shared};
pub(crate) use responses::{user_response, Delivery};

/// Largest request body accepted: Descope's requests are small JSON documents.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole HTTP API; `allowed_origins` may call it from browsers with credentials. The
/// clock control, fault injection and console (`dev`, `faults`, `console`) are mounted only for
/// a server that other machines cannot reach (`reachable`): there they would act on real users.
/// The console is outside CORS: no other origin may read its pages, which hold its forms' token
/// and the project.
pub(crate) fn router(api: Shared, allowed_origins: &[String], reachable: bool) -> Router {
    let cors = cors(allowed_origins);
    let mut routes = Router::new().merge(auth::router()).merge(mgmt::router());
    if !reachable {
        let faults = middleware::from_fn_with_state(api.faults.clone(), faults::inject);
        routes = routes.layer(faults).merge(dev::router());
    }
    let mut routes = routes
        .merge(inbox::router())
        .fallback(|| async { HttpError::NotFound })
        .method_not_allowed_fallback(|| async { HttpError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(
            api.clone(),
            refuse_conflicting_cookies,
        ))
        .with_state(api.clone())
        .layer(cors);
    if !reachable {
        routes = routes.merge(console::router().with_state(api.clone()));
    }
    routes
        // Enforced where a body is read (`ApiJson`, the console's forms), so an oversized
        // body, declared or streamed, is refused with 413.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
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

/// Refuses (401, as an invalid refresh token) a request with more than one refresh cookie,
/// expiring them all: the session cannot be told from a planted one, so it ends, and the
/// browser is left with none (see [`Delivery::conflicting_cookies`]).
async fn refuse_conflicting_cookies(
    State(api): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    if !api.delivery.conflicting_cookies(request.headers()) {
        return next.run(request).await;
    }
    // The path the browser used: the server may be nested under a prefix (`/descope`).
    let path = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().path(), |uri| uri.0.path())
        .to_owned();
    let mut response = HttpError::Domain(crate::domain::Error::InvalidRefreshToken).into_response();
    api.delivery.expire_every_path(&path, &mut response);
    response
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

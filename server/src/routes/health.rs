//! `GET /healthz`: a cheap liveness probe for load balancers, scripts and tests.

use axum::{routing::get, Json, Router};
use serde::Serialize;

/// The body of a health answer.
#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The health routes, generic over the router state so they merge into any app.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/healthz", get(healthz))
}

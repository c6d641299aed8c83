//! The physical-limit row of `scripts/bench.sh`: a bare axum server answering `GET /healthz`
//! with the app's JSON, with no layers, on the same runtime. The app's own `/healthz` is
//! measured against it.
//!
//! `cargo run --profile server-release -p server --example bare_axum` listens on a free port
//! of 127.0.0.1 and prints `listening on http://…`.

use axum::{routing::get, Json, Router};
use serde::Serialize;

/// The same body as the app's health answer.
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

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, Router::new().route("/healthz", get(healthz))).await
}

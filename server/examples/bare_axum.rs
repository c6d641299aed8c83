//! The physical-limit row of `scripts/bench.sh`: the app's own `/healthz` route alone on axum,
//! with none of the app's layers, on the same runtime. The app's `/healthz` is measured
//! against it.
//!
//! `cargo run --profile server-release -p server --example bare_axum` listens on a free port
//! of 127.0.0.1 and prints `listening on http://…`.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, server::routes::health::router()).await
}

//! The local Descope server on its own port.
//!
//! Run with `cargo run -p descope-local`; settings come from the environment:
//!
//! | variable | default |
//! |---|---|
//! | `DESCOPE_LOCAL_ADDR` | `127.0.0.1:4000` |
//! | `DESCOPE_LOCAL_PROJECT_ID` | [`DEFAULT_PROJECT_ID`] |
//! | `DESCOPE_LOCAL_DATA_DIR` | `data/descope-local` |
//! | `DESCOPE_LOCAL_SESSION_TTL` (seconds) | `600` |
//! | `DESCOPE_LOCAL_REFRESH_TTL` (seconds) | `2419200` |
//! | `DESCOPE_LOCAL_ALLOWED_ORIGINS` (comma-separated) | none |

use std::{net::SocketAddr, time::Duration};

use descope_local::{Config, LocalDescope, DEFAULT_PROJECT_ID};

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn seconds(name: &str, default: u64) -> Result<Duration, String> {
    var(name)
        .map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("{name} must be a number of seconds"))
        })
        .map(Duration::from_secs)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let addr: SocketAddr = var("DESCOPE_LOCAL_ADDR")
        .unwrap_or_else(|| "127.0.0.1:4000".into())
        .parse()?;
    let mut config = Config::new(
        var("DESCOPE_LOCAL_PROJECT_ID").unwrap_or_else(|| DEFAULT_PROJECT_ID.into()),
        var("DESCOPE_LOCAL_DATA_DIR").unwrap_or_else(|| "data/descope-local".into()),
    );
    config.session_ttl = seconds("DESCOPE_LOCAL_SESSION_TTL", 600)?;
    config.refresh_ttl = seconds("DESCOPE_LOCAL_REFRESH_TTL", 28 * 24 * 3600)?;
    config.allowed_origins = var("DESCOPE_LOCAL_ALLOWED_ORIGINS")
        .map(|v| v.split(',').map(|o| o.trim().to_owned()).collect())
        .unwrap_or_default();

    let local = LocalDescope::open(config)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(
        "local Descope at http://{} (project {})",
        listener.local_addr()?,
        local.config().project_id
    );
    axum::serve(
        listener,
        local
            .router()
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

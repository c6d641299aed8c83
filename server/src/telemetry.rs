//! Structured logging through `tracing`; the level comes from `RUST_LOG`.

use tracing_subscriber::{fmt, EnvFilter};

/// The filter used when `RUST_LOG` is unset: our crates at `info`, dependencies at `warn`, and
/// the reason for each refused token (logged by the SDK at `debug`, never with the token).
pub const DEFAULT_FILTER: &str = "warn,server=info,app=info,descope=info,descope::extract=debug,\
     descope_local=info,tower_http=info";

/// Installs the global subscriber. Call once, at the start of `main`.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    fmt().with_env_filter(filter).with_target(true).init();
}

//! Structured logging through `tracing`; the level comes from `RUST_LOG`.

use tracing_subscriber::{filter::Targets, fmt, prelude::*, EnvFilter};

/// The filter used when `RUST_LOG` is unset: our crates at `info`, dependencies at `warn`, and
/// the reason for each refused token (logged by the SDK at `debug`, never with the token).
pub const DEFAULT_FILTER: &str = "warn,server=info,app=info,descope=info,descope::extract=debug,\
     descope_local=info,tower_http=info";

/// Installs the global subscriber. Call once, at the start of `main`.
///
/// Directives of targets and levels only (the default, and nearly every `RUST_LOG`) are
/// checked by a [`Targets`] filter, which decides once per call site. An [`EnvFilter`], needed
/// only for span and field directives (`[span{field=value}]`), takes a lock shared by every
/// thread each time any span is entered or left: every request's span, several times.
pub fn init() {
    let directives = std::env::var("RUST_LOG")
        .ok()
        .filter(|d| EnvFilter::try_new(d).is_ok())
        .unwrap_or_else(|| DEFAULT_FILTER.to_owned());
    let (targets, dynamic) = match directives.parse::<Targets>() {
        Ok(targets) if !directives.contains('[') => (Some(targets), None),
        _ => (None, Some(EnvFilter::new(&directives))),
    };
    tracing_subscriber::registry()
        .with(targets)
        .with(dynamic)
        .with(fmt::layer().with_target(true))
        .init();
}

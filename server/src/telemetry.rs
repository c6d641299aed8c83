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
    let (targets, dynamic) = match static_targets(&directives) {
        Some(targets) => (Some(targets), None),
        None => (None, Some(EnvFilter::new(&directives))),
    };
    tracing_subscriber::registry()
        .with(targets)
        .with(dynamic)
        .with(fmt::layer().with_target(true))
        .init();
}

/// `directives` as a [`Targets`] filter when each one is a bare level or `target=level`, which
/// `Targets` reads as `EnvFilter` does; `None` for anything else (spans, fields, a target with
/// an empty level), which is left to `EnvFilter`. Empty directives are skipped, as `EnvFilter`
/// skips them.
fn static_targets(directives: &str) -> Option<Targets> {
    let parts: Vec<&str> = directives
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    let plain = |d: &&str| {
        let level = d.rsplit('=').next().unwrap_or_default();
        !d.contains(['[', '{', '"']) && d.matches('=').count() <= 1 && !level.is_empty()
    };
    match parts.iter().all(plain) {
        true => parts.join(",").parse().ok(),
        false => None,
    }
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::{static_targets, DEFAULT_FILTER};

    #[test]
    fn plain_directives_become_targets_that_read_them_as_env_filter_does() {
        let targets = static_targets(DEFAULT_FILTER).unwrap();
        assert!(targets.would_enable("server::edge", &Level::INFO));
        assert!(targets.would_enable("descope::extract", &Level::DEBUG));
        assert!(!targets.would_enable("descope::session", &Level::DEBUG));
        assert!(!targets.would_enable("hyper", &Level::INFO));
        assert!(targets.would_enable("hyper", &Level::WARN));

        // Empty directives are skipped, not read as "errors only".
        let trailing = static_targets("info,").unwrap();
        assert!(trailing.would_enable("hyper", &Level::INFO));
        let doubled = static_targets("warn,,server=debug").unwrap();
        assert!(doubled.would_enable("anything", &Level::WARN));
        assert!(doubled.would_enable("server", &Level::DEBUG));
    }

    #[test]
    fn span_field_and_empty_level_directives_are_left_to_env_filter() {
        for directives in [
            "server=",
            "[request]=debug",
            "server[request{path=/profile}]=trace",
            "info,[{method=\"POST\"}]=debug",
        ] {
            assert!(static_targets(directives).is_none(), "{directives}");
        }
    }
}

//! Configuration, read once at start-up. Every variable is listed and explained in `.env.example`.

use leptos::config::{get_configuration, LeptosOptions};

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// The `LEPTOS_*` settings (address, site root, output name). cargo-leptos sets them for
    /// `serve`, `watch` and `end-to-end`; the values in `Cargo.toml` are compiled in as defaults.
    pub leptos: LeptosOptions,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A `LEPTOS_*` variable is malformed.
    #[error("invalid Leptos configuration: {0}")]
    Leptos(#[from] leptos::config::errors::LeptosConfigError),
}

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let leptos = get_configuration(None)?.leptos_options;
        Ok(Self { leptos })
    }
}

//! Configuration, read once at start-up. Every variable is listed and explained in `.env.example`.

use std::{net::SocketAddr, path::PathBuf};

use descope_local::DEFAULT_PROJECT_ID as LOCAL_PROJECT_ID;
use leptos::config::{get_configuration, LeptosOptions};

/// The path under which the embedded local Descope server is served on the app's origin.
pub const LOCAL_DESCOPE_PREFIX: &str = "/descope";

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// The `LEPTOS_*` settings (address, site root, output name). cargo-leptos sets them for
    /// `serve`, `watch` and `end-to-end`; the values in `Cargo.toml` are compiled in as defaults.
    pub leptos: LeptosOptions,
    /// Which Descope project, and where its API is.
    pub descope: DescopeConfig,
    /// Where the app keeps its data (`APP_DATA_DIR`, default `data`): the embedded local
    /// Descope server's database lives in `descope-local/` inside it.
    pub data_dir: PathBuf,
    /// How many verified session tokens the validator remembers (`APP_VERIFIED_TOKEN_CACHE`,
    /// default 10,000); 0 checks every token's signature, as benchmarks of the miss path need.
    pub verified_token_cache: usize,
}

/// The verified-token cache size when `APP_VERIFIED_TOKEN_CACHE` is unset.
pub const DEFAULT_VERIFIED_TOKEN_CACHE: usize = 10_000;

/// Which Descope the app talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DescopeConfig {
    /// Neither `DESCOPE_PROJECT_ID` nor `DESCOPE_BASE_URL` is set: the local server embedded in
    /// this process, under [`LOCAL_DESCOPE_PREFIX`], with its fixed project ID
    /// ([`descope_local::DEFAULT_PROJECT_ID`]).
    Embedded,
    /// A Descope API at `base_url`: real Descope (derived from the project ID as the official
    /// SDKs derive it) or `DESCOPE_BASE_URL`.
    Remote {
        /// `DESCOPE_PROJECT_ID`, or the local server's project ID when only the base URL is set.
        project_id: String,
        /// `DESCOPE_BASE_URL` without a trailing `/`, or the URL derived from the project ID.
        base_url: String,
    },
}

impl DescopeConfig {
    /// Reads `DESCOPE_PROJECT_ID` and `DESCOPE_BASE_URL` through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let nonempty = |name| var(name).filter(|v: &String| !v.trim().is_empty());
        match (nonempty("DESCOPE_PROJECT_ID"), nonempty("DESCOPE_BASE_URL")) {
            (None, None) => Self::Embedded,
            (project_id, base_url) => {
                let project_id = project_id.unwrap_or_else(|| LOCAL_PROJECT_ID.to_owned());
                let base_url = base_url
                    .map(|u| u.trim_end_matches('/').to_owned())
                    .unwrap_or_else(|| descope::api::base_url_for_project(&project_id));
                Self::Remote {
                    project_id,
                    base_url,
                }
            }
        }
    }

    /// The project ID tokens must be issued for.
    pub fn project_id(&self) -> &str {
        match self {
            Self::Embedded => LOCAL_PROJECT_ID,
            Self::Remote { project_id, .. } => project_id,
        }
    }

    /// The API's base URL as the browser reaches it: the embedded server is on the page's own
    /// origin, so a path is enough.
    pub fn browser_base_url(&self) -> String {
        match self {
            Self::Embedded => LOCAL_DESCOPE_PREFIX.to_owned(),
            Self::Remote { base_url, .. } => base_url.clone(),
        }
    }

    /// The API's base URL as the server reaches it, given the address the server listens on.
    pub fn base_url(&self, listening: SocketAddr) -> String {
        match self {
            Self::Embedded => {
                format!(
                    "{}{LOCAL_DESCOPE_PREFIX}",
                    descope_local::local_url(listening)
                )
            }
            Self::Remote { base_url, .. } => base_url.clone(),
        }
    }
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A `LEPTOS_*` variable is malformed.
    #[error("invalid Leptos configuration: {0}")]
    Leptos(#[from] leptos::config::errors::LeptosConfigError),
    /// A `DESCOPE_LOCAL_*` variable is malformed.
    #[error("invalid local Descope configuration: {0}")]
    Local(#[from] descope_local::EnvError),
    /// An `APP_*` variable is malformed; names it.
    #[error("invalid {0}: expected a whole number")]
    NotANumber(&'static str),
}

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let leptos = get_configuration(None)?.leptos_options;
        let descope = DescopeConfig::from_vars(|name| std::env::var(name).ok());
        let data_dir =
            std::env::var_os("APP_DATA_DIR").map_or_else(|| "data".into(), PathBuf::from);
        let verified_token_cache = match std::env::var("APP_VERIFIED_TOKEN_CACHE") {
            Ok(v) => v
                .trim()
                .parse()
                .map_err(|_| ConfigError::NotANumber("APP_VERIFIED_TOKEN_CACHE"))?,
            Err(_) => DEFAULT_VERIFIED_TOKEN_CACHE,
        };
        Ok(Self {
            leptos,
            descope,
            data_dir,
            verified_token_cache,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> DescopeConfig {
        DescopeConfig::from_vars(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn no_settings_mean_the_embedded_server() {
        assert_eq!(config(&[]), DescopeConfig::Embedded);
        assert_eq!(
            config(&[("DESCOPE_PROJECT_ID", " ")]),
            DescopeConfig::Embedded
        );
        let addr = SocketAddr::from(([0, 0, 0, 0], 3000));
        assert_eq!(
            DescopeConfig::Embedded.base_url(addr),
            "http://127.0.0.1:3000/descope"
        );
        assert_eq!(LOCAL_PROJECT_ID.len(), 28);
    }

    #[test]
    fn a_project_id_alone_means_real_descope() {
        let c = config(&[("DESCOPE_PROJECT_ID", "P2abcdefghijklmnopqrstuvwxyz")]);
        assert_eq!(c.project_id(), "P2abcdefghijklmnopqrstuvwxyz");
        assert_eq!(
            c.base_url(([127, 0, 0, 1], 1).into()),
            "https://api.descope.com"
        );
    }

    #[test]
    fn a_base_url_wins_over_the_derived_one() {
        let c = config(&[
            ("DESCOPE_PROJECT_ID", "Puse1abcdefghijklmnopqrstuvwxyz0123"),
            ("DESCOPE_BASE_URL", "http://127.0.0.1:4000/"),
        ]);
        assert_eq!(
            c.base_url(([127, 0, 0, 1], 1).into()),
            "http://127.0.0.1:4000"
        );
        let c = config(&[("DESCOPE_BASE_URL", "http://127.0.0.1:4000")]);
        assert_eq!(c.project_id(), LOCAL_PROJECT_ID);
    }
}

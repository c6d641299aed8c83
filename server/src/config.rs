//! Configuration, read once at start-up. Every variable is listed and explained in `.env.example`.

#[cfg(feature = "local")]
use std::path::PathBuf;
use std::{collections::BTreeMap, net::SocketAddr};

use descope::api::LOCAL_PROJECT_ID;
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
    /// How many verified session tokens the validator remembers (`APP_VERIFIED_TOKEN_CACHE`,
    /// default 10,000); 0 checks every token's signature, as benchmarks of the miss path need.
    pub verified_token_cache: usize,
    /// Settings that are set but mean nothing with this configuration, each with the reason;
    /// start-up logs a warning for each.
    pub ignored: Vec<String>,
}

/// The verified-token cache size when `APP_VERIFIED_TOKEN_CACHE` is unset.
pub const DEFAULT_VERIFIED_TOKEN_CACHE: usize = 10_000;

/// Which Descope the app talks to.
#[derive(Clone, Debug)]
pub enum DescopeConfig {
    /// Neither `DESCOPE_PROJECT_ID` nor `DESCOPE_BASE_URL` is set: the local server embedded in
    /// this process, under [`LOCAL_DESCOPE_PREFIX`], with its fixed project ID
    /// ([`LOCAL_PROJECT_ID`]) and these settings (`APP_DATA_DIR` and `DESCOPE_LOCAL_*`).
    #[cfg(feature = "local")]
    Embedded(Box<descope_local::Config>),
    /// A Descope API at `base_url`: real Descope (derived from the project ID as the official
    /// SDKs derive it) or `DESCOPE_BASE_URL`.
    Remote {
        /// `DESCOPE_PROJECT_ID`, or the local server's project ID when only the base URL is set.
        project_id: String,
        /// `DESCOPE_BASE_URL` without a trailing `/`, or the URL derived from the project ID.
        base_url: String,
        /// `DESCOPE_MANAGEMENT_KEY`: lets the server load the signed-in user's details to
        /// render their profile whole.
        management_key: Option<Secret>,
    },
}

/// A setting that is a secret: `Debug` shows `[redacted]`, so it never reaches a log.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The settings of the standalone local server only; the embedded one never reads them.
#[cfg(feature = "local")]
const STANDALONE_ONLY: &[&str] = &[
    "DESCOPE_LOCAL_PROJECT_ID",
    "DESCOPE_LOCAL_DATA_DIR",
    "DESCOPE_LOCAL_ADDR",
];

/// Environment variables by name.
pub type Vars = BTreeMap<String, String>;

/// The embedded server's defaults, with its data under `data_dir`, where the standalone server
/// keeps a Descope project's (refresh token in the body, no rotation):
/// - the refresh token goes in an httpOnly, `SameSite=Strict` cookie that script never sees,
///   scoped to the server's own paths: it is sent to nothing else of the app's;
/// - refresh tokens rotate, with reuse detection, which matters when a setting puts them back
///   in the body, where script can read them.
#[cfg(feature = "local")]
fn embedded_defaults(data_dir: &std::path::Path) -> descope_local::Config {
    let mut local = descope_local::Config::new(LOCAL_PROJECT_ID, data_dir.join("descope-local"));
    local.token_delivery = descope_local::TokenDelivery::Cookies;
    local.refresh_cookie.path = LOCAL_DESCOPE_PREFIX.to_owned();
    local.rotate_refresh_tokens = true;
    local
}

impl DescopeConfig {
    /// The embedded server with its defaults, keeping its data under `data_dir`.
    #[cfg(feature = "local")]
    pub fn embedded(data_dir: impl Into<PathBuf>) -> Self {
        Self::Embedded(Box::new(embedded_defaults(&data_dir.into())))
    }

    /// Reads `DESCOPE_PROJECT_ID` and `DESCOPE_BASE_URL`, and for the embedded server
    /// `APP_DATA_DIR` and the `DESCOPE_LOCAL_*` settings, from `vars`. Answers the settings
    /// that are set but ignored too.
    pub fn from_vars(vars: &Vars) -> Result<(Self, Vec<String>), ConfigError> {
        let nonempty = |name: &str| vars.get(name).filter(|v| !v.trim().is_empty()).cloned();
        let local_settings = vars
            .keys()
            .filter(|name| name.starts_with("DESCOPE_LOCAL_") && nonempty(name).is_some());
        match (nonempty("DESCOPE_PROJECT_ID"), nonempty("DESCOPE_BASE_URL")) {
            #[cfg(feature = "local")]
            (None, None) => {
                let data_dir =
                    nonempty("APP_DATA_DIR").map_or_else(|| "data".into(), PathBuf::from);
                let mut local =
                    descope_local::Config::from_vars_over(embedded_defaults(&data_dir), nonempty)?;
                local.project_id = LOCAL_PROJECT_ID.to_owned();
                let ignored = local_settings
                    .filter(|name| STANDALONE_ONLY.contains(&name.as_str()))
                    .map(|name| {
                        format!(
                            "{name} is ignored: it configures the standalone local server; the \
                             embedded one uses project {LOCAL_PROJECT_ID}, keeps its data in \
                             APP_DATA_DIR and listens on the app's address"
                        )
                    })
                    .chain(nonempty("DESCOPE_MANAGEMENT_KEY").map(|_| {
                        "DESCOPE_MANAGEMENT_KEY is ignored: the app reads users from the \
                         embedded local server directly"
                            .to_owned()
                    }))
                    .collect();
                Ok((Self::Embedded(Box::new(local)), ignored))
            }
            #[cfg(not(feature = "local"))]
            (None, None) => Err(ConfigError::NoDescope),
            (project_id, base_url) => {
                let project_id = project_id.unwrap_or_else(|| LOCAL_PROJECT_ID.to_owned());
                let base_url = base_url
                    .map(|u| u.trim_end_matches('/').to_owned())
                    .unwrap_or_else(|| descope::api::base_url_for_project(&project_id));
                let ignored = local_settings
                    .map(String::as_str)
                    .chain(nonempty("APP_DATA_DIR").map(|_| "APP_DATA_DIR"))
                    .map(|name| {
                        format!(
                            "{name} is ignored: it configures the embedded local Descope server, \
                             which does not run when DESCOPE_PROJECT_ID or DESCOPE_BASE_URL is set"
                        )
                    })
                    .collect();
                Ok((
                    Self::Remote {
                        project_id,
                        base_url,
                        management_key: nonempty("DESCOPE_MANAGEMENT_KEY")
                            .map(|key| Secret(key.trim().to_owned())),
                    },
                    ignored,
                ))
            }
        }
    }

    /// The project ID tokens must be issued for.
    pub fn project_id(&self) -> &str {
        match self {
            #[cfg(feature = "local")]
            Self::Embedded(_) => LOCAL_PROJECT_ID,
            Self::Remote { project_id, .. } => project_id,
        }
    }

    /// The API's base URL as the browser reaches it: the embedded server is on the page's own
    /// origin, so a path is enough.
    pub fn browser_base_url(&self) -> String {
        match self {
            #[cfg(feature = "local")]
            Self::Embedded(_) => LOCAL_DESCOPE_PREFIX.to_owned(),
            Self::Remote { base_url, .. } => base_url.clone(),
        }
    }

    /// The API's base URL as the server reaches it, given the address the server listens on.
    pub fn base_url(&self, listening: SocketAddr) -> String {
        match self {
            #[cfg(feature = "local")]
            Self::Embedded(_) => {
                format!(
                    "{}{LOCAL_DESCOPE_PREFIX}",
                    descope_local::local_url(listening)
                )
            }
            Self::Remote { base_url, .. } => {
                let _ = listening;
                base_url.clone()
            }
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
    #[cfg(feature = "local")]
    #[error("invalid local Descope configuration: {0}")]
    Local(#[from] descope_local::EnvError),
    /// This build has no embedded local server, and no Descope is configured.
    #[cfg(not(feature = "local"))]
    #[error(
        "this build has no embedded local Descope server (feature `local`): set \
         DESCOPE_PROJECT_ID, or DESCOPE_BASE_URL"
    )]
    NoDescope,
    /// An `APP_*` variable is malformed; names it.
    #[error("invalid {0}: expected a whole number")]
    NotANumber(&'static str),
}

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let leptos = get_configuration(None)?.leptos_options;
        Self::from_vars(leptos, &std::env::vars().collect())
    }

    /// Reads the settings other than Leptos's from `vars`.
    pub fn from_vars(leptos: LeptosOptions, vars: &Vars) -> Result<Self, ConfigError> {
        let (descope, ignored) = DescopeConfig::from_vars(vars)?;
        let verified_token_cache = match vars.get("APP_VERIFIED_TOKEN_CACHE") {
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| ConfigError::NotANumber("APP_VERIFIED_TOKEN_CACHE"))?,
            None => DEFAULT_VERIFIED_TOKEN_CACHE,
        };
        Ok(Self {
            leptos,
            descope,
            verified_token_cache,
            ignored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> (DescopeConfig, Vec<String>) {
        let vars = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        DescopeConfig::from_vars(&vars).unwrap()
    }

    #[cfg(feature = "local")]
    #[test]
    fn no_settings_mean_the_embedded_server() {
        let (embedded, ignored) = config(&[("DESCOPE_PROJECT_ID", " ")]);
        let DescopeConfig::Embedded(local) = &embedded else {
            panic!("embedded: {embedded:?}");
        };
        assert!(ignored.is_empty());
        assert_eq!(local.project_id, LOCAL_PROJECT_ID);
        assert_eq!(local.data_dir, PathBuf::from("data/descope-local"));
        let addr = SocketAddr::from(([0, 0, 0, 0], 3000));
        assert_eq!(embedded.base_url(addr), "http://127.0.0.1:3000/descope");
        assert_eq!(LOCAL_PROJECT_ID.len(), 28);
    }

    #[cfg(feature = "local")]
    #[test]
    fn the_embedded_server_reads_its_settings_and_names_those_it_ignores() {
        let (embedded, ignored) = config(&[
            ("APP_DATA_DIR", "/tmp/app"),
            ("DESCOPE_LOCAL_SESSION_TTL", "30"),
            ("DESCOPE_LOCAL_PROJECT_ID", "P2Other"),
        ]);
        let DescopeConfig::Embedded(local) = &embedded else {
            panic!("embedded: {embedded:?}");
        };
        assert_eq!(local.session_ttl.as_secs(), 30);
        assert_eq!(local.project_id, LOCAL_PROJECT_ID);
        assert_eq!(local.data_dir, PathBuf::from("/tmp/app/descope-local"));
        assert_eq!(ignored.len(), 1);
        assert!(ignored[0].starts_with("DESCOPE_LOCAL_PROJECT_ID is ignored"));
    }

    #[cfg(feature = "local")]
    #[test]
    fn the_embedded_server_keeps_refresh_tokens_in_its_own_cookie_unless_told_otherwise() {
        let (embedded, _) = config(&[]);
        let DescopeConfig::Embedded(local) = &embedded else {
            panic!("embedded: {embedded:?}");
        };
        assert_eq!(local.token_delivery, descope_local::TokenDelivery::Cookies);
        assert_eq!(local.refresh_cookie.path, LOCAL_DESCOPE_PREFIX);
        let (embedded, _) = config(&[("DESCOPE_LOCAL_TOKEN_DELIVERY", "body")]);
        let DescopeConfig::Embedded(local) = &embedded else {
            panic!("embedded: {embedded:?}");
        };
        assert_eq!(
            local.token_delivery,
            descope_local::TokenDelivery::ResponseBody
        );
    }

    #[test]
    fn a_project_id_alone_means_real_descope_and_local_settings_are_ignored() {
        let (c, ignored) = config(&[
            ("DESCOPE_PROJECT_ID", "P2abcdefghijklmnopqrstuvwxyz"),
            ("DESCOPE_LOCAL_SESSION_TTL", "30"),
        ]);
        assert_eq!(c.project_id(), "P2abcdefghijklmnopqrstuvwxyz");
        assert_eq!(
            c.base_url(([127, 0, 0, 1], 1).into()),
            "https://api.descope.com"
        );
        assert_eq!(ignored.len(), 1);
        assert!(ignored[0].starts_with("DESCOPE_LOCAL_SESSION_TTL is ignored"));
    }

    #[test]
    fn a_base_url_wins_over_the_derived_one() {
        let (c, _) = config(&[
            ("DESCOPE_PROJECT_ID", "Puse1abcdefghijklmnopqrstuvwxyz0123"),
            ("DESCOPE_BASE_URL", "http://127.0.0.1:4000/"),
        ]);
        assert_eq!(
            c.base_url(([127, 0, 0, 1], 1).into()),
            "http://127.0.0.1:4000"
        );
        let (c, _) = config(&[("DESCOPE_BASE_URL", "http://127.0.0.1:4000")]);
        assert_eq!(c.project_id(), LOCAL_PROJECT_ID);
    }
}

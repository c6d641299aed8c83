//! Settings of the local server.

use std::{path::PathBuf, time::Duration};

/// The project ID the local server uses unless told otherwise: fixed and documented, so apps,
/// scripts and the official SDKs can name it. 28 characters, like real `P2…` IDs.
pub const DEFAULT_PROJECT_ID: &str = "P2LocalDescopeCompatible0000";

/// How the local server runs. [`Config::new`] gives the documented defaults.
#[derive(Clone, Debug)]
pub struct Config {
    /// The only project ID this server answers for; it is the `iss` of every token.
    pub project_id: String,
    /// Where the SQLite database lives. Created if missing.
    pub data_dir: PathBuf,
    /// Session token lifetime. Defaults to 10 minutes.
    pub session_ttl: Duration,
    /// Refresh token lifetime (absolute, not extended by rotation). Defaults to 28 days.
    pub refresh_ttl: Duration,
    /// How long the immediately previous refresh token may still be used after a rotation,
    /// for a client that lost the answer. At most 60 s; defaults to 10 s.
    pub refresh_grace: Duration,
    /// Browser origins allowed to call the API with credentials (CORS).
    pub allowed_origins: Vec<String>,
    /// Failed sign-ins (password or code) allowed per account per 10 minutes before 429:
    /// defaults to 10, so at most 60 guesses an hour.
    pub account_failures: u32,
    /// Sign-in and code attempts allowed per client address per 10 minutes: defaults to 100.
    /// Raise it for load tests from one address.
    pub address_attempts: u32,
    /// A JSON file of users to create at start-up if missing:
    /// `[{"name", "email", "password", "roles": [..], "tenants": {"<id>": {"roles": [..]}}}]`.
    pub seed_file: Option<PathBuf>,
}

/// Why the environment does not make a configuration.
#[derive(Debug, thiserror::Error)]
#[error("{0} must be a whole number")]
pub struct EnvError(&'static str);

impl Config {
    /// The defaults, overridden by `DESCOPE_LOCAL_PROJECT_ID`, `DESCOPE_LOCAL_DATA_DIR`,
    /// `DESCOPE_LOCAL_SESSION_TTL`, `DESCOPE_LOCAL_REFRESH_TTL`, `DESCOPE_LOCAL_REFRESH_GRACE`
    /// (seconds) and
    /// `DESCOPE_LOCAL_ALLOWED_ORIGINS` (comma-separated), `DESCOPE_LOCAL_SEED_FILE` and
    /// `DESCOPE_LOCAL_ADDRESS_ATTEMPTS` when they are set.
    pub fn from_env(default_data_dir: impl Into<PathBuf>) -> Result<Self, EnvError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let seconds = |name: &'static str, default: Duration| match var(name) {
            Some(v) => v
                .trim()
                .parse()
                .map(Duration::from_secs)
                .map_err(|_| EnvError(name)),
            None => Ok(default),
        };
        let mut config = Self::new(
            var("DESCOPE_LOCAL_PROJECT_ID").unwrap_or_else(|| DEFAULT_PROJECT_ID.into()),
            var("DESCOPE_LOCAL_DATA_DIR").map_or_else(|| default_data_dir.into(), PathBuf::from),
        );
        config.session_ttl = seconds("DESCOPE_LOCAL_SESSION_TTL", config.session_ttl)?;
        config.refresh_ttl = seconds("DESCOPE_LOCAL_REFRESH_TTL", config.refresh_ttl)?;
        config.refresh_grace = seconds("DESCOPE_LOCAL_REFRESH_GRACE", config.refresh_grace)?;
        if config.refresh_grace > Duration::from_secs(60) {
            return Err(EnvError("DESCOPE_LOCAL_REFRESH_GRACE (at most 60 s)"));
        }
        if let Some(origins) = var("DESCOPE_LOCAL_ALLOWED_ORIGINS") {
            config.allowed_origins = origins.split(',').map(|o| o.trim().to_owned()).collect();
        }
        config.seed_file = var("DESCOPE_LOCAL_SEED_FILE").map(PathBuf::from);
        if let Some(v) = var("DESCOPE_LOCAL_ADDRESS_ATTEMPTS") {
            config.address_attempts = v
                .trim()
                .parse()
                .map_err(|_| EnvError("DESCOPE_LOCAL_ADDRESS_ATTEMPTS"))?;
        }
        Ok(config)
    }

    /// The defaults for `project_id`, with data in `data_dir`.
    pub fn new(project_id: impl Into<String>, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            project_id: project_id.into(),
            data_dir: data_dir.into(),
            session_ttl: Duration::from_secs(600),
            refresh_ttl: Duration::from_secs(28 * 24 * 3600),
            refresh_grace: Duration::from_secs(10),
            allowed_origins: Vec::new(),
            seed_file: None,
            account_failures: 10,
            address_attempts: 100,
        }
    }
}

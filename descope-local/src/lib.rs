//! A local identity server that speaks Descope's auth HTTP API, so that an app (and the
//! official Descope SDKs) can run the whole sign-up, sign-in, refresh and logout journey
//! offline, with real RS256 JWTs.
//!
//! # Layout
//! - [`Config`]: project ID, data folder, token lifetimes, origins, limits, exposure.
//! - `network`: who may reach the server: the listen address, the `Host` allow-list, the
//!   loopback-only inbox.
//! - `store`: SQLite (WAL, `synchronous=FULL`), with a versioned schema: users, refresh-token
//!   families, codes, signing keys.
//! - `keys`: the RS256 signing key (persisted) and the JWKS.
//! - `tokens`: minting session (`drn: DS`) and refresh (`drn: DSR`) JWTs.
//! - `password`: argon2id hashing with a cap on concurrent hashes, and the password policy.
//! - `limits`: limits on guessing secrets (per account and per client address) and on
//!   sign-ups (per client address).
//! - `inbox`: the development inbox where codes and magic links are "sent".
//! - `seed`: users created at start-up from a file, so roles and tenants can be tested.
//! - `routes`: one module per API family.
//! - `error`: Descope's error body `{errorCode, errorDescription, errorMessage}`.
//!
//! Mount [`LocalDescope::router`] under any prefix; the standalone binary serves it on its own
//! port.

mod config;
mod error;
mod inbox;
mod keys;
mod limits;
mod network;
mod password;
mod routes;
mod seed;
mod store;
mod tokens;

use std::sync::Arc;

pub use config::{Config, EnvError, DEFAULT_PROJECT_ID};
pub use error::ApiError;
pub use network::{check_listen_address, local_url, ExposureError};
pub use store::StoreError;

/// A running local Descope: its store, signing key and limits. Cheap to clone.
#[derive(Clone)]
pub struct LocalDescope {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: store::Store,
    signer: keys::Signer,
    passwords: password::Hasher,
    limits: limits::Limits,
    inbox: inbox::Inbox,
    /// The hosts of the configured URLs, which requests may name (`network`).
    hosts: Vec<String>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data folder or the database cannot be opened or migrated.
    #[error("cannot open the store in {path}: {source}")]
    Store {
        /// The database file.
        path: String,
        /// What went wrong.
        source: StoreError,
    },
    /// The data folder cannot be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The signing key cannot be generated or loaded.
    #[error("signing key: {0}")]
    Key(String),
    /// The seed file cannot be read or holds invalid users.
    #[error("seed file {path}: {reason}")]
    Seed {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl LocalDescope {
    /// Opens (or creates) the store in `config.data_dir` and loads (or creates) the signing key.
    pub fn open(config: Config) -> Result<Self, StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        let path = config.data_dir.join("descope-local.sqlite3");
        let store = store::Store::open(&path).map_err(|source| StartError::Store {
            path: path.display().to_string(),
            source,
        })?;
        let signer = keys::Signer::load_or_create(&store).map_err(StartError::Key)?;
        if let Some(path) = &config.seed_file {
            seed::load(&store, path).map_err(|reason| StartError::Seed {
                path: path.display().to_string(),
                reason,
            })?;
        }
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                signer,
                passwords: password::Hasher::new(),
                limits: limits::Limits::new(&config),
                inbox: inbox::Inbox::new(&config.base_url),
                hosts: network::configured_hosts(&config),
                config,
            }),
        })
    }

    /// Replaces the signing key of the store in `config.data_dir` with a new one, keeping the
    /// old one in the key set. Takes effect when the server next starts; returns the new `kid`.
    pub fn rotate_signing_key(config: &Config) -> Result<String, StartError> {
        let path = config.data_dir.join("descope-local.sqlite3");
        let store = store::Store::open(&path).map_err(|source| StartError::Store {
            path: path.display().to_string(),
            source,
        })?;
        keys::rotate(&store).map_err(StartError::Key)
    }

    /// The configuration this server runs with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The HTTP API, to be served at the base URL (or nested under a prefix).
    pub fn router(&self) -> axum::Router {
        routes::router(self.clone())
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM, the signals that ask a server to stop.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => tracing::info!("received Ctrl-C, shutting down"),
        () = terminate => tracing::info!("received SIGTERM, shutting down"),
    }
}

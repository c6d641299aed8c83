//! A local identity server that speaks Descope's auth HTTP API, so that an app (and the
//! official Descope SDKs) can run the whole sign-up, sign-in, refresh and logout journey
//! offline, with real RS256 JWTs.
//!
//! # Layers
//! Each layer imports only the layers below it, and no module imports another in a loop
//! (`tests/layers.rs` reads the sources and holds them to it). `domain::Services` wires the
//! services to one store, clock and signing key; this file opens those and mounts the HTTP
//! layer.
//! - `http`: Descope's auth API (`http::auth`, one module per family), its management API
//!   (`http::mgmt`, behind the management key), the development inbox, clock and faults, the
//!   console (`http::console`: pages and forms for a developer on this machine), the
//!   mapping of domain errors to Descope's error shape, and who may reach the server
//!   (`http::network`: the listen address, the `Host` allow-list, the loopback-only inbox).
//! - `domain`: the services. `users` (login IDs, creating a user); `authz` (permissions,
//!   roles, tenants, and what a user's or key's roles grant); `management` (the management
//!   key, the management API's work on users, and access keys); `credentials` (password
//!   hashing and flows, one-time codes, magic links); `sessions` (refresh-token families,
//!   rotation, reuse detection, tenant selection, JWT updates); `tokens` and `keys` (minting,
//!   signing and verifying JWTs, the JWKS); `limits` (guessing and sign-up budgets); `inbox`
//!   (where codes and links are "sent"); `project` (a whole project as one JSON document,
//!   exported and imported) and `seed` (such a document read at start-up); `admin` (what only
//!   the console does: keys and their rotation, export, import, reset, minted tokens).
//! - `storage`: SQLite (WAL, `synchronous=FULL`) with a versioned schema, one module per table
//!   family, and its own error type.
//! - `support`: the settings ([`Config`]), the [`Clock`], random IDs and digests, URL rules.
//!
//! Mount [`LocalDescope::router`] under any prefix; the standalone binary serves it on its own
//! port.

mod domain;
mod http;
mod storage;
mod support;

use std::{path::Path, sync::Arc};

pub use domain::{keys::KeyError, project::Imported, seed::SeedError};
pub use http::network::{check_listen_address, local_url, ExposureError};
pub use storage::StoreError;
pub use support::{
    clock::Clock,
    config::{
        Config, EnvError, PasswordPolicy, RefreshCookie, SameSite, TokenDelivery, DEFAULT_ADDR,
        DEFAULT_DATA_DIR, DEFAULT_PROJECT_ID,
    },
};

/// A running local Descope: its store, signing key, limits and clock. Cheap to clone.
#[derive(Clone)]
pub struct LocalDescope {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    api: http::Shared,
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
    /// The management key cannot be read from, or kept in, the data folder.
    #[error("cannot keep the management key in {path}: {source}")]
    ManagementKey {
        /// The data folder.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The signing key cannot be generated or loaded.
    #[error("signing key: {0}")]
    Key(#[from] KeyError),
    /// The seed file (or an imported document) cannot be read or holds invalid entries.
    #[error("seed file {path}: {source}")]
    Seed {
        /// The file.
        path: String,
        /// What is wrong with it.
        source: SeedError,
    },
}

/// Opens the store in `config.data_dir`, creating the folder, and any parent missing,
/// readable by its owner only: it holds the signing keys and the management key. A folder
/// that exists keeps its permissions.
fn create_store(config: &Config) -> Result<storage::Store, StartError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&config.data_dir)
        .map_err(|source| StartError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
    open_store(config)
}

fn open_store(config: &Config) -> Result<storage::Store, StartError> {
    let path = config.data_dir.join("descope-local.sqlite3");
    storage::Store::open(&path).map_err(|source| StartError::Store {
        path: path.display().to_string(),
        source,
    })
}

/// Tells the developer where the management key is, so that their tests can use the
/// management API: a generated key is shown on the start that made it, unless the server is
/// exposed; later starts say which file keeps it.
fn announce_management_key(config: &Config, origin: &domain::management::key::Origin) {
    use domain::management::key::Origin;
    match origin {
        Origin::Setting => {}
        Origin::Generated(path, key) if !config.expose => tracing::info!(
            "management key: {key} (Authorization: Bearer {}:{key}; kept in {})",
            config.project_id,
            path.display()
        ),
        Origin::Generated(path, _) | Origin::Kept(path) => tracing::info!(
            "management key: kept in {} (readable by its owner only); \
             DESCOPE_LOCAL_MANAGEMENT_KEY chooses one instead",
            path.display()
        ),
    }
}

impl LocalDescope {
    /// Opens (or creates) the store in `config.data_dir` and loads (or creates) the signing
    /// key, on the system clock.
    pub fn open(config: Config) -> Result<Self, StartError> {
        Self::open_with_clock(config, Clock::system())
    }

    /// [`LocalDescope::open`] on `clock`: tokens, codes, links, refresh expiry and rate-limit
    /// windows follow it, so moving it moves the server's time.
    pub fn open_with_clock(config: Config, clock: Clock) -> Result<Self, StartError> {
        let store = create_store(&config)?;
        let signer = domain::keys::Signer::load_or_create(&store, &clock)?;
        if let Some(path) = &config.seed_file {
            domain::seed::load(&store, &clock, &config.password_policy, path).map_err(
                |source| StartError::Seed {
                    path: path.display().to_string(),
                    source,
                },
            )?;
        }
        let (management_key, origin) = domain::management::key::ManagementKey::load_or_create(
            &config.data_dir,
            config.management_key.as_deref(),
        )
        .map_err(|source| StartError::ManagementKey {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        announce_management_key(&config, &origin);
        let api = Arc::new(http::Api {
            services: domain::Services::new(&config, clock, store, signer),
            project_id: config.project_id.clone(),
            hosts: http::network::configured_hosts(&config),
            management_key,
            delivery: http::Delivery::new(&config),
            faults: Default::default(),
            console_token: support::ids::random_id(32),
            settings: config.in_force(),
            app_origin: config.allowed_origins.first().cloned(),
        });
        Ok(Self {
            inner: Arc::new(Inner { config, api }),
        })
    }

    /// Replaces the signing key of the store in `config.data_dir` with a new one, keeping the
    /// old one in the key set. Takes effect when the server next starts; returns the new `kid`.
    pub fn rotate_signing_key(config: &Config) -> Result<String, StartError> {
        let store = open_store(config)?;
        Ok(domain::keys::rotate(&store, &Clock::system())?)
    }

    /// The project in `config.data_dir` as one JSON document: permissions, tenants, roles,
    /// users (with their password hashes) and access keys (with the digests of their secrets).
    pub fn export_project(config: &Config) -> Result<String, StartError> {
        let store = open_store(config)?;
        // In one transaction: a running server's writes land wholly before or after it.
        let project = store
            .write_now(domain::project::Project::export)
            .map_err(|e| StartError::Seed {
                path: config.data_dir.display().to_string(),
                source: SeedError::Failed(e.to_string()),
            })?;
        Ok(serde_json::to_string_pretty(&project).expect("a project serialises"))
    }

    /// Imports the project document (or seed file) at `path` into the store in
    /// `config.data_dir`, creating what is missing; an invalid entry changes nothing.
    pub fn import_project(config: &Config, path: &Path) -> Result<Imported, StartError> {
        let store = create_store(config)?;
        let seed_error = |source| StartError::Seed {
            path: path.display().to_string(),
            source,
        };
        let text = std::fs::read_to_string(path).map_err(|e| seed_error(e.into()))?;
        let project = domain::seed::parse(&text).map_err(seed_error)?;
        domain::seed::import(&store, &Clock::system(), &config.password_policy, project)
            .map_err(seed_error)
    }

    /// The configuration this server runs with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The server's clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.api.services.clock
    }

    /// The user `user_id` as `/v1/auth/me` describes them, read in-process (an app serving
    /// this server renders its pages from it); `None` for an unknown user.
    pub async fn user(
        &self,
        user_id: &str,
    ) -> Result<Option<descope::api::UserResponse>, StoreError> {
        use domain::{management::users::UserRef, Error};
        let services = &self.inner.api.services;
        let unavailable = |e: Error| StoreError::Unavailable(e.to_string());
        let user = match services.users.load(UserRef::Id(user_id.to_owned())).await {
            Ok(user) => user,
            Err(Error::UserNotFound) => return Ok(None),
            Err(other) => return Err(unavailable(other)),
        };
        let names = services
            .authz
            .tenant_names(std::slice::from_ref(&user))
            .await
            .map_err(unavailable)?;
        Ok(Some(http::user_response(&user, &names)))
    }

    /// The HTTP API, to be served at the base URL (or nested under a prefix); the development
    /// controls (`/_dev/clock`, `/_dev/faults`) are part of it only while other machines cannot
    /// reach the server ([`Config::expose`], [`Config::public_url`]).
    pub fn router(&self) -> axum::Router {
        let config = &self.inner.config;
        let reachable = config.expose || config.public_url.is_some();
        http::router(self.inner.api.clone(), &config.allowed_origins, reachable)
    }
}

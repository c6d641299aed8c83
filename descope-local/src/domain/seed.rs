//! Users created at start-up from a JSON file, with roles and tenants.

use std::{collections::BTreeMap, path::Path};

use serde::Deserialize;

use super::{
    credentials::hashing,
    users::{self, Profile},
    Error,
};
use crate::{
    storage::{users as stored_users, users::TenantRoles, Store},
    support::clock::Clock,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedUser {
    #[serde(default)]
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    tenants: BTreeMap<String, TenantRoles>,
}

/// Why the seed file cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The file cannot be read.
    #[error(transparent)]
    Read(#[from] std::io::Error),
    /// The file is not a JSON list of users.
    #[error(transparent)]
    Parse(#[from] serde_json::Error),
    /// A user breaks a rule (login ID, password policy).
    #[error("{email}: {reason}")]
    Invalid {
        /// The user's email as written in the file.
        email: String,
        /// The rule broken.
        reason: String,
    },
}

/// Creates each user of the file that does not exist yet; existing users are left alone.
pub(crate) fn load(store: &Store, clock: &Clock, path: &Path) -> Result<(), SeedError> {
    let text = std::fs::read_to_string(path)?;
    let seeds: Vec<SeedUser> = serde_json::from_str(&text)?;
    for seed in seeds {
        let invalid = |e: Error| SeedError::Invalid {
            email: seed.email.clone(),
            reason: e.to_string(),
        };
        let login_id = users::normalise_login(&seed.email).map_err(invalid)?;
        hashing::check_policy(&seed.password).map_err(invalid)?;
        let created = store
            .write_now(|conn| -> Result<bool, Error> {
                if stored_users::by_login(conn, &login_id)?.is_some() {
                    return Ok(false);
                }
                let hash = hashing::hash_now(&seed.password).map_err(Error::Internal)?;
                users::create(
                    conn,
                    &login_id,
                    &Profile {
                        name: &seed.name,
                        password_hash: Some(&hash),
                        roles: &seed.roles,
                        tenants: Some(&seed.tenants),
                        verified_email: true,
                    },
                    clock.now(),
                )?;
                Ok(true)
            })
            .map_err(invalid)?;
        if created {
            tracing::info!(email = %login_id, "seeded user");
        }
    }
    Ok(())
}

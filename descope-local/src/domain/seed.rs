//! Users created at start-up from a JSON file, with roles and tenants.

use std::{collections::BTreeMap, path::Path};

use serde::Deserialize;

use super::{
    credentials::hashing,
    error::Error,
    users::{self, User},
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
    tenants: BTreeMap<String, SeedTenant>,
}

/// A user's roles and permissions in a tenant, as the file gives them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedTenant {
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
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
    /// The user could not be stored or their password hashed.
    #[error("{email}: {reason}")]
    Failed {
        /// The user's email as written in the file.
        email: String,
        /// What failed.
        reason: String,
    },
}

/// Creates each user of the file that does not exist yet; existing users are left alone.
pub(crate) fn load(store: &Store, clock: &Clock, path: &Path) -> Result<(), SeedError> {
    let text = std::fs::read_to_string(path)?;
    let seeds: Vec<SeedUser> = serde_json::from_str(&text)?;
    for seed in seeds {
        let invalid = |e: Error| match e {
            Error::Internal(reason) => SeedError::Failed {
                email: seed.email.clone(),
                reason,
            },
            other => SeedError::Invalid {
                email: seed.email.clone(),
                reason: other.to_string(),
            },
        };
        let tenants: BTreeMap<String, TenantRoles> = seed
            .tenants
            .iter()
            .map(|(id, t)| {
                let roles = TenantRoles {
                    roles: t.roles.clone(),
                    permissions: t.permissions.clone(),
                };
                (id.clone(), roles)
            })
            .collect();
        let login_id = users::LoginId::parse(&seed.email).map_err(invalid)?;
        hashing::check_policy(&seed.password).map_err(invalid)?;
        let created = store
            .write_now(|conn| -> Result<bool, Error> {
                if stored_users::by_login(conn, login_id.as_str())?.is_some() {
                    return Ok(false);
                }
                let hash = hashing::hash_now(&seed.password).map_err(Error::Internal)?;
                let user = User {
                    name: seed.name.clone(),
                    roles: seed.roles.clone(),
                    tenants: tenants.clone(),
                    verified_email: true,
                    ..User::default()
                };
                users::create(conn, &login_id, user, Some(&hash), clock.now())?;
                Ok(true)
            })
            .map_err(invalid)?;
        if created {
            tracing::info!(email = login_id.as_str(), "seeded user");
        }
    }
    Ok(())
}

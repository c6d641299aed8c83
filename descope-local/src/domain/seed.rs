//! The seed file: a project document (`domain::project`) imported at start-up, creating what is
//! missing. Its first form, a JSON list of users
//! (`[{"name", "email", "password", "roles", "tenants": {"<id>": {"roles"}}}]`), still reads.

use std::path::Path;

use serde::Deserialize;

use super::{
    error::Error,
    project::{Imported, Project, UserEntry},
};
use crate::{
    storage::Store,
    support::{clock::Clock, config::PasswordPolicy},
};

/// The two forms a seed file takes.
#[derive(Deserialize)]
#[serde(untagged)]
enum SeedFile {
    Users(Vec<UserEntry>),
    Project(Project),
}

/// Why the seed file cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The file cannot be read.
    #[error(transparent)]
    Read(#[from] std::io::Error),
    /// The file is neither a project document nor a JSON list of users.
    #[error("not a project document or a list of users: {0}")]
    Parse(#[from] serde_json::Error),
    /// An entry breaks a rule (login ID, password policy, unknown permission); says which.
    #[error("{0}")]
    Invalid(String),
    /// The store failed, or a password could not be hashed.
    #[error("{0}")]
    Failed(String),
}

/// Parses a project document, or a seed file of the first form.
pub(crate) fn parse(text: &str) -> Result<Project, SeedError> {
    // Parsed once as each form, for a clear error: an untagged enum's says only "no match".
    Ok(match serde_json::from_str::<SeedFile>(text) {
        Ok(SeedFile::Project(project)) => project,
        Ok(SeedFile::Users(users)) => Project {
            users,
            ..Project::default()
        },
        Err(_) if text.trim_start().starts_with('[') => Project {
            users: serde_json::from_str(text)?,
            ..Project::default()
        },
        Err(_) => serde_json::from_str(text)?,
    })
}

/// Imports `project`, creating what is missing, in one transaction.
pub(crate) fn import(
    store: &Store,
    clock: &Clock,
    policy: &PasswordPolicy,
    mut project: Project,
) -> Result<Imported, SeedError> {
    // What the document asks that cannot be is the document's fault; only the server's own
    // failures are not.
    let invalid = |e| match e {
        Error::Validation(entry) => SeedError::Invalid(entry),
        Error::Internal(detail) => SeedError::Failed(detail),
        other => SeedError::Invalid(other.to_string()),
    };
    project.hash_passwords(policy).map_err(invalid)?;
    let now = clock.now();
    store
        .write_now(|conn| project.import(conn, now))
        .map_err(invalid)
}

/// Creates what the seed file holds and the store lacks; what exists is left alone.
pub(crate) fn load(
    store: &Store,
    clock: &Clock,
    policy: &PasswordPolicy,
    path: &Path,
) -> Result<(), SeedError> {
    let project = parse(&std::fs::read_to_string(path)?)?;
    let imported = import(store, clock, policy, project)?;
    if imported != Imported::default() {
        tracing::info!(?imported, "seeded the project");
    }
    Ok(())
}

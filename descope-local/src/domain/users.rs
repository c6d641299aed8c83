//! Users: what a login ID may be, and creating a user.

use std::collections::BTreeMap;

use super::error::Error;
use crate::{
    storage::{
        users::{self, NewUser, TenantRoles},
        Connection,
    },
    support::ids::random_id,
};

pub(crate) use crate::storage::users::User;

/// A login ID as the server keeps and compares it. Only [`LoginId::parse`] makes one, so every
/// service can trust that it was checked and lowercased: case variants of one address are one
/// account, and one rate-limit key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoginId(String);

impl LoginId {
    /// Login IDs are emails here, compared case-insensitively: at most 254 bytes, with no space
    /// or control character (which would forge log lines), one `@` and a dotted domain.
    pub(crate) fn parse(login_id: &str) -> Result<Self, Error> {
        normalise(login_id).map(Self)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

fn normalise(login_id: &str) -> Result<String, Error> {
    let login = login_id.trim().to_lowercase();
    let valid = login.len() <= 254
        && !login.chars().any(|c| c.is_whitespace() || c.is_control())
        && login.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
        });
    if valid {
        Ok(login)
    } else {
        Err(Error::Validation(
            "The login ID must be an email address.".into(),
        ))
    }
}

/// What a user is created with, besides their login ID.
#[derive(Default)]
pub(crate) struct Profile<'a> {
    pub(crate) name: &'a str,
    pub(crate) password_hash: Option<&'a str>,
    pub(crate) roles: &'a [String],
    pub(crate) tenants: Option<&'a BTreeMap<String, TenantRoles>>,
    pub(crate) verified_email: bool,
}

/// Creates a user with a new ID; [`Error::UserExists`] if the login ID is taken.
pub(crate) fn create(
    conn: &Connection,
    login_id: &LoginId,
    profile: &Profile<'_>,
    now: i64,
) -> Result<User, Error> {
    let no_tenants = BTreeMap::new();
    let id = format!("U2{}", random_id(26));
    users::insert(
        conn,
        &NewUser {
            id: &id,
            login_id: login_id.as_str(),
            name: profile.name,
            password_hash: profile.password_hash,
            roles: profile.roles,
            tenants: profile.tenants.unwrap_or(&no_tenants),
            verified_email: profile.verified_email,
            created_at: now,
        },
    )?
    .ok_or(Error::UserExists)
}

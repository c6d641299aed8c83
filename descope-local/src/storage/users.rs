//! The `users` table.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::error::StoreError;

/// A user as stored.
#[derive(Clone, Debug)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) login_id: String,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) roles: Vec<String>,
    pub(crate) tenants: BTreeMap<String, TenantRoles>,
    pub(crate) verified_email: bool,
    pub(crate) has_password: bool,
    pub(crate) created_at: i64,
}

/// A user's roles and permissions in one tenant, as their tokens' `tenants` claim carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct TenantRoles {
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
}

const USER_COLUMNS: &str =
    "id, login_id, email, name, roles, tenants, verified_email, password_hash IS NOT NULL, created_at";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let roles: String = r.get(4)?;
    let tenants: String = r.get(5)?;
    Ok(User {
        id: r.get(0)?,
        login_id: r.get(1)?,
        email: r.get(2)?,
        name: r.get(3)?,
        roles: serde_json::from_str(&roles).unwrap_or_default(),
        tenants: serde_json::from_str(&tenants).unwrap_or_default(),
        verified_email: r.get(6)?,
        has_password: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// What a new user starts with.
pub(crate) struct NewUser<'a> {
    pub(crate) id: &'a str,
    pub(crate) login_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) password_hash: Option<&'a str>,
    pub(crate) roles: &'a [String],
    pub(crate) tenants: &'a BTreeMap<String, TenantRoles>,
    pub(crate) verified_email: bool,
    pub(crate) created_at: i64,
}

/// Adds a user; `None` when the login ID is taken.
pub(crate) fn insert(conn: &Connection, new: &NewUser<'_>) -> Result<Option<User>, StoreError> {
    let inserted = conn.execute(
        "INSERT INTO users (id, login_id, email, name, password_hash, roles, tenants, verified_email, created_at)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            new.id,
            new.login_id,
            new.name,
            new.password_hash,
            serde_json::to_string(new.roles).unwrap_or_default(),
            serde_json::to_string(new.tenants).unwrap_or_default(),
            new.verified_email,
            new.created_at
        ],
    );
    match inserted {
        Ok(_) => Ok(by_id(conn, new.id)?),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn by_id(conn: &Connection, id: &str) -> Result<Option<User>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            [id],
            user_row,
        )
        .optional()?)
}

/// The user with `login_id` and their password hash.
pub(crate) fn by_login(
    conn: &Connection,
    login_id: &str,
) -> Result<Option<(User, Option<String>)>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE login_id = ?1"),
            [login_id],
            |r| Ok((user_row(r)?, r.get(9)?)),
        )
        .optional()?)
}

pub(crate) fn set_password(conn: &Connection, user_id: &str, hash: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        rusqlite::params![user_id, hash],
    )?;
    Ok(())
}

/// Marks the user's email verified and drops their password.
pub(crate) fn verify_email_dropping_password(
    conn: &Connection,
    user_id: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET verified_email = 1, password_hash = NULL WHERE id = ?1",
        [user_id],
    )?;
    Ok(())
}

//! The `access_keys` table: keys a machine exchanges for a session token, found by the digest
//! of their secret.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use super::{error::StoreError, users::TenantRoles};

/// An access key as stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AccessKey {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    /// `active` or `inactive`.
    pub(crate) active: bool,
    /// Unix seconds; 0 for never.
    pub(crate) expires_at: i64,
    pub(crate) roles: Vec<String>,
    pub(crate) tenants: BTreeMap<String, TenantRoles>,
    /// The user the key acts for, if any.
    pub(crate) user_id: String,
    /// Claims every session token of the key carries.
    pub(crate) custom_claims: BTreeMap<String, Value>,
    /// Addresses the key may be exchanged from; empty for any.
    pub(crate) permitted_ips: Vec<String>,
    pub(crate) created_at: i64,
}

const COLUMNS: &str = "id, name, description, status, expires_at, roles, tenants, user_id, \
     custom_claims, permitted_ips, created_at";

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccessKey> {
    let text = |i: usize| r.get::<_, String>(i);
    let status = text(3)?;
    Ok(AccessKey {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        active: status == "active",
        expires_at: r.get(4)?,
        roles: serde_json::from_str(&text(5)?).unwrap_or_default(),
        tenants: serde_json::from_str(&text(6)?).unwrap_or_default(),
        user_id: r.get(7)?,
        custom_claims: serde_json::from_str(&text(8)?).unwrap_or_default(),
        permitted_ips: serde_json::from_str(&text(9)?).unwrap_or_default(),
        created_at: r.get(10)?,
    })
}

fn status(active: bool) -> &'static str {
    if active {
        "active"
    } else {
        "inactive"
    }
}

/// Adds `key`, whose secret has the digest `secret_hash`.
pub(crate) fn insert(
    conn: &Connection,
    key: &AccessKey,
    secret_hash: &str,
) -> Result<(), StoreError> {
    conn.execute(
        &format!(
            "INSERT INTO access_keys ({COLUMNS}, secret_hash)
                  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        rusqlite::params![
            key.id,
            key.name,
            key.description,
            status(key.active),
            key.expires_at,
            json(&key.roles),
            json(&key.tenants),
            key.user_id,
            json(&key.custom_claims),
            json(&key.permitted_ips),
            key.created_at,
            secret_hash
        ],
    )?;
    Ok(())
}

/// Writes every field of `key` but its ID, secret and creation time; false if there is none.
pub(crate) fn update(conn: &Connection, key: &AccessKey) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE access_keys SET name = ?2, description = ?3, status = ?4, expires_at = ?5,
             roles = ?6, tenants = ?7, user_id = ?8, custom_claims = ?9, permitted_ips = ?10
         WHERE id = ?1",
        rusqlite::params![
            key.id,
            key.name,
            key.description,
            status(key.active),
            key.expires_at,
            json(&key.roles),
            json(&key.tenants),
            key.user_id,
            json(&key.custom_claims),
            json(&key.permitted_ips)
        ],
    )? > 0)
}

pub(crate) fn by_id(conn: &Connection, id: &str) -> Result<Option<AccessKey>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM access_keys WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?)
}

/// The key whose secret has the digest `secret_hash`.
pub(crate) fn by_secret(
    conn: &Connection,
    secret_hash: &str,
) -> Result<Option<AccessKey>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM access_keys WHERE secret_hash = ?1"),
            [secret_hash],
            row,
        )
        .optional()?)
}

/// Every key, oldest first.
pub(crate) fn all(conn: &Connection) -> Result<Vec<AccessKey>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM access_keys ORDER BY created_at, id"
    ))?;
    let keys = statement.query_map([], row)?.collect::<Result<_, _>>()?;
    Ok(keys)
}

/// Deletes a key; false if there was none.
pub(crate) fn delete(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.execute("DELETE FROM access_keys WHERE id = ?1", [id])? > 0)
}

/// The digest of every key's secret, by key ID.
pub(crate) fn secret_hashes(conn: &Connection) -> Result<BTreeMap<String, String>, StoreError> {
    let mut statement = conn.prepare("SELECT id, secret_hash FROM access_keys")?;
    let hashes = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(hashes)
}

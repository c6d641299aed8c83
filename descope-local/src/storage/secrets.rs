//! The `project_secrets` table: secrets the project keeps between runs, by name.

use rusqlite::{Connection, OptionalExtension};

use super::error::StoreError;

/// The secret named `name`, if one was kept.
pub(crate) fn get(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT value FROM project_secrets WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?)
}

/// Keeps `value` as the secret named `name`, unless one is kept already; answers the kept one.
pub(crate) fn get_or_insert(
    conn: &Connection,
    name: &str,
    value: &str,
    now: i64,
) -> Result<String, StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO project_secrets (name, value, created_at) VALUES (?1, ?2, ?3)",
        rusqlite::params![name, value, now],
    )?;
    Ok(get(conn, name)?.unwrap_or_else(|| value.to_owned()))
}

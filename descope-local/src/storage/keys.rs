//! The `signing_keys` table: every RS256 key ever made, as PKCS#8, one of them current.

use rusqlite::{Connection, OptionalExtension};

use super::error::StoreError;

/// The current key: its `kid` and PKCS#8 DER.
pub(crate) fn current(conn: &Connection) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT kid, pkcs8 FROM signing_keys WHERE current = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Stores a key as the current one; the others stay, no longer current.
pub(crate) fn insert_current(
    conn: &Connection,
    kid: &str,
    pkcs8: &[u8],
    now: i64,
) -> Result<(), StoreError> {
    conn.execute("UPDATE signing_keys SET current = 0", [])?;
    conn.execute(
        "INSERT INTO signing_keys (kid, pkcs8, created_at, current) VALUES (?1, ?2, ?3, 1)",
        rusqlite::params![kid, pkcs8, now],
    )?;
    Ok(())
}

/// The current key and the one made before it: the keys that are published. A row that cannot
/// be read is left out, like a key that cannot be parsed.
pub(crate) fn newest_two(conn: &Connection) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT kid, pkcs8 FROM signing_keys
         ORDER BY current DESC, created_at DESC, rowid DESC LIMIT 2",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.filter_map(Result::ok).collect())
}

/// A signing key as the console lists it: never its private part.
pub(crate) struct KeyRecord {
    pub(crate) kid: String,
    pub(crate) created_at: i64,
    pub(crate) current: bool,
}

/// Every key: the current one first, then the newest first (so the first two are the ones
/// [`newest_two`] publishes).
pub(crate) fn all(conn: &Connection) -> Result<Vec<KeyRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT kid, created_at, current FROM signing_keys
         ORDER BY current DESC, created_at DESC, rowid DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(KeyRecord {
            kid: r.get(0)?,
            created_at: r.get(1)?,
            current: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

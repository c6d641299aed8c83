//! The `codes` table: one-time codes and magic-link tokens waiting to be used, by hash.

use rusqlite::{Connection, OptionalExtension};

use super::error::StoreError;

/// A one-time code or magic-link token waiting to be used.
pub(crate) struct PendingCode {
    pub(crate) id: i64,
    pub(crate) login_id: String,
    pub(crate) hash: String,
    pub(crate) name: String,
    pub(crate) attempts: i64,
}

/// The kinds of emailed secret. Each is looked up only as its own kind: a code is never a
/// link token, whatever its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeKind {
    /// A 6-digit one-time code, checked with the login ID it was sent to.
    Otp,
    /// A magic-link token, looked up by itself.
    MagicLink,
}

impl CodeKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Otp => "otp",
            Self::MagicLink => "magiclink",
        }
    }
}

/// Stores a new code for `login_id`, replacing any earlier one of the same kind.
pub(crate) fn insert(
    tx: &Connection,
    login_id: &str,
    kind: CodeKind,
    hash: &str,
    name: &str,
    expires_at: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE codes SET consumed = 1 WHERE login_id = ?1 AND kind = ?2 AND consumed = 0",
        rusqlite::params![login_id, kind.as_str()],
    )?;
    tx.execute(
        "INSERT INTO codes (login_id, kind, hash, name, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![login_id, kind.as_str(), hash, name, expires_at],
    )?;
    Ok(())
}

const CODE_COLUMNS: &str = "id, login_id, hash, name, attempts";

fn code_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingCode> {
    Ok(PendingCode {
        id: r.get(0)?,
        login_id: r.get(1)?,
        hash: r.get(2)?,
        name: r.get(3)?,
        attempts: r.get(4)?,
    })
}

/// The live (unused, unexpired) code of `kind` for `login_id`.
pub(crate) fn live(
    tx: &Connection,
    login_id: &str,
    kind: CodeKind,
    now: i64,
) -> Result<Option<PendingCode>, StoreError> {
    Ok(tx
        .query_row(
            &format!(
                "SELECT {CODE_COLUMNS} FROM codes
             WHERE login_id = ?1 AND kind = ?2 AND consumed = 0 AND expires_at > ?3
             ORDER BY id DESC LIMIT 1"
            ),
            rusqlite::params![login_id, kind.as_str(), now],
            code_row,
        )
        .optional()?)
}

/// The live code of `kind` with this hash (magic links are looked up by their token).
pub(crate) fn live_by_hash(
    tx: &Connection,
    kind: CodeKind,
    hash: &str,
    now: i64,
) -> Result<Option<PendingCode>, StoreError> {
    Ok(tx
        .query_row(
            &format!(
                "SELECT {CODE_COLUMNS} FROM codes
             WHERE hash = ?1 AND kind = ?2 AND consumed = 0 AND expires_at > ?3"
            ),
            rusqlite::params![hash, kind.as_str(), now],
            code_row,
        )
        .optional()?)
}

/// Counts a wrong attempt; the code dies at `max_attempts`.
pub(crate) fn failed(tx: &Connection, id: i64, max_attempts: i64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE codes SET attempts = attempts + 1,
         consumed = CASE WHEN attempts + 1 >= ?2 THEN 1 ELSE 0 END WHERE id = ?1",
        rusqlite::params![id, max_attempts],
    )?;
    Ok(())
}

pub(crate) fn consume(tx: &Connection, id: i64) -> Result<(), StoreError> {
    tx.execute("UPDATE codes SET consumed = 1 WHERE id = ?1", [id])?;
    Ok(())
}

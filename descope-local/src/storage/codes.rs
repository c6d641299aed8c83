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
    /// Set when the secret was sent to prove a new address rather than to sign in.
    pub(crate) email_change: Option<EmailChange>,
}

/// A change of a user's email waiting for the new address to be proven.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EmailChange {
    pub(crate) user_id: String,
    /// The session that asked: the change dies with it.
    pub(crate) family_id: String,
    pub(crate) new_email: String,
    /// The new address becomes one of the user's login IDs too.
    pub(crate) add_login_id: bool,
    /// How the asking session had signed in, kept in the new session's `amr` (Descope's
    /// `mfa` option); empty: the new session has only the email's proof.
    pub(crate) kept_amr: Vec<String>,
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

/// Stores a new code for `login_id`, replacing any earlier one of the same kind and purpose: a
/// sign-in code replaces a sign-in code, an email change an email change, so that asking for
/// one never cancels the other.
pub(crate) fn insert(
    tx: &Connection,
    login_id: &str,
    kind: CodeKind,
    hash: &str,
    name: &str,
    expires_at: i64,
    email_change: Option<&EmailChange>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE codes SET consumed = 1
         WHERE login_id = ?1 AND kind = ?2 AND consumed = 0 AND (new_email IS NULL) = ?3",
        rusqlite::params![login_id, kind.as_str(), email_change.is_none()],
    )?;
    tx.execute(
        "INSERT INTO codes (login_id, kind, hash, name, expires_at, user_id, new_email,
             add_login_id, family_id, kept_amr)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            login_id,
            kind.as_str(),
            hash,
            name,
            expires_at,
            email_change.map(|c| &c.user_id),
            email_change.map(|c| &c.new_email),
            email_change.is_some_and(|c| c.add_login_id),
            email_change.map(|c| &c.family_id),
            serde_json::to_string(&email_change.map_or(&[][..], |c| &c.kept_amr[..]))
                .unwrap_or_default(),
        ],
    )?;
    Ok(())
}

const CODE_COLUMNS: &str =
    "id, login_id, hash, name, attempts, user_id, new_email, add_login_id, family_id, kept_amr";

fn code_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingCode> {
    Ok(PendingCode {
        id: r.get(0)?,
        login_id: r.get(1)?,
        hash: r.get(2)?,
        name: r.get(3)?,
        attempts: r.get(4)?,
        email_change: match (r.get(5)?, r.get(6)?, r.get(8)?) {
            (Some(user_id), Some(new_email), Some(family_id)) => Some(EmailChange {
                user_id,
                family_id,
                new_email,
                add_login_id: r.get(7)?,
                kept_amr: serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default(),
            }),
            _ => None,
        },
    })
}

/// The live (unused, unexpired) codes of `kind` for `login_id`: at most one for a sign-in and
/// one for an email change.
pub(crate) fn live(
    tx: &Connection,
    login_id: &str,
    kind: CodeKind,
    now: i64,
) -> Result<Vec<PendingCode>, StoreError> {
    let mut statement = tx.prepare(&format!(
        "SELECT {CODE_COLUMNS} FROM codes
         WHERE login_id = ?1 AND kind = ?2 AND consumed = 0 AND expires_at > ?3
         ORDER BY id DESC"
    ))?;
    let codes = statement
        .query_map(rusqlite::params![login_id, kind.as_str(), now], code_row)?
        .collect::<Result<_, _>>()?;
    Ok(codes)
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

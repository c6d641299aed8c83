//! The `sign_ins` table: when and from where each user signed in (`/v1/auth/me/history`).

use rusqlite::Connection;

use super::error::StoreError;

/// Sign-ins kept per user: the newest.
const KEPT: i64 = 100;

/// A sign-in: when (Unix seconds) and from which address.
pub(crate) struct SignIn {
    pub(crate) at: i64,
    pub(crate) ip: String,
}

/// Records a sign-in, keeping the user's newest [`KEPT`].
pub(crate) fn record(
    conn: &Connection,
    user_id: &str,
    at: i64,
    ip: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sign_ins (user_id, at, ip) VALUES (?1, ?2, ?3)",
        rusqlite::params![user_id, at, ip],
    )?;
    conn.execute(
        "DELETE FROM sign_ins WHERE user_id = ?1 AND id NOT IN
             (SELECT id FROM sign_ins WHERE user_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2)",
        rusqlite::params![user_id, KEPT],
    )?;
    Ok(())
}

/// The user's sign-ins, newest first.
pub(crate) fn of_user(conn: &Connection, user_id: &str) -> Result<Vec<SignIn>, StoreError> {
    let mut statement =
        conn.prepare("SELECT at, ip FROM sign_ins WHERE user_id = ?1 ORDER BY at DESC, id DESC")?;
    let rows = statement
        .query_map([user_id], |r| {
            Ok(SignIn {
                at: r.get(0)?,
                ip: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

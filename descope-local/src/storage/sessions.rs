//! The `refresh_families` and `refresh_tokens` tables: a family per sign-in, and the hashes of
//! the tokens it has issued, by generation.

use rusqlite::{Connection, OptionalExtension};

use super::error::StoreError;

/// A refresh token's family, as found by the token's hash.
pub(crate) struct Family {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) amr: Vec<String>,
    pub(crate) expires_at: i64,
    /// The generation of the family's newest tokens.
    pub(crate) generation: i64,
    /// The tenant the session selected (its tokens' `dct`).
    pub(crate) tenant: Option<String>,
}

/// What a presented refresh token is worth.
pub(crate) enum Presented {
    /// A token of the current generation, or of the one before it within the grace after that
    /// generation was replaced.
    Usable {
        family: Family,
        token_generation: i64,
    },
    /// An older token: a sign the family leaked.
    Reused(Family),
    /// A token of a family that was revoked: logged out, or ended by a password change, by
    /// reuse detection or by the management API.
    Revoked,
    /// Unknown or expired.
    Invalid,
}

/// Starts a family whose first token, of the family's generation (0 for a new sign-in), has the
/// hash `first_hash`.
pub(crate) fn insert_family(
    tx: &Connection,
    family: &Family,
    first_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO refresh_families
             (id, user_id, amr, expires_at, generation, generation_started_at, created_at, last_used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)",
        rusqlite::params![
            family.id,
            family.user_id,
            serde_json::to_string(&family.amr).unwrap_or_default(),
            family.expires_at,
            family.generation,
            now
        ],
    )?;
    tx.execute(
        "INSERT INTO refresh_tokens (hash, family_id, generation, issued_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![first_hash, family.id, family.generation, now],
    )?;
    Ok(())
}

/// Judges the refresh token with this hash. Tokens of the generation just replaced stay usable
/// for `grace` seconds: clients that refreshed at the same moment, or lost the answer, all
/// keep a working session.
pub(crate) fn presented(
    tx: &Connection,
    hash: &str,
    now: i64,
    grace: i64,
) -> Result<Presented, StoreError> {
    let row = tx
        .query_row(
            "SELECT f.id, f.user_id, f.amr, f.expires_at, f.generation, f.revoked,
                    f.generation_started_at, t.generation, f.tenant
             FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
             WHERE t.hash = ?1",
            [hash],
            |r| {
                let amr: String = r.get(2)?;
                Ok((
                    Family {
                        id: r.get(0)?,
                        user_id: r.get(1)?,
                        amr: serde_json::from_str(&amr).unwrap_or_default(),
                        expires_at: r.get(3)?,
                        generation: r.get(4)?,
                        tenant: r.get(8)?,
                    },
                    r.get::<_, bool>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((family, revoked, generation_started_at, token_generation)) = row else {
        return Ok(Presented::Invalid);
    };
    if family.expires_at <= now {
        return Ok(Presented::Invalid);
    }
    if revoked {
        return Ok(Presented::Revoked);
    }
    let current = token_generation == family.generation;
    let just_replaced =
        token_generation + 1 == family.generation && now - generation_started_at <= grace;
    Ok(if current || just_replaced {
        Presented::Usable {
            family,
            token_generation,
        }
    } else {
        Presented::Reused(family)
    })
}

/// Records that the family's session was refreshed at `now`.
pub(crate) fn touch(tx: &Connection, family_id: &str, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE refresh_families SET last_used_at = ?2 WHERE id = ?1",
        rusqlite::params![family_id, now],
    )?;
    Ok(())
}

/// A session as the console lists it.
pub(crate) struct SessionRecord {
    pub(crate) id: String,
    pub(crate) amr: Vec<String>,
    pub(crate) tenant: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) last_used_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) revoked: bool,
}

/// The user's sessions, newest first: at most `limit`.
pub(crate) fn families_of(
    conn: &Connection,
    user_id: &str,
    limit: usize,
) -> Result<Vec<SessionRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, amr, tenant, created_at, last_used_at, expires_at, revoked
         FROM refresh_families WHERE user_id = ?1
         ORDER BY created_at DESC, rowid DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![user_id, limit as i64], |r| {
        let amr: String = r.get(1)?;
        Ok(SessionRecord {
            id: r.get(0)?,
            amr: serde_json::from_str(&amr).unwrap_or_default(),
            tenant: r.get(2)?,
            created_at: r.get(3)?,
            last_used_at: r.get(4)?,
            expires_at: r.get(5)?,
            revoked: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a token with `new_hash` to the family, as the successor of a usable token of
/// `token_generation`: a token of the current generation starts the next one, a token of the
/// one before gets a sibling in the current one.
pub(crate) fn rotate(
    tx: &Connection,
    family: &Family,
    token_generation: i64,
    new_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    let successor = token_generation + 1;
    if successor > family.generation {
        tx.execute(
            "UPDATE refresh_families SET generation = ?2, generation_started_at = ?3 WHERE id = ?1",
            rusqlite::params![family.id, successor, now],
        )?;
    }
    tx.execute(
        "INSERT INTO refresh_tokens (hash, family_id, generation, issued_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![new_hash, family.id, successor, now],
    )?;
    Ok(())
}

/// Records the tenant the family's session selected, or that it has none.
pub(crate) fn select_tenant(
    tx: &Connection,
    family_id: &str,
    tenant: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE refresh_families SET tenant = ?2 WHERE id = ?1",
        rusqlite::params![family_id, tenant],
    )?;
    Ok(())
}

/// Whether the family exists and is not revoked.
pub(crate) fn family_is_live(tx: &Connection, family_id: &str) -> Result<bool, StoreError> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM refresh_families WHERE id = ?1 AND revoked = 0)",
        [family_id],
        |r| r.get(0),
    )?)
}

pub(crate) fn revoke_family(tx: &Connection, family_id: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE refresh_families SET revoked = 1 WHERE id = ?1",
        [family_id],
    )?;
    Ok(())
}

/// Revokes the family if it is the user's; false if the user has none by that ID.
pub(crate) fn revoke_family_of(
    tx: &Connection,
    user_id: &str,
    family_id: &str,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "UPDATE refresh_families SET revoked = 1 WHERE id = ?1 AND user_id = ?2",
        rusqlite::params![family_id, user_id],
    )? > 0)
}

/// Revokes every family of the user, except `keep` (the session that asked for it).
pub(crate) fn revoke_user_families(
    tx: &Connection,
    user_id: &str,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE refresh_families SET revoked = 1 WHERE user_id = ?1 AND id IS NOT ?2",
        rusqlite::params![user_id, keep],
    )?;
    Ok(())
}

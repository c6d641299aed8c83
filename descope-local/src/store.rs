//! SQLite storage: users, refresh-token families, one-time codes and links, signing keys.
//!
//! WAL with `synchronous=FULL`, so a committed rotation survives a crash: a rolled-back
//! rotation would resurrect an old refresh token. One connection behind a mutex keeps writes
//! serial; calls run on the blocking pool so fsyncs never stall the async workers.

use std::{
    path::Path,
    sync::{Arc, Mutex},
};

use rusqlite::Connection;

use crate::error::ApiError;

/// The schema, as ordered migrations: a database at `PRAGMA user_version` n has had the first
/// n applied, and opening it applies the rest, each in its own transaction. Data folders from
/// before versioning (version 0) already hold the first, which is written to be a no-op there.
const MIGRATIONS: &[&str] = &[
    // 1: users, refresh-token families, one-time codes and links, signing keys.
    "CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        login_id TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        password_hash TEXT,
        roles TEXT NOT NULL DEFAULT '[]',
        tenants TEXT NOT NULL DEFAULT '{}',
        verified_email INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS refresh_families (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        amr TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS refresh_families_user ON refresh_families(user_id);
    CREATE TABLE IF NOT EXISTS refresh_tokens (
        hash TEXT PRIMARY KEY,
        family_id TEXT NOT NULL REFERENCES refresh_families(id),
        parent TEXT,
        issued_at INTEGER NOT NULL,
        rotated_at INTEGER
    );
    CREATE TABLE IF NOT EXISTS codes (
        id INTEGER PRIMARY KEY,
        login_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        hash TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        consumed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS codes_login ON codes(login_id, kind);
    CREATE INDEX IF NOT EXISTS codes_hash ON codes(hash);
    CREATE TABLE IF NOT EXISTS signing_keys (
        kid TEXT PRIMARY KEY,
        pkcs8 BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        current INTEGER NOT NULL
    );",
    // 2: refresh tokens by generation. Tokens a rotation issues from the same generation are
    // siblings, so simultaneous refreshes all get a working token. A family knows its current
    // generation and when it began; today's current tokens become generation 1.
    "CREATE TABLE refresh_tokens_v2 (
        hash TEXT PRIMARY KEY,
        family_id TEXT NOT NULL REFERENCES refresh_families(id),
        generation INTEGER NOT NULL,
        issued_at INTEGER NOT NULL
    );
    INSERT INTO refresh_tokens_v2 (hash, family_id, generation, issued_at)
        SELECT hash, family_id, CASE WHEN rotated_at IS NULL THEN 1 ELSE 0 END, issued_at
        FROM refresh_tokens;
    DROP TABLE refresh_tokens;
    ALTER TABLE refresh_tokens_v2 RENAME TO refresh_tokens;
    CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
    ALTER TABLE refresh_families ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE refresh_families ADD COLUMN generation_started_at INTEGER NOT NULL DEFAULT 0;",
];

/// Why the store cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The database has a schema version this server does not know: a newer server wrote it.
    #[error("the database has schema version {0}; this server knows 0 to {known}", known = MIGRATIONS.len())]
    Unknown(i64),
}

/// Brings the schema up to the newest version, one migration per transaction. Each takes the
/// write lock before it reads the version, so two processes opening one folder (the server
/// and `rotate-key`) apply each migration once.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let Ok(applied) = usize::try_from(version) else {
            return Err(StoreError::Unknown(version));
        };
        let Some(migration) = MIGRATIONS.get(applied) else {
            return if applied == MIGRATIONS.len() {
                Ok(())
            } else {
                Err(StoreError::Unknown(version))
            };
        };
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}

/// The database, shared by all requests.
#[derive(Clone)]
pub(crate) struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub(crate) async fn call<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .map_err(|_| ApiError::Internal("store lock poisoned".into()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("store task: {e}")))?
    }

    /// Runs `f` now, on this thread: for start-up, before any request.
    pub(crate) fn call_now<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let mut conn = self.conn.lock().expect("store lock poisoned at start-up");
        f(&mut conn)
    }
}

/// A user as stored.
#[derive(Clone, Debug)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) login_id: String,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) roles: serde_json::Value,
    pub(crate) tenants: serde_json::Value,
    pub(crate) verified_email: bool,
    pub(crate) has_password: bool,
    pub(crate) created_at: i64,
}

impl User {
    /// Descope's UserResponse.
    pub(crate) fn to_response(&self) -> serde_json::Value {
        let user_tenants: Vec<_> = self
            .tenants
            .as_object()
            .into_iter()
            .flatten()
            .map(|(id, t)| {
                serde_json::json!({
                    "tenantId": id, "tenantName": id,
                    "roleNames": t.get("roles").cloned().unwrap_or_default(),
                    "permissions": t.get("permissions").cloned().unwrap_or_default(),
                })
            })
            .collect();
        serde_json::json!({
            "loginIds": [self.login_id], "userId": self.id, "name": self.name,
            "email": self.email, "phone": "", "verifiedEmail": self.verified_email,
            "verifiedPhone": false, "roleNames": self.roles, "userTenants": user_tenants,
            "status": "enabled", "externalIds": [self.login_id], "picture": "", "test": false,
            "customAttributes": {}, "createdTime": self.created_at, "TOTP": false, "SAML": false,
            "OAuth": {}, "webauthn": false, "password": self.has_password, "ssoAppIds": [],
            "givenName": "", "middleName": "", "familyName": "", "SCIM": false,
        })
    }
}

const USER_COLUMNS: &str =
    "id, login_id, email, name, roles, tenants, verified_email, password_hash IS NOT NULL, created_at";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let json = |i| -> rusqlite::Result<serde_json::Value> {
        let text: String = r.get(i)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    };
    Ok(User {
        id: r.get(0)?,
        login_id: r.get(1)?,
        email: r.get(2)?,
        name: r.get(3)?,
        roles: json(4)?,
        tenants: json(5)?,
        verified_email: r.get(6)?,
        has_password: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// What a new user starts with.
pub(crate) struct NewUser<'a> {
    pub(crate) login_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) password_hash: Option<&'a str>,
    pub(crate) roles: &'a serde_json::Value,
    pub(crate) tenants: &'a serde_json::Value,
    pub(crate) verified_email: bool,
}

pub(crate) fn insert_user(conn: &Connection, new: &NewUser<'_>) -> Result<User, ApiError> {
    let id = format!("U2{}", crate::keys::random_id(26));
    let inserted = conn.execute(
        "INSERT INTO users (id, login_id, email, name, password_hash, roles, tenants, verified_email, created_at)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            new.login_id,
            new.name,
            new.password_hash,
            new.roles.to_string(),
            new.tenants.to_string(),
            new.verified_email,
            crate::tokens::now()
        ],
    );
    match inserted {
        Ok(_) => user_by_id(conn, &id)?.ok_or_else(|| ApiError::Internal("user vanished".into())),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(ApiError::UserExists)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn user_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
        [id],
        user_row,
    )
    .optional()
}

/// The user with `login_id` and their password hash.
pub(crate) fn user_by_login(
    conn: &Connection,
    login_id: &str,
) -> rusqlite::Result<Option<(User, Option<String>)>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE login_id = ?1"),
        [login_id],
        |r| Ok((user_row(r)?, r.get(9)?)),
    )
    .optional()
}

pub(crate) fn set_password(conn: &Connection, user_id: &str, hash: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        rusqlite::params![user_id, hash],
    )
    .map(|_| ())
}

/// A refresh token's family, as found by the token's hash.
pub(crate) struct Family {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) amr: Vec<String>,
    pub(crate) expires_at: i64,
    /// The generation of the family's newest tokens.
    pub(crate) generation: i64,
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
    /// Unknown, expired or in a revoked family.
    Invalid,
}

/// Starts a family whose first token (generation 0) has the hash `first_hash`.
pub(crate) fn insert_family(
    tx: &Connection,
    family: &Family,
    first_hash: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO refresh_families (id, user_id, amr, expires_at, generation, generation_started_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5)",
        rusqlite::params![
            family.id,
            family.user_id,
            serde_json::to_string(&family.amr).unwrap_or_default(),
            family.expires_at,
            now
        ],
    )?;
    tx.execute(
        "INSERT INTO refresh_tokens (hash, family_id, generation, issued_at) VALUES (?1, ?2, 0, ?3)",
        rusqlite::params![first_hash, family.id, now],
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
) -> rusqlite::Result<Presented> {
    use rusqlite::OptionalExtension;
    let row = tx
        .query_row(
            "SELECT f.id, f.user_id, f.amr, f.expires_at, f.generation, f.revoked,
                    f.generation_started_at, t.generation
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
    if revoked || family.expires_at <= now {
        return Ok(Presented::Invalid);
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

/// Adds a token with `new_hash` to the family, as the successor of a usable token of
/// `token_generation`: a token of the current generation starts the next one, a token of the
/// one before gets a sibling in the current one.
pub(crate) fn rotate(
    tx: &Connection,
    family: &Family,
    token_generation: i64,
    new_hash: &str,
    now: i64,
) -> rusqlite::Result<()> {
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

/// Whether the family exists and is not revoked.
pub(crate) fn family_is_live(tx: &Connection, family_id: &str) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM refresh_families WHERE id = ?1 AND revoked = 0)",
        [family_id],
        |r| r.get(0),
    )
}

pub(crate) fn revoke_family(tx: &Connection, family_id: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE refresh_families SET revoked = 1 WHERE id = ?1",
        [family_id],
    )
    .map(|_| ())
}

/// Revokes every family of the user, except `keep` (the session that asked for it).
pub(crate) fn revoke_user_families(
    tx: &Connection,
    user_id: &str,
    keep: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE refresh_families SET revoked = 1 WHERE user_id = ?1 AND id IS NOT ?2",
        rusqlite::params![user_id, keep],
    )
    .map(|_| ())
}

/// A one-time code or magic-link token waiting to be used.
pub(crate) struct PendingCode {
    pub(crate) id: i64,
    pub(crate) login_id: String,
    pub(crate) hash: String,
    pub(crate) name: String,
    pub(crate) attempts: i64,
}

/// The kinds of emailed secret. Each is accepted only by its own endpoint: a code is never a
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
pub(crate) fn insert_code(
    tx: &Connection,
    login_id: &str,
    kind: CodeKind,
    hash: &str,
    name: &str,
    expires_at: i64,
) -> rusqlite::Result<()> {
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
pub(crate) fn live_code(
    tx: &Connection,
    login_id: &str,
    kind: CodeKind,
    now: i64,
) -> rusqlite::Result<Option<PendingCode>> {
    use rusqlite::OptionalExtension;
    tx.query_row(
        &format!(
            "SELECT {CODE_COLUMNS} FROM codes
             WHERE login_id = ?1 AND kind = ?2 AND consumed = 0 AND expires_at > ?3
             ORDER BY id DESC LIMIT 1"
        ),
        rusqlite::params![login_id, kind.as_str(), now],
        code_row,
    )
    .optional()
}

/// The live code of `kind` with this hash (magic links are looked up by their token).
pub(crate) fn live_code_by_hash(
    tx: &Connection,
    kind: CodeKind,
    hash: &str,
    now: i64,
) -> rusqlite::Result<Option<PendingCode>> {
    use rusqlite::OptionalExtension;
    tx.query_row(
        &format!(
            "SELECT {CODE_COLUMNS} FROM codes
             WHERE hash = ?1 AND kind = ?2 AND consumed = 0 AND expires_at > ?3"
        ),
        rusqlite::params![hash, kind.as_str(), now],
        code_row,
    )
    .optional()
}

/// Counts a wrong attempt; the code dies at `max_attempts`.
pub(crate) fn code_failed(tx: &Connection, id: i64, max_attempts: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE codes SET attempts = attempts + 1,
         consumed = CASE WHEN attempts + 1 >= ?2 THEN 1 ELSE 0 END WHERE id = ?1",
        rusqlite::params![id, max_attempts],
    )
    .map(|_| ())
}

pub(crate) fn consume_code(tx: &Connection, id: i64) -> rusqlite::Result<()> {
    tx.execute("UPDATE codes SET consumed = 1 WHERE id = ?1", [id])
        .map(|_| ())
}

/// Marks the user's email verified, dropping the password and every session they had before.
pub(crate) fn claim_for_verified_owner(tx: &Connection, user_id: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE users SET verified_email = 1, password_hash = NULL WHERE id = ?1",
        [user_id],
    )?;
    revoke_user_families(tx, user_id, None)
}

//! Storage: SQLite, with a versioned schema. One module per table family; each function takes
//! a connection (or a transaction) and answers rows, never HTTP or Descope shapes.
//!
//! WAL with `synchronous=FULL`, so a committed rotation survives a crash: a rolled-back
//! rotation would resurrect an old refresh token. One connection behind a mutex keeps writes
//! serial; calls run on the blocking pool so fsyncs never stall the async workers.

use std::{
    path::Path,
    sync::{Arc, Mutex},
};

pub(crate) use rusqlite::Connection;

pub(crate) mod access_keys;
pub(crate) mod authz;
pub(crate) mod codes;
mod error;
pub(crate) mod keys;
pub(crate) mod sessions;
pub(crate) mod sign_ins;
pub(crate) mod users;

pub use error::StoreError;

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
    // 3: what the management API reads and writes of a user: status, test users, the rest of
    // Descope's profile, an expired password.
    "ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'enabled';
    ALTER TABLE users ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN verified_phone INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN middle_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN picture TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE users ADD COLUMN password_expired INTEGER NOT NULL DEFAULT 0;",
    // 4: the authorization model (permissions; roles, project-wide or of one tenant, with
    // their permissions; tenants), the tenant a session selected (`dct`), sign-in history, and
    // which users the management API created.
    "CREATE TABLE permissions (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL
    );
    CREATE TABLE roles (
        tenant_id TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        permissions TEXT NOT NULL DEFAULT '[]',
        is_default INTEGER NOT NULL DEFAULT 0,
        is_private INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, name)
    );
    CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        self_provisioning_domains TEXT NOT NULL DEFAULT '[]',
        custom_attributes TEXT NOT NULL DEFAULT '{}',
        enforce_sso INTEGER NOT NULL DEFAULT 0,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    ALTER TABLE refresh_families ADD COLUMN tenant TEXT;
    CREATE TABLE sign_ins (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        ip TEXT NOT NULL
    );
    CREATE INDEX sign_ins_user ON sign_ins(user_id, at);
    ALTER TABLE users ADD COLUMN managed INTEGER NOT NULL DEFAULT 0;",
    // 5: access keys, which machines exchange for session tokens; only a digest of each
    // key's secret is kept.
    "CREATE TABLE access_keys (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'active',
        expires_at INTEGER NOT NULL DEFAULT 0,
        roles TEXT NOT NULL DEFAULT '[]',
        tenants TEXT NOT NULL DEFAULT '{}',
        user_id TEXT NOT NULL DEFAULT '',
        custom_claims TEXT NOT NULL DEFAULT '{}',
        permitted_ips TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL
    );",
    // 6: login IDs beyond a user's first; whether the first was proven, apart from the email
    // (which an email change proves instead); and pending email changes: a code or link sent
    // to a new address for a session, that once proven makes it the user's email (and maybe a
    // login ID). Until now the email was the login ID, so its verification was the login's.
    "CREATE TABLE additional_login_ids (
        login_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id)
    );
    CREATE INDEX additional_login_ids_user ON additional_login_ids(user_id);
    ALTER TABLE users ADD COLUMN login_verified INTEGER NOT NULL DEFAULT 0;
    UPDATE users SET login_verified = verified_email;
    ALTER TABLE codes ADD COLUMN user_id TEXT;
    ALTER TABLE codes ADD COLUMN family_id TEXT;
    ALTER TABLE codes ADD COLUMN kept_amr TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE codes ADD COLUMN new_email TEXT;
    ALTER TABLE codes ADD COLUMN add_login_id INTEGER NOT NULL DEFAULT 0;",
    // 7: when each session began and was last refreshed, for the console; older families take
    // the times of their tokens.
    "ALTER TABLE refresh_families ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE refresh_families ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
    UPDATE refresh_families SET
        created_at = COALESCE(
            (SELECT MIN(issued_at) FROM refresh_tokens t WHERE t.family_id = refresh_families.id), 0),
        last_used_at = COALESCE(
            (SELECT MAX(issued_at) FROM refresh_tokens t WHERE t.family_id = refresh_families.id), 0);",
];

/// Empties every table but the signing keys: the project's users, sessions, codes, sign-in
/// history, authorization model and access keys. Children first, for the foreign keys.
pub(crate) fn clear_project(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "DELETE FROM refresh_tokens;
         DELETE FROM refresh_families;
         DELETE FROM additional_login_ids;
         DELETE FROM codes;
         DELETE FROM sign_ins;
         DELETE FROM access_keys;
         DELETE FROM users;
         DELETE FROM roles;
         DELETE FROM tenants;
         DELETE FROM permissions;",
    )?;
    Ok(())
}

/// Brings the schema up to the newest version, one migration per transaction. Each takes the
/// write lock before it reads the version, so two processes opening one folder (the server
/// and `rotate-key`) apply each migration once.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let Ok(applied) = usize::try_from(version) else {
            return Err(StoreError::Unknown {
                found: version,
                known: MIGRATIONS.len(),
            });
        };
        let Some(migration) = MIGRATIONS.get(applied) else {
            return if applied == MIGRATIONS.len() {
                Ok(())
            } else {
                Err(StoreError::Unknown {
                    found: version,
                    known: MIGRATIONS.len(),
                })
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

    /// Runs `f` on the connection, on the blocking pool.
    pub(crate) async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        self.run(move |conn| f(conn)).await
    }

    /// Runs `f` in a write transaction (taken at once, so writers never deadlock), on the
    /// blocking pool; commits if `f` succeeds and rolls back if it fails.
    pub(crate) async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        self.run(move |conn| in_transaction(conn, f)).await
    }

    /// [`Store::read`] on this thread, blocking it: for start-up, commands, and work already
    /// on the blocking pool.
    pub(crate) fn read_now<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self
            .conn
            .lock()
            .map_err(|_| StoreError::Unavailable("lock poisoned".into()))?;
        f(&conn)
    }

    /// [`Store::write`] on this thread, blocking it: for start-up, commands, and work already
    /// on the blocking pool.
    pub(crate) fn write_now<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| StoreError::Unavailable("lock poisoned".into()))?;
        in_transaction(&mut conn, f)
    }

    async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .map_err(|_| StoreError::Unavailable("lock poisoned".into()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }
}

fn in_transaction<T, E: From<StoreError>>(
    conn: &mut Connection,
    f: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::from)?;
    let value = f(&tx)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(value)
}

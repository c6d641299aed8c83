//! The `users` table.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::StoreError;

/// A user as stored.
#[derive(Clone, Debug, Default)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) login_id: String,
    /// Login IDs beyond the first, each as unique as a first one.
    pub(crate) additional_login_ids: Vec<String>,
    pub(crate) email: String,
    pub(crate) phone: String,
    pub(crate) name: String,
    pub(crate) given_name: String,
    pub(crate) middle_name: String,
    pub(crate) family_name: String,
    pub(crate) picture: String,
    pub(crate) roles: Vec<String>,
    pub(crate) tenants: BTreeMap<String, TenantRoles>,
    pub(crate) custom_attributes: BTreeMap<String, Value>,
    pub(crate) verified_email: bool,
    /// The first login ID was proven by a code or link sent to it (the email may since have
    /// changed, proven on its own).
    pub(crate) login_verified: bool,
    pub(crate) verified_phone: bool,
    pub(crate) status: Status,
    /// Created as a test user: the management API may mint codes and links for them, and
    /// deletes them all at once.
    pub(crate) test: bool,
    pub(crate) has_password: bool,
    /// The password must be replaced before it signs in again.
    pub(crate) password_expired: bool,
    /// Created through the management API rather than by signing up.
    pub(crate) managed: bool,
    pub(crate) created_at: i64,
}

impl User {
    /// Whether the user signs in with `login_id`.
    pub(crate) fn has_login_id(&self, login_id: &str) -> bool {
        self.login_id == login_id || self.additional_login_ids.iter().any(|id| id == login_id)
    }
}

/// Whether a user may sign in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Status {
    #[default]
    Enabled,
    /// Refused at sign-in and at refresh.
    Disabled,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
        }
    }

    fn parse(stored: &str) -> Self {
        if stored == "disabled" {
            Self::Disabled
        } else {
            Self::Enabled
        }
    }
}

/// A user's roles and permissions in one tenant, as their tokens' `tenants` claim carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct TenantRoles {
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
}

const USER_COLUMNS: &str = "id, login_id, email, name, roles, tenants, verified_email, \
     password_hash IS NOT NULL, created_at, status, test, phone, verified_phone, given_name, \
     middle_name, family_name, picture, custom_attributes, password_expired, managed, \
     (SELECT json_group_array(login_id) FROM additional_login_ids WHERE user_id = users.id), \
     login_verified";

fn json_column<T: serde::de::DeserializeOwned + Default>(
    r: &rusqlite::Row<'_>,
    index: usize,
) -> rusqlite::Result<T> {
    let text: String = r.get(index)?;
    Ok(serde_json::from_str(&text).unwrap_or_default())
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let status: String = r.get(9)?;
    Ok(User {
        id: r.get(0)?,
        login_id: r.get(1)?,
        email: r.get(2)?,
        name: r.get(3)?,
        roles: json_column(r, 4)?,
        tenants: json_column(r, 5)?,
        verified_email: r.get(6)?,
        has_password: r.get(7)?,
        created_at: r.get(8)?,
        status: Status::parse(&status),
        test: r.get(10)?,
        phone: r.get(11)?,
        verified_phone: r.get(12)?,
        given_name: r.get(13)?,
        middle_name: r.get(14)?,
        family_name: r.get(15)?,
        picture: r.get(16)?,
        custom_attributes: json_column(r, 17)?,
        password_expired: r.get(18)?,
        managed: r.get(19)?,
        additional_login_ids: json_column(r, 20)?,
        login_verified: r.get(21)?,
    })
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Whether some user signs in with `login_id`.
pub(crate) fn login_taken(conn: &Connection, login_id: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE login_id = ?1)
             OR EXISTS (SELECT 1 FROM additional_login_ids WHERE login_id = ?1)",
        [login_id],
        |r| r.get(0),
    )?)
}

/// Gives the user one more login ID; false (and nothing written) when some user has it.
pub(crate) fn add_login_id(
    conn: &Connection,
    user_id: &str,
    login_id: &str,
) -> Result<bool, StoreError> {
    if login_taken(conn, login_id)? {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO additional_login_ids (login_id, user_id) VALUES (?1, ?2)",
        [login_id, user_id],
    )?;
    Ok(true)
}

/// Adds `user` with its additional login IDs (its `has_password` is taken from
/// `password_hash`); `None`, with nothing written, when one of its login IDs is taken.
pub(crate) fn insert(
    conn: &Connection,
    user: &User,
    password_hash: Option<&str>,
) -> Result<Option<User>, StoreError> {
    for login_id in std::iter::once(&user.login_id).chain(&user.additional_login_ids) {
        if login_taken(conn, login_id)? {
            return Ok(None);
        }
    }
    let inserted = conn.execute(
        "INSERT INTO users (id, login_id, password_hash, created_at, test, email, name, roles,
             tenants, verified_email, status, phone, verified_phone, given_name, middle_name,
             family_name, picture, custom_attributes, password_expired, managed, login_verified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, ?21)",
        rusqlite::params![
            user.id,
            user.login_id,
            password_hash,
            user.created_at,
            user.test,
            user.email,
            user.name,
            to_json(&user.roles),
            to_json(&user.tenants),
            user.verified_email,
            user.status.as_str(),
            user.phone,
            user.verified_phone,
            user.given_name,
            user.middle_name,
            user.family_name,
            user.picture,
            to_json(&user.custom_attributes),
            user.password_expired,
            user.managed,
            user.login_verified,
        ],
    );
    match inserted {
        Ok(_) => {
            for login_id in &user.additional_login_ids {
                if !add_login_id(conn, &user.id, login_id)? {
                    // Listed twice: undo the user, so that nothing is written.
                    delete(conn, &user.id)?;
                    return Ok(None);
                }
            }
            Ok(by_id(conn, &user.id)?)
        }
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Writes every field of `user` that can change, except the password.
pub(crate) fn update(conn: &Connection, user: &User) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET email = ?2, name = ?3, roles = ?4, tenants = ?5, verified_email = ?6,
             status = ?7, phone = ?8, verified_phone = ?9, given_name = ?10, middle_name = ?11,
             family_name = ?12, picture = ?13, custom_attributes = ?14, password_expired = ?15
         WHERE id = ?1",
        rusqlite::params![
            user.id,
            user.email,
            user.name,
            to_json(&user.roles),
            to_json(&user.tenants),
            user.verified_email,
            user.status.as_str(),
            user.phone,
            user.verified_phone,
            user.given_name,
            user.middle_name,
            user.family_name,
            user.picture,
            to_json(&user.custom_attributes),
            user.password_expired,
        ],
    )?;
    Ok(())
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

/// The user who signs in with `login_id` (their first or an additional one) and their
/// password hash.
pub(crate) fn by_login(
    conn: &Connection,
    login_id: &str,
) -> Result<Option<(User, Option<String>)>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {USER_COLUMNS}, password_hash FROM users WHERE login_id = ?1
                 OR id = (SELECT user_id FROM additional_login_ids WHERE login_id = ?1)"
            ),
            [login_id],
            |r| Ok((user_row(r)?, r.get(22)?)),
        )
        .optional()?)
}

/// Every user, oldest first.
pub(crate) fn all(conn: &Connection) -> Result<Vec<User>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY created_at, id"
    ))?;
    let users = statement
        .query_map([], user_row)?
        .collect::<Result<_, _>>()?;
    Ok(users)
}

/// Sets the password; `expired` makes it one that must be replaced before it signs in.
pub(crate) fn set_password(
    conn: &Connection,
    user_id: &str,
    hash: &str,
    expired: bool,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET password_hash = ?2, password_expired = ?3 WHERE id = ?1",
        rusqlite::params![user_id, hash, expired],
    )?;
    Ok(())
}

/// Marks the user's first login ID proven, and their email verified if it is that address.
pub(crate) fn prove_login(conn: &Connection, user_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET login_verified = 1,
             verified_email = CASE WHEN email = login_id THEN 1 ELSE verified_email END
         WHERE id = ?1",
        [user_id],
    )?;
    Ok(())
}

/// Hands the user to whoever just proved their first login ID: the login ID is proven and is
/// their email again, and whatever the account gained before (a password, additional login
/// IDs, pending email changes) is dropped. Sessions are the caller's to end.
pub(crate) fn claim(conn: &Connection, user_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET login_verified = 1, email = login_id, verified_email = 1,
             password_hash = NULL, password_expired = 0
         WHERE id = ?1",
        [user_id],
    )?;
    conn.execute(
        "DELETE FROM additional_login_ids WHERE user_id = ?1",
        [user_id],
    )?;
    conn.execute(
        "UPDATE codes SET consumed = 1 WHERE user_id = ?1",
        [user_id],
    )?;
    Ok(())
}

/// Deletes the user with their sessions, sign-ins and pending codes and links; false if there
/// was none.
pub(crate) fn delete(conn: &Connection, user_id: &str) -> Result<bool, StoreError> {
    conn.execute(
        "DELETE FROM refresh_tokens WHERE family_id IN
             (SELECT id FROM refresh_families WHERE user_id = ?1)",
        [user_id],
    )?;
    conn.execute("DELETE FROM refresh_families WHERE user_id = ?1", [user_id])?;
    conn.execute("DELETE FROM sign_ins WHERE user_id = ?1", [user_id])?;
    conn.execute(
        "DELETE FROM codes WHERE user_id = ?1
             OR login_id = (SELECT login_id FROM users WHERE id = ?1)
             OR login_id IN (SELECT login_id FROM additional_login_ids WHERE user_id = ?1)",
        [user_id],
    )?;
    conn.execute(
        "DELETE FROM additional_login_ids WHERE user_id = ?1",
        [user_id],
    )?;
    Ok(conn.execute("DELETE FROM users WHERE id = ?1", [user_id])? > 0)
}

/// The IDs of every test user.
pub(crate) fn test_user_ids(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement = conn.prepare("SELECT id FROM users WHERE test = 1")?;
    let ids = statement
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// The password hash of every user who has one, by user ID.
pub(crate) fn password_hashes(conn: &Connection) -> Result<BTreeMap<String, String>, StoreError> {
    let mut statement =
        conn.prepare("SELECT id, password_hash FROM users WHERE password_hash IS NOT NULL")?;
    let hashes = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(hashes)
}

//! Users: what a login ID may be, and creating a user.

use super::error::Error;
use crate::{
    storage::{users, Connection},
    support::ids::random_id,
};

pub(crate) use crate::storage::users::{Status, TenantRoles, User};

/// A login ID as the server keeps and compares it. Only [`LoginId::parse`] makes one, so every
/// service can trust that it was checked and lowercased: case variants of one address are one
/// account, and one rate-limit key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoginId(String);

impl LoginId {
    /// Login IDs are emails here, compared case-insensitively: at most 254 bytes, with no space
    /// or control character (which would forge log lines), no invisible formatting character
    /// (which would make look-alike accounts), one `@` and a dotted domain.
    pub(crate) fn parse(login_id: &str) -> Result<Self, Error> {
        normalise(login_id).map(Self)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

fn normalise(login_id: &str) -> Result<String, Error> {
    let login = login_id.trim().to_lowercase();
    let valid = login.len() <= 254
        && !login
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
        && login.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
        });
    if valid {
        Ok(login)
    } else {
        Err(Error::Validation(
            "The login ID must be an email address.".into(),
        ))
    }
}

/// Whether `id` may be a user ID an import brings: at most 64 bytes, with none of the
/// characters a login ID may not hold (they would forge log lines and make look-alikes).
pub(crate) fn valid_user_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
}

/// Zero-width and bidirectional formatting characters, and the soft hyphen: invisible, so two
/// login IDs that differ only by them look the same.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}

/// Creates `user` under `login_id` with a new ID (unless it has one: an imported user keeps
/// theirs) and creation time; its email defaults to the login ID. [`Error::UserExists`] if the login ID is taken.
pub(crate) fn create(
    conn: &Connection,
    login_id: &LoginId,
    user: User,
    password_hash: Option<&str>,
    now: i64,
) -> Result<User, Error> {
    let email = if user.email.is_empty() {
        login_id.as_str().to_owned()
    } else {
        user.email
    };
    let user = User {
        id: if user.id.is_empty() {
            format!("U2{}", random_id(26))
        } else {
            user.id
        },
        login_id: login_id.as_str().to_owned(),
        email,
        created_at: now,
        ..user
    };
    users::insert(conn, &user, password_hash)?.ok_or(Error::UserExists)
}

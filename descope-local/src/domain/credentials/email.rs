//! What one-time codes and magic links share: whom a secret may be sent to, storing it, and
//! signing in the owner of an address once they prove it.

use crate::{
    domain::{
        error::Error,
        sessions::{Sessions, SignedIn},
        users::{self, Profile},
    },
    storage::{
        codes::{self, CodeKind, PendingCode},
        sessions, users as stored_users, Store,
    },
    support::{
        clock::Clock,
        ids::{digest, random_id},
    },
};

/// How long a code or link lives, in seconds.
const SECRET_TTL: i64 = 600;

/// Which users a start may send a code or link to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    /// Sign-up or sign-in.
    Anyone,
    /// Sign-up: a user who exists is told so.
    NewUsers,
    /// Sign-in: for an unknown user, nothing is sent and nothing tells.
    ExistingUsers,
}

/// Stores a secret (by its `hash`) for `login_id` if `audience` allows it, replacing any
/// earlier one of its kind; tells whether it may be sent.
///
/// A sign-in for an unknown user stores a secret no one knows instead, so that it does the
/// same work and answers the same as for a known one: nothing tells them apart.
pub(super) async fn store_secret(
    store: &Store,
    clock: &Clock,
    login_id: &str,
    kind: CodeKind,
    hash: String,
    name: String,
    audience: Audience,
) -> Result<bool, Error> {
    let login = login_id.to_owned();
    let expires_at = clock.now() + SECRET_TTL;
    store
        .write(move |conn| -> Result<_, Error> {
            let exists = stored_users::by_login(conn, &login)?.is_some();
            let (hash, send) = match (audience, exists) {
                (Audience::NewUsers, true) => return Err(Error::UserExists),
                (Audience::ExistingUsers, false) => (digest(&random_id(43)), false),
                _ => (hash, true),
            };
            codes::insert(conn, &login, kind, &hash, name.trim(), expires_at)?;
            Ok(send)
        })
        .await
}

/// Signs in (creating on first use) the owner of a verified email address.
///
/// The first proof of an address that an account was created for without one (a password
/// sign-up) claims the account for the address's owner: a password set before, possibly by
/// someone else waiting for the owner to arrive, is dropped with every session.
pub(super) async fn sign_in_owner(
    store: &Store,
    clock: &Clock,
    sessions: &Sessions,
    pending: PendingCode,
) -> Result<SignedIn, Error> {
    let now = clock.now();
    let (user, first_seen) = store
        .write(move |conn| -> Result<_, Error> {
            if let Some((user, _)) = stored_users::by_login(conn, &pending.login_id)? {
                if !user.verified_email {
                    stored_users::verify_email_dropping_password(conn, &user.id)?;
                    sessions::revoke_user_families(conn, &user.id, None)?;
                }
                let user = stored_users::by_id(conn, &user.id)?.ok_or(Error::InvalidCredentials)?;
                return Ok((user, false));
            }
            let user = users::create(
                conn,
                &pending.login_id,
                &Profile {
                    name: &pending.name,
                    verified_email: true,
                    ..Profile::default()
                },
                now,
            )?;
            Ok((user, true))
        })
        .await?;
    sessions.start(user, vec!["email".into()], first_seen).await
}

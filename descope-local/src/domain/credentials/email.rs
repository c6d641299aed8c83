//! What one-time codes and magic links share: whom a secret may be sent to, storing and
//! sending it, and signing in the owner of an address once they prove it.

use std::{net::IpAddr, sync::Arc};

use crate::{
    domain::{
        error::Error,
        inbox::{mask_email, Inbox, Message},
        limits::Limits,
        sessions::{Sessions, SignedIn},
        users::{self, LoginId, Status, User},
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

/// A code or link on its way: its stored form, and what the message shows.
pub(super) struct Outgoing {
    pub(super) kind: CodeKind,
    /// The stored form (see `support::ids::digest`).
    pub(super) hash: String,
    pub(super) code: Option<String>,
    pub(super) link: Option<String>,
}

/// What codes and links share: the store, the clock, the sign-up budget, the inbox the
/// messages go to, and the sessions a proven address starts.
#[derive(Clone)]
pub(crate) struct Mailer {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) limits: Arc<Limits>,
    pub(crate) inbox: Arc<Inbox>,
    pub(crate) sessions: Sessions,
}

impl Mailer {
    /// Sends `outgoing` to `login_id` if `audience` allows, replacing any earlier secret of
    /// its kind; answers the masked address, the same whether or not anything was sent.
    ///
    /// A sign-in for an unknown user stores a secret no one knows instead, so that it does the
    /// same work and answers the same as for a known one: nothing tells them apart.
    pub(super) async fn send(
        &self,
        login_id: LoginId,
        name: String,
        audience: Audience,
        address: IpAddr,
        outgoing: Outgoing,
    ) -> Result<String, Error> {
        self.limits.sign_up(address)?;
        let expires_at = self.clock.now() + SECRET_TTL;
        let (login, kind) = (login_id.clone(), outgoing.kind);
        let hash = outgoing.hash;
        let send = self
            .store
            .write(move |conn| -> Result<_, Error> {
                let exists = stored_users::by_login(conn, login.as_str())?.is_some();
                let (hash, send) = match (audience, exists) {
                    (Audience::NewUsers, true) => return Err(Error::UserExists),
                    (Audience::ExistingUsers, false) => (digest(&random_id(43)), false),
                    _ => (hash, true),
                };
                codes::insert(conn, login.as_str(), kind, &hash, name.trim(), expires_at)?;
                Ok(send)
            })
            .await?;
        let masked = mask_email(login_id.as_str());
        if send {
            self.inbox.deliver(Message {
                to: login_id.as_str().to_owned(),
                kind: kind.as_str(),
                code: outgoing.code,
                link: outgoing.link,
                sent_at: self.clock.now(),
            });
        }
        Ok(masked)
    }

    /// Stores `outgoing` for the test user `login_id`, replacing any earlier secret of its
    /// kind, and sends nothing: the caller hands the secret back instead (the management API's
    /// test helpers). Only test users get one, as on Descope.
    pub(super) async fn issue_to_test_user(
        &self,
        login_id: LoginId,
        outgoing: Outgoing,
    ) -> Result<(), Error> {
        let expires_at = self.clock.now() + SECRET_TTL;
        self.store
            .write(move |conn| -> Result<_, Error> {
                let (user, _) =
                    stored_users::by_login(conn, login_id.as_str())?.ok_or(Error::UserNotFound)?;
                if !user.test {
                    return Err(Error::Validation(
                        "Codes and links are generated for test users only.".into(),
                    ));
                }
                codes::insert(
                    conn,
                    login_id.as_str(),
                    outgoing.kind,
                    &outgoing.hash,
                    "",
                    expires_at,
                )?;
                Ok(())
            })
            .await
    }

    /// Signs in (creating on first use) the owner of a verified email address.
    ///
    /// The first proof of an address that an account was created for without one (a password
    /// sign-up) claims the account for the address's owner: a password set before, possibly
    /// by someone else waiting for the owner to arrive, is dropped with every session. A user
    /// the management API created keeps theirs: the project vouched for them.
    pub(super) async fn sign_in_owner(
        &self,
        pending: PendingCode,
        address: IpAddr,
    ) -> Result<SignedIn, Error> {
        let now = self.clock.now();
        let (user, first_seen) = self
            .store
            .write(move |conn| -> Result<_, Error> {
                if let Some((user, _)) = stored_users::by_login(conn, &pending.login_id)? {
                    if user.status == Status::Disabled {
                        return Err(Error::UserDisabled);
                    }
                    if !user.verified_email && user.managed {
                        stored_users::verify_email(conn, &user.id)?;
                    } else if !user.verified_email {
                        stored_users::verify_email_dropping_password(conn, &user.id)?;
                        sessions::revoke_user_families(conn, &user.id, None)?;
                    }
                    let user =
                        stored_users::by_id(conn, &user.id)?.ok_or(Error::InvalidCredentials)?;
                    return Ok((user, false));
                }
                // Stored from a login ID, so it parses; parsed again, so the type says so.
                let login_id = LoginId::parse(&pending.login_id)?;
                let user = User {
                    name: pending.name,
                    verified_email: true,
                    ..User::default()
                };
                let user = users::create(conn, &login_id, user, None, now)?;
                Ok((user, true))
            })
            .await?;
        self.sessions
            .start(user, vec!["email".into()], first_seen, address)
            .await
    }
}

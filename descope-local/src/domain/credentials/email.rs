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
        codes::{self, CodeKind, EmailChange, PendingCode},
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

/// An email update: the user's login ID (their session's user must have it), the new address
/// and what its proof does.
pub(crate) struct NewEmail {
    pub(crate) login_id: LoginId,
    pub(crate) email: LoginId,
    /// The new address becomes a login ID too.
    pub(crate) add_login_id: bool,
    /// The new session keeps the asking session's `amr` (Descope's `mfa`).
    pub(crate) keep_amr: bool,
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
                codes::insert(
                    conn,
                    login.as_str(),
                    kind,
                    &hash,
                    name.trim(),
                    expires_at,
                    None,
                )?;
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
                    None,
                )?;
                Ok(())
            })
            .await
    }

    /// Sends `outgoing` to the new address for the user of `change.login_id`, who proves they
    /// are by their session's `refresh_token`: once proven, the address becomes their email
    /// (and maybe one of their login IDs). Answers the masked new address.
    ///
    /// The secret is filed under the login ID, as the user verifies a code with their own
    /// login ID; it replaces any earlier email change there, and lives only as long as the
    /// session that asked for it.
    pub(super) async fn send_email_change(
        &self,
        change: NewEmail,
        refresh_token: Option<&str>,
        address: IpAddr,
        outgoing: Outgoing,
    ) -> Result<String, Error> {
        let NewEmail {
            login_id,
            email: new_email,
            add_login_id,
            keep_amr,
        } = change;
        // Taken before the token is looked at, so a request without one counts as a wrong one.
        let guess = self.limits.guess(None, address)?;
        let token = refresh_token.ok_or(Error::InvalidRefreshToken)?;
        let (family, user) = self.sessions.holder(token).await?;
        let user = user
            .filter(|user| user.has_login_id(login_id.as_str()))
            .ok_or(Error::InvalidRefreshToken)?;
        guess.succeeded();
        self.limits.sign_up(address)?;
        let expires_at = self.clock.now() + SECRET_TTL;
        let change = EmailChange {
            user_id: user.id,
            family_id: family.id,
            new_email: new_email.as_str().to_owned(),
            add_login_id,
            kept_amr: if keep_amr { family.amr } else { Vec::new() },
        };
        let (kind, hash) = (outgoing.kind, outgoing.hash);
        self.store
            .write(move |conn| -> Result<_, Error> {
                if add_login_id && stored_users::login_taken(conn, &change.new_email)? {
                    return Err(Error::UserExists);
                }
                codes::insert(
                    conn,
                    login_id.as_str(),
                    kind,
                    &hash,
                    "",
                    expires_at,
                    Some(&change),
                )?;
                Ok(())
            })
            .await?;
        self.inbox.deliver(Message {
            to: new_email.as_str().to_owned(),
            kind: kind.as_str(),
            code: outgoing.code,
            link: outgoing.link,
            sent_at: self.clock.now(),
        });
        Ok(mask_email(new_email.as_str()))
    }

    /// Completes what a verified code or link was sent for: a sign-in, or an email change.
    pub(super) async fn redeem(
        &self,
        pending: PendingCode,
        address: IpAddr,
    ) -> Result<SignedIn, Error> {
        match pending.email_change {
            Some(change) => self.change_email(change, address).await,
            None => self.sign_in_owner(pending, address).await,
        }
    }

    /// Makes a proven new address the user's email (and maybe a login ID) and signs them in,
    /// if the session that asked for it is still live.
    async fn change_email(&self, change: EmailChange, address: IpAddr) -> Result<SignedIn, Error> {
        let mut amr = change.kept_amr.clone();
        if !amr.iter().any(|method| method == "email") {
            amr.push("email".into());
        }
        let user = self
            .store
            .write(move |conn| -> Result<_, Error> {
                let mut user =
                    stored_users::by_id(conn, &change.user_id)?.ok_or(Error::UserNotFound)?;
                if user.status == Status::Disabled {
                    return Err(Error::UserDisabled);
                }
                if !sessions::family_is_live(conn, &change.family_id)? {
                    return Err(Error::CodeExhausted);
                }
                if change.add_login_id
                    && !user.has_login_id(&change.new_email)
                    && !stored_users::add_login_id(conn, &user.id, &change.new_email)?
                {
                    return Err(Error::UserExists);
                }
                user.email = change.new_email;
                user.verified_email = true;
                stored_users::update(conn, &user)?;
                stored_users::by_id(conn, &user.id)?.ok_or(Error::UserNotFound)
            })
            .await?;
        self.sessions.start(user, amr, false, address).await
    }

    /// Signs in (creating on first use) the owner of a verified email address.
    ///
    /// The first proof of a first login ID that an account was created for without one (a
    /// password sign-up) claims the account for the address's owner: whatever it gained
    /// before, possibly from someone else waiting for the owner to arrive (a password, other
    /// login IDs, an email change, sessions), is dropped. A user the management API created
    /// keeps theirs: the project vouched for them. Additional login IDs were proven (or
    /// vouched for) when added.
    async fn sign_in_owner(
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
                    let proves_first = user.login_id == pending.login_id;
                    if proves_first && !user.login_verified && user.managed {
                        stored_users::prove_login(conn, &user.id)?;
                    } else if proves_first && !user.login_verified {
                        stored_users::claim(conn, &user.id)?;
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
                    login_verified: true,
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

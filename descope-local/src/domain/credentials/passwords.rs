//! Password sign-up, sign-in, replace (proven by the old password) and update (proven by a
//! session).

use std::{net::IpAddr, sync::Arc};

use super::hashing::Hasher;
use crate::{
    domain::{
        error::Error,
        limits::{Limits, Secret},
        sessions::{Sessions, SignedIn},
        users::{self, LoginId, Status, User},
    },
    storage::{sessions, users as stored_users, Store},
    support::clock::Clock,
};

/// Password authentication.
#[derive(Clone)]
pub(crate) struct Passwords {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) hasher: Arc<Hasher>,
    pub(crate) limits: Arc<Limits>,
    pub(crate) sessions: Sessions,
}

impl Passwords {
    /// Creates a user with a password (the address not yet proven) and signs them in.
    pub(crate) async fn sign_up(
        &self,
        login_id: LoginId,
        password: String,
        name: String,
        address: IpAddr,
    ) -> Result<SignedIn, Error> {
        self.hasher.check_policy(&password)?;
        self.limits.sign_up(address)?;
        let hash = self.hasher.hash(password).await?;
        let now = self.clock.now();
        let user = self
            .store
            .write(move |conn| -> Result<_, Error> {
                let user = User {
                    name: name.trim().to_owned(),
                    ..User::default()
                };
                users::create(conn, &login_id, user, Some(&hash), now)
            })
            .await?;
        self.sessions
            .start(user, vec!["pwd".into()], true, address)
            .await
    }

    pub(crate) async fn sign_in(
        &self,
        login_id: &LoginId,
        password: String,
        address: IpAddr,
    ) -> Result<SignedIn, Error> {
        let user = self.check(login_id, password, address).await?;
        if user.password_expired {
            return Err(Error::PasswordExpired);
        }
        self.sessions
            .start(user, vec!["pwd".into()], false, address)
            .await
    }

    /// Sets `new` for the holder of the `old` password. Every session of the account ends; the
    /// answer starts the only one left.
    pub(crate) async fn replace(
        &self,
        login_id: &LoginId,
        old: String,
        new: String,
        address: IpAddr,
    ) -> Result<SignedIn, Error> {
        self.hasher.check_policy(&new)?;
        let user = self.check(login_id, old, address).await?;
        if user.status == Status::Disabled {
            return Err(Error::UserDisabled);
        }
        self.set(&user.id, new, None).await?;
        self.sessions
            .start(user, vec!["pwd".into()], false, address)
            .await
    }

    /// Sets `new` for the user holding the valid `refresh_token`, and ends every other session
    /// of theirs: a stolen refresh token does not outlive the change. Wrong refresh tokens
    /// count against the caller's address only: a limit per named account would let anyone
    /// stop its owner from changing the password.
    pub(crate) async fn update(
        &self,
        login_id: &LoginId,
        new: String,
        refresh_token: Option<&str>,
        address: IpAddr,
    ) -> Result<(), Error> {
        self.hasher.check_policy(&new)?;
        // The guess is taken before the token is looked at, so a request without one counts
        // as a wrong one.
        let guess = self.limits.guess(None, address)?;
        let token = refresh_token.ok_or(Error::InvalidRefreshToken)?;
        let (family, user) = self.sessions.holder(token).await?;
        let user = user
            .filter(|user| user.login_id == login_id.as_str())
            .ok_or(Error::InvalidRefreshToken)?;
        guess.succeeded();
        self.set(&user.id, new, Some(family.id)).await
    }

    /// The user if `password` is theirs. An unknown user and a wrong password get the same
    /// answer after the same amount of work; both count against the rate limits.
    async fn check(
        &self,
        login_id: &LoginId,
        password: String,
        address: IpAddr,
    ) -> Result<User, Error> {
        let guess = self
            .limits
            .guess(Some((Secret::Password, login_id.as_str())), address)?;
        let login = login_id.clone();
        let found = self
            .store
            .read(move |conn| Ok::<_, Error>(stored_users::by_login(conn, login.as_str())?))
            .await?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, None),
        };
        if self.hasher.verify(password, hash).await? {
            guess.succeeded();
            user.ok_or(Error::InvalidCredentials)
        } else {
            Err(Error::InvalidCredentials)
        }
    }

    /// Sets a new password and revokes every session of the user but `keep`, together; if
    /// `keep` was revoked while the password was hashed, changes nothing and answers 401.
    async fn set(
        &self,
        user_id: &str,
        password: String,
        keep: Option<String>,
    ) -> Result<(), Error> {
        let hash = self.hasher.hash(password).await?;
        let id = user_id.to_owned();
        self.store
            .write(move |conn| -> Result<_, Error> {
                if let Some(family) = &keep {
                    if !sessions::family_is_live(conn, family)? {
                        return Err(Error::InvalidRefreshToken);
                    }
                }
                stored_users::set_password(conn, &id, &hash, false)?;
                sessions::revoke_user_families(conn, &id, keep.as_deref())?;
                Ok(())
            })
            .await
    }
}

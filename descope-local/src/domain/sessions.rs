//! Sessions: a refresh-token family per sign-in; refresh with rotation and reuse detection;
//! logout.

use std::sync::Arc;

use super::{
    error::Error,
    tokens::{next_refresh_seconds, NewRefresh, Tokens},
    users::{Status, User},
};
use crate::{
    storage::{
        sessions::{self, Family, Presented},
        users, Store,
    },
    support::{
        clock::Clock,
        ids::{digest, random_id},
    },
};

/// A session just started or refreshed: what Descope's `JWTResponse` carries.
pub(crate) struct SignedIn {
    pub(crate) user: User,
    pub(crate) amr: Vec<String>,
    pub(crate) session_jwt: String,
    pub(crate) session_expiration: i64,
    pub(crate) refresh: NewRefresh,
    /// Seconds the refresh token has left.
    pub(crate) refresh_max_age: i64,
    /// Whether this sign-in created the user.
    pub(crate) first_seen: bool,
    pub(crate) next_refresh_seconds: i64,
}

/// Starts, refreshes and ends sessions.
#[derive(Clone)]
pub(crate) struct Sessions {
    store: Store,
    tokens: Arc<Tokens>,
    clock: Clock,
    /// Lifetime of a family, in seconds: absolute, not extended by rotation.
    refresh_ttl: i64,
    /// Seconds the tokens a rotation replaced stay usable.
    grace: i64,
    /// Whether a refresh replaces the refresh token (with reuse detection), or keeps it until
    /// it expires, as a Descope project does by default.
    rotate: bool,
}

impl Sessions {
    pub(crate) fn new(
        store: Store,
        tokens: Arc<Tokens>,
        clock: Clock,
        refresh_ttl: i64,
        grace: i64,
        rotate: bool,
    ) -> Self {
        Self {
            store,
            tokens,
            clock,
            refresh_ttl,
            grace,
            rotate,
        }
    }

    /// Starts a refresh-token family for `user`, unless they are disabled.
    pub(crate) async fn start(
        &self,
        user: User,
        amr: Vec<String>,
        first_seen: bool,
    ) -> Result<SignedIn, Error> {
        if user.status == Status::Disabled {
            return Err(Error::UserDisabled);
        }
        let this = self.clone();
        self.store
            .write(move |conn| -> Result<_, Error> {
                let now = this.clock.now();
                let family = Family {
                    id: random_id(22),
                    user_id: user.id.clone(),
                    amr,
                    expires_at: now + this.refresh_ttl,
                    generation: 0,
                };
                let refresh = this.tokens.refresh(&user, &family.id, family.expires_at)?;
                sessions::insert_family(conn, &family, &refresh.hash, now)?;
                this.signed_in(user, family.amr, refresh, first_seen)
            })
            .await
    }

    /// Exchanges a refresh token for a new session token, and, with rotation on, a new refresh
    /// token. A token of the current generation starts the next one; a token of the generation
    /// just replaced, within the grace, gets a sibling in the current one (simultaneous
    /// refreshes all succeed and every token they return works); any other reuse revokes the
    /// whole family, since the token was likely stolen. Without rotation the refresh token
    /// answered is the one presented.
    pub(crate) async fn refresh(&self, token: &str) -> Result<SignedIn, Error> {
        let this = self.clone();
        let hash = digest(token);
        let presented_token = token.to_owned();
        self.store
            .write(move |conn| -> Result<_, Error> {
                let now = this.clock.now();
                let (family, token_generation) =
                    match sessions::presented(conn, &hash, now, this.grace)? {
                        Presented::Usable {
                            family,
                            token_generation,
                        } => (family, token_generation),
                        Presented::Reused(family) => {
                            tracing::warn!(family = %family.id, "refresh token reused; revoking its family");
                            sessions::revoke_family(conn, &family.id)?;
                            // Committed: the revocation stands, and the caller is refused.
                            return Ok(Err(Error::InvalidRefreshToken));
                        }
                        Presented::Revoked => return Ok(Err(Error::LoggedOut)),
                        Presented::Invalid => return Ok(Err(Error::InvalidRefreshToken)),
                    };
                let Some(user) = users::by_id(conn, &family.user_id)? else {
                    return Ok(Err(Error::InvalidRefreshToken));
                };
                if user.status == Status::Disabled {
                    return Ok(Err(Error::UserDisabled));
                }
                if !this.rotate {
                    let kept = NewRefresh {
                        token: presented_token,
                        hash,
                        expires_at: family.expires_at,
                    };
                    return Ok(this.signed_in(user, family.amr, kept, false));
                }
                let refresh = this.tokens.refresh(&user, &family.id, family.expires_at)?;
                sessions::rotate(conn, &family, token_generation, &refresh.hash, now)?;
                Ok(this.signed_in(user, family.amr, refresh, false))
            })
            .await?
    }

    /// The family of a refresh token that is current (or within the grace), and its user.
    pub(crate) async fn holder(&self, token: &str) -> Result<(Family, Option<User>), Error> {
        let hash = digest(token);
        let now = self.clock.now();
        let grace = self.grace;
        self.store
            .read(move |conn| -> Result<_, Error> {
                let family = match sessions::presented(conn, &hash, now, grace)? {
                    Presented::Usable { family, .. } => family,
                    Presented::Revoked => return Err(Error::LoggedOut),
                    Presented::Reused(_) | Presented::Invalid => {
                        return Err(Error::InvalidRefreshToken)
                    }
                };
                let user = users::by_id(conn, &family.user_id)?;
                Ok((family, user))
            })
            .await
    }

    /// The user holding a valid refresh token.
    pub(crate) async fn user(&self, token: &str) -> Result<User, Error> {
        let (_, user) = self.holder(token).await?;
        user.ok_or(Error::InvalidRefreshToken)
    }

    /// Ends the token's session, or with `every_session` all sessions of its user.
    pub(crate) async fn end(&self, token: &str, every_session: bool) -> Result<(), Error> {
        let (family, _) = self.holder(token).await?;
        self.store
            .write(move |conn| -> Result<(), Error> {
                if every_session {
                    sessions::revoke_user_families(conn, &family.user_id, None)?;
                } else {
                    sessions::revoke_family(conn, &family.id)?;
                }
                Ok(())
            })
            .await
    }

    fn signed_in(
        &self,
        user: User,
        amr: Vec<String>,
        refresh: NewRefresh,
        first_seen: bool,
    ) -> Result<SignedIn, Error> {
        let (session_jwt, session_expiration) = self.tokens.session(&user, &amr)?;
        Ok(SignedIn {
            refresh_max_age: (refresh.expires_at - self.clock.now()).max(0),
            next_refresh_seconds: next_refresh_seconds(self.tokens.session_ttl()),
            user,
            amr,
            session_jwt,
            session_expiration,
            refresh,
            first_seen,
        })
    }
}

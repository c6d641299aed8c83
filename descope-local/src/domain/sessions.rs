//! Sessions: a refresh-token family per sign-in; refresh with rotation and reuse detection;
//! logout.

use std::{collections::BTreeMap, net::IpAddr, sync::Arc};

use serde_json::{Map, Value};

use super::{
    authz::{grants, tenant_names, Tenant},
    error::Error,
    tokens::{next_refresh_seconds, NewRefresh, Tokens},
    users::{Status, User},
};
use crate::{
    storage::{
        authz,
        sessions::{self, Family, Presented, SessionRecord},
        sign_ins::{self, SignIn},
        users, Connection, Store,
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
    /// Seconds the session token has left.
    pub(crate) session_max_age: i64,
    /// Whether this sign-in created the user.
    pub(crate) first_seen: bool,
    /// The names of the user's tenants, by ID.
    pub(crate) tenant_names: BTreeMap<String, String>,
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

    /// Starts a refresh-token family for `user`, signed in from `address`. The user is read
    /// again in the transaction that starts the session, so one disabled or deleted since
    /// their credential was checked gets no session.
    pub(crate) async fn start(
        &self,
        user: User,
        amr: Vec<String>,
        first_seen: bool,
        address: IpAddr,
    ) -> Result<SignedIn, Error> {
        let this = self.clone();
        self.store
            .write(move |conn| -> Result<_, Error> {
                let user = users::by_id(conn, &user.id)?.ok_or(Error::InvalidCredentials)?;
                if user.status == Status::Disabled {
                    return Err(Error::UserDisabled);
                }
                let now = this.clock.now();
                let family = Family {
                    id: random_id(22),
                    user_id: user.id.clone(),
                    amr,
                    expires_at: now + this.refresh_ttl,
                    generation: 0,
                    tenant: None,
                };
                let refresh = this.tokens.refresh(&user, &family.id, family.expires_at)?;
                sessions::insert_family(conn, &family, &refresh.hash, now)?;
                sign_ins::record(conn, &user.id, now, &address.to_string())?;
                this.signed_in(conn, user, family, refresh, first_seen)
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
        self.refresh_selecting(token, None).await
    }

    /// A refresh whose session selects `tenant`, one of the user's: its tokens carry it as
    /// `dct` from now on.
    pub(crate) async fn select_tenant(
        &self,
        token: &str,
        tenant: String,
    ) -> Result<SignedIn, Error> {
        self.refresh_selecting(token, Some(tenant)).await
    }

    async fn refresh_selecting(
        &self,
        token: &str,
        select: Option<String>,
    ) -> Result<SignedIn, Error> {
        let this = self.clone();
        let hash = digest(token);
        let presented_token = token.to_owned();
        self.store
            .write(move |conn| -> Result<_, Error> {
                let now = this.clock.now();
                let (mut family, token_generation) =
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
                if let Some(tenant) = select {
                    if !user.tenants.contains_key(&tenant) {
                        return Ok(Err(Error::Validation(format!(
                            "The user is not a member of tenant {tenant:?}."
                        ))));
                    }
                    if authz::tenant(conn, &tenant)?.is_some_and(|t| t.disabled) {
                        return Ok(Err(Error::Validation(format!(
                            "Tenant {tenant:?} is disabled."
                        ))));
                    }
                    sessions::select_tenant(conn, &family.id, Some(&tenant))?;
                    family.tenant = Some(tenant);
                } else if family
                    .tenant
                    .as_ref()
                    .is_some_and(|t| !user.tenants.contains_key(t))
                {
                    // The user left the tenant (or it was deleted): the session selects none.
                    sessions::select_tenant(conn, &family.id, None)?;
                    family.tenant = None;
                }
                sessions::touch(conn, &family.id, now)?;
                if !this.rotate {
                    let kept = NewRefresh {
                        token: presented_token,
                        hash,
                        expires_at: family.expires_at,
                    };
                    return Ok(this.signed_in(conn, user, family, kept, false));
                }
                let refresh = this.tokens.refresh(&user, &family.id, family.expires_at)?;
                sessions::rotate(conn, &family, token_generation, &refresh.hash, now)?;
                Ok(this.signed_in(conn, user, family, refresh, false))
            })
            .await?
    }

    /// The user's sessions, newest first (at most 50), live or not.
    pub(crate) async fn of_user(&self, user_id: String) -> Result<Vec<SessionRecord>, Error> {
        self.store
            .read(move |conn| Ok(sessions::families_of(conn, &user_id, 50)?))
            .await
    }

    /// Ends one session of the user; [`Error::NotFound`] if they have none by that ID.
    pub(crate) async fn revoke(&self, user_id: String, family_id: String) -> Result<(), Error> {
        self.store
            .write(
                move |conn| match sessions::revoke_family_of(conn, &user_id, &family_id)? {
                    true => Ok(()),
                    false => Err(Error::NotFound(format!("No session {family_id}."))),
                },
            )
            .await
    }

    /// The family of a refresh token that is current (or within the grace), and its user, who
    /// must not be disabled.
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
                if user.as_ref().is_some_and(|u| u.status == Status::Disabled) {
                    return Err(Error::UserDisabled);
                }
                Ok((family, user))
            })
            .await
    }

    /// The user holding a valid refresh token.
    pub(crate) async fn user(&self, token: &str) -> Result<User, Error> {
        let (_, user) = self.holder(token).await?;
        user.ok_or(Error::InvalidRefreshToken)
    }

    /// `token`, a live session token of this project, with `custom` claims added and, given
    /// `lifetime` seconds (at most a refresh token's lifetime), a new expiry. A token of a
    /// disabled user is refused.
    pub(crate) async fn update_jwt(
        &self,
        token: &str,
        custom: Map<String, Value>,
        lifetime: Option<i64>,
    ) -> Result<String, Error> {
        let claims = self.tokens.live_session_claims(token)?;
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let holder = self
            .store
            .read(move |conn| Ok::<_, Error>(users::by_id(conn, &subject)?))
            .await?;
        if holder.is_some_and(|u| u.status == Status::Disabled) {
            return Err(Error::UserDisabled);
        }
        let lifetime = lifetime.map(|l| l.clamp(0, self.refresh_ttl));
        self.tokens.with_custom_claims(claims, &custom, lifetime)
    }

    /// The sign-ins of the user holding a valid refresh token, newest first.
    pub(crate) async fn history(&self, token: &str) -> Result<(User, Vec<SignIn>), Error> {
        let user = self.user(token).await?;
        self.store
            .read(move |conn| {
                let history = sign_ins::of_user(conn, &user.id)?;
                Ok((user, history))
            })
            .await
    }

    /// Tenants of the user holding a valid refresh token: the one their session selected
    /// (`selected`), or those of `ids` they belong to. A tenant that was never created is
    /// named by its ID.
    pub(crate) async fn tenants(
        &self,
        token: &str,
        selected: bool,
        ids: Vec<String>,
    ) -> Result<Vec<Tenant>, Error> {
        let (family, user) = self.holder(token).await?;
        let user = user.ok_or(Error::InvalidRefreshToken)?;
        let wanted: Vec<String> = if selected {
            family.tenant.into_iter().collect()
        } else {
            ids
        }
        .into_iter()
        .filter(|id| user.tenants.contains_key(id))
        .collect();
        self.store
            .read(move |conn| -> Result<_, Error> {
                wanted
                    .into_iter()
                    .map(|id| {
                        Ok(authz::tenant(conn, &id)?.unwrap_or(Tenant {
                            name: id.clone(),
                            id,
                            ..Tenant::default()
                        }))
                    })
                    .collect()
            })
            .await
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

    /// The answer to a sign-in or refresh: a session token with what the user's roles grant
    /// now and the tenant the session selected.
    fn signed_in(
        &self,
        conn: &Connection,
        user: User,
        family: Family,
        refresh: NewRefresh,
        first_seen: bool,
    ) -> Result<SignedIn, Error> {
        let grants = grants(conn, &user)?;
        let tenant_names = tenant_names(conn, user.tenants.keys())?;
        let (session_jwt, session_expiration) = self.tokens.session(
            &user,
            &family.amr,
            &grants,
            family.tenant.as_deref(),
            refresh.expires_at,
        )?;
        Ok(SignedIn {
            refresh_max_age: (refresh.expires_at - self.clock.now()).max(0),
            session_max_age: (session_expiration - self.clock.now()).max(0),
            next_refresh_seconds: next_refresh_seconds(self.tokens.session_ttl()),
            user,
            amr: family.amr,
            session_jwt,
            session_expiration,
            refresh,
            first_seen,
            tenant_names,
        })
    }
}

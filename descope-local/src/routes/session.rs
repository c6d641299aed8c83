//! Sessions: refresh (with rotation and reuse detection), try-refresh, me, logout, logout-all.

use axum::{
    extract::State,
    routing::{get, post},
    Json, Router,
};
use rusqlite::TransactionBehavior;
use serde_json::{json, Value};

use super::Caller;
use crate::{
    error::ApiError,
    store::{self, Family, Presented, User},
    tokens::{now, token_hash},
    LocalDescope,
};

pub(super) fn router() -> Router<LocalDescope> {
    Router::new()
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/try-refresh", post(try_refresh))
        .route("/v1/auth/me", get(me))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/logoutall", post(logout_all))
}

async fn refresh(
    State(local): State<LocalDescope>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let token = caller.refresh.ok_or(ApiError::InvalidRefreshToken)?;
    local.rotate(token).await.map(Json)
}

/// Like refresh, but a missing or invalid token answers 200 `{}` instead of an error.
async fn try_refresh(
    State(local): State<LocalDescope>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let Some(token) = caller.refresh else {
        return Ok(Json(json!({})));
    };
    match local.rotate(token).await {
        Err(ApiError::InvalidRefreshToken) => Ok(Json(json!({}))),
        other => other.map(Json),
    }
}

async fn me(State(local): State<LocalDescope>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let user = local.refresh_user(&caller).await?;
    Ok(Json(user.to_response()))
}

/// Revokes the refresh token's family: this session ends, others go on.
async fn logout(
    State(local): State<LocalDescope>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    local.revoke(&caller, false).await
}

/// Revokes every family of the token's user: all their sessions end.
async fn logout_all(
    State(local): State<LocalDescope>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    local.revoke(&caller, true).await
}

impl LocalDescope {
    /// Starts a refresh-token family for `user` and answers Descope's JWTResponse.
    pub(crate) async fn sign_in(
        &self,
        user: User,
        amr: Vec<String>,
        first_seen: bool,
    ) -> Result<Value, ApiError> {
        let inner = self.inner.clone();
        self.inner
            .store
            .call(move |conn| {
                let now = now();
                let family = Family {
                    id: crate::keys::random_id(22),
                    user_id: user.id.clone(),
                    amr,
                    expires_at: now + inner.config.refresh_ttl.as_secs() as i64,
                    generation: 0,
                };
                let refresh = inner.refresh_token(&user, &family.id, family.expires_at)?;
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                store::insert_family(&tx, &family, &refresh.hash, now)?;
                tx.commit()?;
                inner.jwt_response(&user, &family.amr, &refresh, first_seen)
            })
            .await
    }

    /// Exchanges a refresh token for a new pair. A token of the current generation starts the
    /// next one; a token of the generation just replaced, within the grace, gets a sibling in
    /// the current one (simultaneous refreshes all succeed and every token they return works);
    /// any other reuse revokes the whole family, since the token was likely stolen.
    async fn rotate(&self, token: String) -> Result<Value, ApiError> {
        let inner = self.inner.clone();
        let hash = token_hash(&token);
        self.inner
            .store
            .call(move |conn| {
                let now = now();
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let grace = inner.config.refresh_grace.as_secs() as i64;
                let (family, token_generation) = match store::presented(&tx, &hash, now, grace)? {
                    Presented::Usable {
                        family,
                        token_generation,
                    } => (family, token_generation),
                    Presented::Reused(family) => {
                        tracing::warn!(family = %family.id, "refresh token reused; revoking its family");
                        store::revoke_family(&tx, &family.id)?;
                        tx.commit()?;
                        return Err(ApiError::InvalidRefreshToken);
                    }
                    Presented::Invalid => return Err(ApiError::InvalidRefreshToken),
                };
                let user = store::user_by_id(&tx, &family.user_id)?.ok_or(ApiError::InvalidRefreshToken)?;
                let refresh = inner.refresh_token(&user, &family.id, family.expires_at)?;
                store::rotate(&tx, &family, token_generation, &refresh.hash, now)?;
                tx.commit()?;
                inner.jwt_response(&user, &family.amr, &refresh, false)
            })
            .await
    }

    /// The family of the caller's refresh token, if it is current (or within the grace).
    pub(crate) async fn presented_family(
        &self,
        caller: &Caller,
    ) -> Result<(Family, Option<User>), ApiError> {
        let token = caller
            .refresh
            .clone()
            .ok_or(ApiError::InvalidRefreshToken)?;
        let grace = self.inner.config.refresh_grace.as_secs() as i64;
        self.inner
            .store
            .call(move |conn| {
                let Presented::Usable { family, .. } =
                    store::presented(conn, &token_hash(&token), now(), grace)?
                else {
                    return Err(ApiError::InvalidRefreshToken);
                };
                let user = store::user_by_id(conn, &family.user_id)?;
                Ok((family, user))
            })
            .await
    }

    async fn revoke(&self, caller: &Caller, every_session: bool) -> Result<Json<Value>, ApiError> {
        let (family, _) = self.presented_family(caller).await?;
        self.inner
            .store
            .call(move |conn| {
                let revoked = if every_session {
                    store::revoke_user_families(conn, &family.user_id, None)
                } else {
                    store::revoke_family(conn, &family.id)
                };
                Ok(revoked?)
            })
            .await?;
        Ok(Json(json!({})))
    }

    /// The user holding the caller's valid refresh token.
    async fn refresh_user(&self, caller: &Caller) -> Result<User, ApiError> {
        let (_, user) = self.presented_family(caller).await?;
        user.ok_or(ApiError::InvalidRefreshToken)
    }
}

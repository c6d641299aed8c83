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

async fn logout(
    State(local): State<LocalDescope>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let (family, _) = local.presented_family(&caller).await?;
    local
        .inner
        .store
        .call(move |conn| Ok(store::revoke_family(conn, &family.id)?))
        .await?;
    Ok(Json(json!({})))
}

async fn logout_all(
    State(local): State<LocalDescope>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let (family, _) = local.presented_family(&caller).await?;
    local
        .inner
        .store
        .call(move |conn| Ok(store::revoke_user_families(conn, &family.user_id)?))
        .await?;
    Ok(Json(json!({})))
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
                let family = Family {
                    id: crate::keys::random_id(22),
                    user_id: user.id.clone(),
                    amr,
                    expires_at: now() + inner.config.refresh_ttl.as_secs() as i64,
                };
                let refresh = inner.refresh_token(&user, &family.id, family.expires_at)?;
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                store::insert_family(&tx, &family, &refresh.hash)?;
                tx.commit()?;
                inner.jwt_response(&user, &family.amr, &refresh, first_seen)
            })
            .await
    }

    /// Exchanges a refresh token for a new pair. The current token rotates; the immediately
    /// previous one may rotate again within the grace window; any other reuse revokes the
    /// whole family, since the token was likely stolen.
    async fn rotate(&self, token: String) -> Result<Value, ApiError> {
        let inner = self.inner.clone();
        let hash = token_hash(&token);
        self.inner
            .store
            .call(move |conn| {
                let now = now();
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let family = match store::presented(&tx, &hash, now)? {
                    Presented::Current(family) => family,
                    Presented::Rotated {
                        family,
                        rotated_at,
                        previous_of_current,
                    } if previous_of_current
                        && now - rotated_at <= inner.config.refresh_grace.as_secs() as i64 =>
                    {
                        family
                    }
                    Presented::Rotated { family, .. } => {
                        tracing::warn!(family = %family.id, "refresh token reused; revoking its family");
                        store::revoke_family(&tx, &family.id)?;
                        tx.commit()?;
                        return Err(ApiError::InvalidRefreshToken);
                    }
                    Presented::Invalid => return Err(ApiError::InvalidRefreshToken),
                };
                let user = store::user_by_id(&tx, &family.user_id)?.ok_or(ApiError::InvalidRefreshToken)?;
                let refresh = inner.refresh_token(&user, &family.id, family.expires_at)?;
                store::rotate(&tx, &family.id, &hash, &refresh.hash, now)?;
                tx.commit()?;
                inner.jwt_response(&user, &family.amr, &refresh, false)
            })
            .await
    }

    /// The family of the caller's refresh token, if it is current (or within the grace).
    async fn presented_family(&self, caller: &Caller) -> Result<(Family, Option<User>), ApiError> {
        let token = caller
            .refresh
            .clone()
            .ok_or(ApiError::InvalidRefreshToken)?;
        let grace = self.inner.config.refresh_grace.as_secs() as i64;
        self.inner
            .store
            .call(move |conn| {
                let now = now();
                let family = match store::presented(conn, &token_hash(&token), now)? {
                    Presented::Current(family) => family,
                    Presented::Rotated {
                        family,
                        rotated_at,
                        previous_of_current,
                    } if previous_of_current && now - rotated_at <= grace => family,
                    _ => return Err(ApiError::InvalidRefreshToken),
                };
                let user = store::user_by_id(conn, &family.user_id)?;
                Ok((family, user))
            })
            .await
    }

    /// The user holding the caller's valid refresh token.
    pub(crate) async fn refresh_user(&self, caller: &Caller) -> Result<User, ApiError> {
        let (_, user) = self.presented_family(caller).await?;
        user.ok_or(ApiError::InvalidRefreshToken)
    }
}

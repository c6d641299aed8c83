//! Sessions: refresh (with rotation and reuse detection), try-refresh, me, logout, logout-all.
//! The rules live in `domain::sessions`.

use axum::{
    extract::State,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use descope::api::{path, JwtResponse, UserResponse};
use serde_json::{json, Value};

use crate::http::responses::{jwt_response, user_response};
use crate::{
    domain::Error,
    http::{
        error::HttpError,
        extract::{Caller, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::REFRESH, post(refresh))
        .route(path::TRY_REFRESH, post(try_refresh))
        .route(path::ME, get(me))
        .route(path::LOGOUT, post(logout))
        .route(path::LOGOUT_ALL, post(logout_all))
}

async fn refresh(
    State(api): State<Shared>,
    caller: Caller,
) -> Result<Json<JwtResponse>, HttpError> {
    let signed_in = api
        .services
        .sessions
        .refresh(caller.refresh_token()?)
        .await?;
    Ok(Json(jwt_response(signed_in)))
}

/// Like refresh, but a missing or invalid token answers 200 `{}` instead of an error.
async fn try_refresh(State(api): State<Shared>, caller: Caller) -> Result<Response, HttpError> {
    let not_signed_in = || Json(json!({})).into_response();
    let Some(token) = caller.refresh else {
        return Ok(not_signed_in());
    };
    match api.services.sessions.refresh(&token).await {
        Ok(signed_in) => Ok(Json(jwt_response(signed_in)).into_response()),
        Err(Error::InvalidRefreshToken | Error::LoggedOut) => Ok(not_signed_in()),
        Err(other) => Err(other.into()),
    }
}

async fn me(State(api): State<Shared>, caller: Caller) -> Result<Json<UserResponse>, HttpError> {
    let user = api.services.sessions.user(caller.refresh_token()?).await?;
    Ok(Json(user_response(&user)))
}

/// Revokes the refresh token's family: this session ends, others go on.
async fn logout(State(api): State<Shared>, caller: Caller) -> Result<Json<Value>, HttpError> {
    api.services
        .sessions
        .end(caller.refresh_token()?, false)
        .await?;
    Ok(Json(json!({})))
}

/// Revokes every family of the token's user: all their sessions end.
async fn logout_all(State(api): State<Shared>, caller: Caller) -> Result<Json<Value>, HttpError> {
    api.services
        .sessions
        .end(caller.refresh_token()?, true)
        .await?;
    Ok(Json(json!({})))
}

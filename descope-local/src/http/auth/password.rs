//! Password authentication: sign-up, sign-in, replace, update, reset and the policy.

use axum::{
    extract::State,
    response::Response,
    routing::{get, post},
    Json, Router,
};
use descope::api::{
    path, PasswordPolicy, PasswordReplace, PasswordReset, PasswordResetSent, PasswordSignIn,
    PasswordSignUp, PasswordUpdate,
};
use serde_json::Value;

use crate::http::responses::nothing;
use crate::{
    domain::{credentials::Audience, users::LoginId},
    http::{
        error::HttpError,
        extract::{required, ApiJson, Caller, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::PASSWORD_SIGN_UP, post(signup))
        .route(path::PASSWORD_SIGN_IN, post(signin))
        .route(path::PASSWORD_REPLACE, post(replace))
        .route(path::PASSWORD_UPDATE, post(update))
        .route(path::PASSWORD_RESET, post(reset))
        .route(path::PASSWORD_POLICY, get(policy))
}

async fn signup(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<PasswordSignUp>,
) -> Result<Response, HttpError> {
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let password = body
        .password
        .ok_or(HttpError::MissingArgument("password"))?;
    let name = body.user.and_then(|u| u.name).unwrap_or_default();
    let signed_in = api
        .services
        .passwords
        .sign_up(login_id, password, name, caller.address)
        .await?;
    Ok(api.delivery.tokens(signed_in))
}

async fn signin(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<PasswordSignIn>,
) -> Result<Response, HttpError> {
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let password = body
        .password
        .ok_or(HttpError::MissingArgument("password"))?;
    let signed_in = api
        .services
        .passwords
        .sign_in(&login_id, password, caller.address)
        .await?;
    Ok(api.delivery.tokens(signed_in))
}

async fn replace(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<PasswordReplace>,
) -> Result<Response, HttpError> {
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let old = body
        .old_password
        .ok_or(HttpError::MissingArgument("oldPassword"))?;
    let new = body
        .new_password
        .ok_or(HttpError::MissingArgument("newPassword"))?;
    let signed_in = api
        .services
        .passwords
        .replace(&login_id, old, new, caller.address)
        .await?;
    Ok(api.delivery.tokens(signed_in))
}

async fn update(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<PasswordUpdate>,
) -> Result<Json<Value>, HttpError> {
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let new = body
        .new_password
        .ok_or(HttpError::MissingArgument("newPassword"))?;
    api.services
        .passwords
        .update(&login_id, new, caller.refresh.as_deref(), caller.address)
        .await?;
    Ok(nothing())
}

/// Sends a magic link to `redirectUrl` to an existing user: verified, it starts a session in
/// which the app sets the new password ([`path::PASSWORD_UPDATE`]). It answers the same
/// whether or not the user exists.
async fn reset(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<PasswordReset>,
) -> Result<Json<PasswordResetSent>, HttpError> {
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let uri = body.redirect_url.as_deref();
    let masked_email = api
        .services
        .links
        .send(
            login_id,
            uri,
            String::new(),
            Audience::ExistingUsers,
            caller.address,
        )
        .await?;
    Ok(Json(PasswordResetSent {
        reset_method: "magiclink".into(),
        masked_email,
    }))
}

async fn policy(State(api): State<Shared>, _caller: Caller) -> Json<PasswordPolicy> {
    let policy = api.services.passwords.hasher.policy();
    Json(PasswordPolicy {
        min_length: policy.min_length,
        lowercase: policy.lowercase,
        uppercase: policy.uppercase,
        number: policy.number,
        non_alphanumeric: policy.non_alphanumeric,
    })
}

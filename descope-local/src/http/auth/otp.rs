//! One-time codes by email: sign-up-or-in, sign-up, sign-in and verify. The rules of codes
//! live in `domain::credentials::codes`.

use axum::{extract::State, routing::post, Json, Router};
use descope::api::{path, CodeStart, CodeVerify, JwtResponse, MaskedEmail};

use super::jwt_response;
use crate::{
    domain::{credentials::Audience, users::normalise_login},
    http::{
        error::HttpError,
        extract::{required, ApiJson, Caller, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::OTP_SIGN_UP_OR_IN, post(signup_in))
        .route(path::OTP_SIGN_UP, post(signup))
        .route(path::OTP_SIGN_IN, post(signin))
        .route(path::OTP_VERIFY, post(verify))
}

async fn signup_in(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<CodeStart>,
) -> Result<Json<MaskedEmail>, HttpError> {
    send(&api, body, caller, Audience::Anyone).await
}

async fn signup(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<CodeStart>,
) -> Result<Json<MaskedEmail>, HttpError> {
    send(&api, body, caller, Audience::NewUsers).await
}

async fn signin(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<CodeStart>,
) -> Result<Json<MaskedEmail>, HttpError> {
    send(&api, body, caller, Audience::ExistingUsers).await
}

async fn send(
    api: &Shared,
    body: CodeStart,
    caller: Caller,
    audience: Audience,
) -> Result<Json<MaskedEmail>, HttpError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let name = body.user.and_then(|u| u.name).unwrap_or_default();
    let masked_email = api
        .services
        .codes
        .send(login_id, name, audience, caller.address)
        .await?;
    Ok(Json(MaskedEmail { masked_email }))
}

async fn verify(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<CodeVerify>,
) -> Result<Json<JwtResponse>, HttpError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let code = required(&body.code, "code")?;
    let signed_in = api
        .services
        .codes
        .verify(login_id, code, caller.address)
        .await?;
    Ok(Json(jwt_response(signed_in)))
}

//! One-time codes by email: sign-up-or-in, sign-up, sign-in, verify and email update. The
//! rules of codes live in `domain::credentials::codes`.

use axum::{
    extract::State,
    response::Response,
    routing::{post, MethodRouter},
    Json, Router,
};
use descope::api::{path, CodeStart, CodeVerify, EmailUpdate, MaskedEmail};

use crate::{
    domain::{credentials::Audience, users::LoginId},
    http::{
        error::HttpError,
        extract::{email_update, required, ApiJson, Caller, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::OTP_SIGN_UP_OR_IN, start(Audience::Anyone))
        .route(path::OTP_SIGN_UP, start(Audience::NewUsers))
        .route(path::OTP_SIGN_IN, start(Audience::ExistingUsers))
        .route(path::OTP_VERIFY, post(verify))
        .route(path::OTP_UPDATE_EMAIL, post(update_email))
}

/// The endpoint that sends a code to `audience`.
fn start(audience: Audience) -> MethodRouter<Shared> {
    post(
        move |State(api): State<Shared>, caller: Caller, ApiJson(body): ApiJson<CodeStart>| async move {
            let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
            let name = body.user.and_then(|u| u.name).unwrap_or_default();
            let masked_email = api
                .services
                .codes
                .send(login_id, name, audience, caller.address)
                .await?;
            Ok::<_, HttpError>(Json(MaskedEmail { masked_email }))
        },
    )
}

async fn verify(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<CodeVerify>,
) -> Result<Response, HttpError> {
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let code = required(&body.code, "code")?;
    let signed_in = api
        .services
        .codes
        .verify(login_id, code, caller.address)
        .await?;
    Ok(api.delivery.tokens(signed_in))
}

/// Sends a code to a new address for the session's user; [`path::OTP_VERIFY`] completes it.
async fn update_email(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<EmailUpdate>,
) -> Result<Json<MaskedEmail>, HttpError> {
    let masked_email = api
        .services
        .codes
        .send_email_change(
            email_update(&body)?,
            caller.refresh.as_deref(),
            caller.address,
        )
        .await?;
    Ok(Json(MaskedEmail { masked_email }))
}

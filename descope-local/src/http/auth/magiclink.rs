//! Magic links by email: sign-up-or-in, sign-in, sign-up, verify and email update. The rules
//! of links live in `domain::credentials::links`.

use axum::{
    extract::State,
    response::Response,
    routing::{post, MethodRouter},
    Json, Router,
};
use descope::api::{path, EmailUpdate, LinkStart, LinkVerify, MaskedEmail};

use crate::{
    domain::{credentials::Audience, users::LoginId},
    http::{
        error::HttpError,
        extract::{email_update, required, ApiJson, Caller, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::MAGIC_LINK_SIGN_UP_OR_IN, start(Audience::Anyone))
        .route(path::MAGIC_LINK_SIGN_IN, start(Audience::ExistingUsers))
        .route(path::MAGIC_LINK_SIGN_UP, start(Audience::NewUsers))
        .route(path::MAGIC_LINK_VERIFY, post(verify))
        .route(path::MAGIC_LINK_UPDATE_EMAIL, post(update_email))
}

/// The endpoint that sends a link to `audience`.
fn start(audience: Audience) -> MethodRouter<Shared> {
    post(
        move |State(api): State<Shared>, caller: Caller, ApiJson(body): ApiJson<LinkStart>| async move {
            let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
            let uri = body.uri.as_deref();
            let name = body.user.and_then(|u| u.name).unwrap_or_default();
            let masked_email = api
                .services
                .links
                .send(login_id, uri, name, audience, caller.address)
                .await?;
            Ok::<_, HttpError>(Json(MaskedEmail { masked_email }))
        },
    )
}

async fn verify(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<LinkVerify>,
) -> Result<Response, HttpError> {
    let token = required(&body.token, "token")?;
    let signed_in = api.services.links.verify(token, caller.address).await?;
    Ok(api.delivery.tokens(signed_in))
}

/// Sends a link to a new address for the session's user; [`path::MAGIC_LINK_VERIFY`]
/// completes it.
async fn update_email(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<EmailUpdate>,
) -> Result<Json<MaskedEmail>, HttpError> {
    let masked_email = api
        .services
        .links
        .send_email_change(
            email_update(&body)?,
            body.uri.as_deref(),
            caller.refresh.as_deref(),
            caller.address,
        )
        .await?;
    Ok(Json(MaskedEmail { masked_email }))
}

//! Magic links by email: sign-up-or-in, sign-in, sign-up and verify. The rules of links live
//! in `domain::credentials::links`.

use axum::{
    extract::State,
    routing::{post, MethodRouter},
    Json, Router,
};
use descope::api::{path, JwtResponse, LinkStart, LinkVerify, MaskedEmail};

use crate::http::responses::jwt_response;
use crate::{
    domain::{credentials::Audience, users::LoginId},
    http::{
        error::HttpError,
        extract::{required, ApiJson, Caller, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::MAGIC_LINK_SIGN_UP_OR_IN, start(Audience::Anyone))
        .route(path::MAGIC_LINK_SIGN_IN, start(Audience::ExistingUsers))
        .route(path::MAGIC_LINK_SIGN_UP, start(Audience::NewUsers))
        .route(path::MAGIC_LINK_VERIFY, post(verify))
}

/// The endpoint that sends a link to `audience`.
fn start(audience: Audience) -> MethodRouter<Shared> {
    post(
        move |State(api): State<Shared>, caller: Caller, ApiJson(body): ApiJson<LinkStart>| async move {
            let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
            let uri = required(&body.uri, "URI")?;
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
) -> Result<Json<JwtResponse>, HttpError> {
    let token = required(&body.token, "token")?;
    let signed_in = api.services.links.verify(token, caller.address).await?;
    Ok(Json(jwt_response(signed_in)))
}

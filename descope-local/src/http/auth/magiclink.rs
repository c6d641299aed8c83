//! Magic links by email: sign-up-or-in, sign-in, sign-up and verify. The rules of links live
//! in `domain::credentials::links`.

use axum::{extract::State, routing::post, Json, Router};
use descope::api::{path, JwtResponse, LinkStart, LinkVerify, MaskedEmail};

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
        .route(path::MAGIC_LINK_SIGN_UP_OR_IN, post(signup_in))
        .route(path::MAGIC_LINK_SIGN_IN, post(signin))
        .route(path::MAGIC_LINK_SIGN_UP, post(signup))
        .route(path::MAGIC_LINK_VERIFY, post(verify))
}

async fn signup_in(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<LinkStart>,
) -> Result<Json<MaskedEmail>, HttpError> {
    send(&api, body, caller, Audience::Anyone).await
}

async fn signin(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<LinkStart>,
) -> Result<Json<MaskedEmail>, HttpError> {
    send(&api, body, caller, Audience::ExistingUsers).await
}

async fn signup(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<LinkStart>,
) -> Result<Json<MaskedEmail>, HttpError> {
    send(&api, body, caller, Audience::NewUsers).await
}

async fn send(
    api: &Shared,
    body: LinkStart,
    caller: Caller,
    audience: Audience,
) -> Result<Json<MaskedEmail>, HttpError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let uri = required(&body.uri, "URI")?;
    let name = body.user.and_then(|u| u.name).unwrap_or_default();
    let masked_email = api
        .services
        .links
        .send(login_id, uri, name, audience, caller.address)
        .await?;
    Ok(Json(MaskedEmail { masked_email }))
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

//! Codes and magic links for test users, answered instead of sent, so a test suite signs in
//! without reading an inbox.

use axum::{extract::State, routing::post, Json, Router};
use descope::api::mgmt::{path, GenerateCode, GenerateLink, GeneratedCode, GeneratedLink};

use crate::{
    domain::users::LoginId,
    http::{
        error::HttpError,
        extract::{required, ApiJson, Manager, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::TEST_GENERATE_OTP, post(generate_code))
        .route(path::TEST_GENERATE_MAGIC_LINK, post(generate_link))
}

/// Only email is delivered here; any other method is refused rather than faked.
fn email_only(method: Option<&str>) -> Result<(), HttpError> {
    match method {
        None | Some("email") => Ok(()),
        Some(other) => Err(HttpError::Unsupported(format!(
            "delivery method {other:?}: the local server delivers by email only"
        ))),
    }
}

async fn generate_code(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<GenerateCode>,
) -> Result<Json<GeneratedCode>, HttpError> {
    email_only(body.delivery_method.as_deref())?;
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let code = api
        .services
        .codes
        .generate_for_test_user(login_id.clone())
        .await?;
    Ok(Json(GeneratedCode {
        login_id: login_id.as_str().to_owned(),
        code,
    }))
}

async fn generate_link(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<GenerateLink>,
) -> Result<Json<GeneratedLink>, HttpError> {
    email_only(body.delivery_method.as_deref())?;
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let uri = body.uri.as_deref();
    let link = api
        .services
        .links
        .generate_for_test_user(login_id.clone(), uri)
        .await?;
    Ok(Json(GeneratedLink {
        login_id: login_id.as_str().to_owned(),
        link,
    }))
}

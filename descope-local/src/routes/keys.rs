//! `GET /v2/keys/<projectId>`: the public signing keys (JWKS).

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};

use crate::{error::ApiError, LocalDescope};

pub(super) fn router() -> Router<LocalDescope> {
    Router::new().route("/v2/keys/{project_id}", get(keys))
}

async fn keys(
    State(local): State<LocalDescope>,
    Path(project_id): Path<String>,
) -> Result<Response, ApiError> {
    if project_id != local.inner.config.project_id {
        return Err(ApiError::NotFound);
    }
    let mut response = Json(local.inner.signer.jwks().clone()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}

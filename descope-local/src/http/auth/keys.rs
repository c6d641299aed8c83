//! `GET /v2/keys/<projectId>`: the public signing keys (JWKS).

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};

use crate::http::{error::HttpError, extract::Shared};

pub(super) fn router() -> Router<Shared> {
    Router::new().route("/v2/keys/{project_id}", get(keys))
}

async fn keys(
    State(api): State<Shared>,
    Path(project_id): Path<String>,
) -> Result<Response, HttpError> {
    if project_id != api.project_id {
        return Err(HttpError::NotFound);
    }
    let mut response = Json(api.services.tokens.jwks()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}

//! A cap on request bodies, enforced before any handler reads one.
//!
//! Server functions read their bodies themselves, so axum's `DefaultBodyLimit` does not reach
//! them and an oversized body would surface as a 500 from inside the function. Buffering here
//! (bodies are small form posts) turns both a declared and a streamed oversize into a 413.

use axum::{
    body::Body,
    extract::Request,
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::LengthLimitError;

use crate::api_error::ApiError;

/// The largest body the app accepts: server-function arguments are a few short fields.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Refuses bodies over [`MAX_BODY_BYTES`] with 413; requests without a body pass untouched.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let streamed = headers.contains_key(header::TRANSFER_ENCODING);
    match declared {
        Some(length) if length > MAX_BODY_BYTES as u64 => {
            return ApiError::TooLarge.into_response()
        }
        Some(0) | None if !streamed => return next.run(request).await,
        _ => {}
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(e) => {
            let error = if e.into_inner().is::<LengthLimitError>() {
                ApiError::TooLarge
            } else {
                ApiError::UnreadableBody
            };
            error.into_response()
        }
    }
}

//! The errors of the app's own HTTP API outside authentication, in the body the
//! authentication errors use ([`ErrorBody`]), so an API client sees one shape.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use descope::extract::ErrorBody;

/// A request the API refuses before any handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiError {
    /// No such API endpoint (404).
    NotFound,
    /// The endpoint exists but not for this method (405; axum adds `Allow`).
    MethodNotAllowed,
    /// The body is over [`crate::body_limit::MAX_BODY_BYTES`] (413).
    TooLarge,
    /// The body could not be read: malformed chunking or the client went away (400).
    UnreadableBody,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, message) = match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "There is no such API endpoint.",
            ),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This endpoint does not accept this method.",
            ),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The request body is too large.",
            ),
            Self::UnreadableBody => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "The request body could not be read.",
            ),
        };
        tracing::info!(status = status.as_u16(), "refused: {message}");
        (status, Json(ErrorBody { error, message })).into_response()
    }
}

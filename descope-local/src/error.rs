//! Errors in Descope's shape: `{"errorCode", "errorDescription", "errorMessage"}`, always JSON.

use std::time::Duration;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use descope::api::ErrorBody;

/// Every way an API call can fail, each with Descope's code and our status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON of the expected shape (400, `E011001`).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A required field is missing or empty (400, `E011002`).
    #[error("missing argument: {0}")]
    MissingArgument(&'static str),
    /// The input breaks a rule, such as the password policy (400, `E011003`).
    #[error("{0}")]
    Validation(String),
    /// The `Authorization` header does not name this project (401, `E011004`).
    #[error("unknown project")]
    UnknownProject,
    /// Sign-up for a login ID that exists (409, `E062107`).
    #[error("user already exists")]
    UserExists,
    /// Wrong login ID or password; deliberately the same for both (401, `E062108`).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The refresh token is missing, unknown, expired or revoked (401, `E061301`).
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// A wrong one-time code (401, `E061102`).
    #[error("wrong code")]
    WrongCode,
    /// Too many wrong codes, or the code expired or was used; also any magic-link token that
    /// is not live (401, `E061103`).
    #[error("the code can no longer be used")]
    CodeExhausted,
    /// Too many attempts (429, `E130429`) with `Retry-After`.
    #[error("rate limited")]
    RateLimited(Duration),
    /// No such route (404, `E011005`).
    #[error("not found")]
    NotFound,
    /// The route exists but not for this method (405, `E011006`, a code of ours).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is larger than any Descope request (413, `E011007`, a code of ours).
    #[error("request body too large")]
    TooLarge,
    /// The request names a host this server does not answer to (421, `E011008`, a code of
    /// ours): see `network`.
    #[error("this server does not answer to that host name")]
    UnknownHost,
    /// The development inbox is for clients on this machine only (403, `E011009`, a code of
    /// ours).
    #[error("the development inbox is only served to this machine")]
    LocalOnly,
    /// A failure of ours; the details are logged, not returned (500, `E011000`).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "E011001", "Bad request"),
            Self::MissingArgument(_) => (StatusCode::BAD_REQUEST, "E011002", "Missing arguments"),
            Self::Validation(_) => (StatusCode::BAD_REQUEST, "E011003", "Request is invalid"),
            Self::UnknownProject => (StatusCode::UNAUTHORIZED, "E011004", "Invalid project"),
            Self::UserExists => (StatusCode::CONFLICT, "E062107", "User already exists"),
            Self::InvalidCredentials => {
                (StatusCode::UNAUTHORIZED, "E062108", "Invalid credentials")
            }
            Self::InvalidRefreshToken => {
                (StatusCode::UNAUTHORIZED, "E061301", "Invalid refresh token")
            }
            Self::WrongCode => (StatusCode::UNAUTHORIZED, "E061102", "Wrong code"),
            Self::CodeExhausted => (StatusCode::UNAUTHORIZED, "E061103", "Too many OTP attempts"),
            Self::RateLimited(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "E130429",
                "Rate limit exceeded",
            ),
            Self::NotFound => (StatusCode::NOT_FOUND, "E011005", "Not found"),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "E011006",
                "Method not allowed",
            ),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "E011007",
                "Request too large",
            ),
            Self::UnknownHost => (StatusCode::MISDIRECTED_REQUEST, "E011008", "Unknown host"),
            Self::LocalOnly => (StatusCode::FORBIDDEN, "E011009", "Local clients only"),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "E011000",
                "Internal error",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, description) = self.parts();
        let message = match &self {
            Self::Internal(detail) => {
                tracing::error!("internal error: {detail}");
                "Something went wrong on the server.".to_owned()
            }
            other => {
                // The code and description only: messages may quote the request (a serde error
                // can echo a field), and requests carry passwords and tokens.
                tracing::info!(status = status.as_u16(), code, "refused: {description}");
                other.to_string()
            }
        };
        let body = ErrorBody {
            error_code: code.to_owned(),
            error_description: description.to_owned(),
            error_message: message,
        };
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited(wait) = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Internal(format!("database: {e}"))
    }
}

//! Refusals in Descope's shape: `{"errorCode", "errorDescription", "errorMessage"}`, always
//! JSON, with the status and code Descope gives each domain error.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use descope::api::{code, ErrorBody};

use crate::domain::Error;

/// Every way an API call can fail: the domain's errors and those of HTTP itself.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    /// The body is not JSON of the expected shape (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A required field is missing or empty (400).
    #[error("missing argument: {0}")]
    MissingArgument(&'static str),
    /// The `Authorization` header does not name this project (401).
    #[error("unknown project")]
    UnknownProject,
    /// No such route (404).
    #[error("not found")]
    NotFound,
    /// The route exists but not for this method (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is larger than any Descope request (413).
    #[error("request body too large")]
    TooLarge,
    /// The request names a host this server does not answer to (421): see `network`.
    #[error("this server does not answer to that host name")]
    UnknownHost,
    /// Something Descope does that the local server does not (400).
    #[error("not supported by the local server: {0}")]
    Unsupported(String),
    /// A management call without the management key (401).
    #[error("a management call needs the project's management key")]
    InvalidManagementKey,
    /// The development inbox and controls are for clients on this machine only (403).
    #[error("the development inbox and controls are only served to this machine")]
    LocalOnly,
    /// A console form sent from another origin, or without the console's token (403).
    #[error("the console takes forms from its own pages only: reload it and try again")]
    ForeignForm,
    /// A fault injected by a developer's test (`/_dev/faults`): 500, 503 or 429.
    #[error("fault injected on purpose (/_dev/faults)")]
    Injected(StatusCode),
    /// The domain refused or failed.
    #[error(transparent)]
    Domain(#[from] Error),
}

impl HttpError {
    /// The status this error answers with.
    pub(crate) fn status(&self) -> StatusCode {
        self.parts().0
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            Self::BadRequest(_) => (S::BAD_REQUEST, code::BAD_REQUEST, "Bad request"),
            Self::MissingArgument(_) => {
                (S::BAD_REQUEST, code::MISSING_ARGUMENTS, "Missing arguments")
            }
            Self::UnknownProject => (S::UNAUTHORIZED, code::INVALID_PROJECT, "Invalid project"),
            Self::NotFound => (S::NOT_FOUND, code::NOT_FOUND, "Not found"),
            Self::MethodNotAllowed => (
                S::METHOD_NOT_ALLOWED,
                code::METHOD_NOT_ALLOWED,
                "Method not allowed",
            ),
            Self::TooLarge => (S::PAYLOAD_TOO_LARGE, code::TOO_LARGE, "Request too large"),
            Self::UnknownHost => (S::MISDIRECTED_REQUEST, code::UNKNOWN_HOST, "Unknown host"),
            Self::LocalOnly => (S::FORBIDDEN, code::LOCAL_ONLY, "Local clients only"),
            Self::ForeignForm => (S::FORBIDDEN, code::LOCAL_ONLY, "Console forms only"),
            Self::Unsupported(_) => (S::BAD_REQUEST, code::INVALID_REQUEST, "Not supported"),
            Self::InvalidManagementKey => (
                S::UNAUTHORIZED,
                code::INVALID_MANAGEMENT_KEY,
                "Invalid management key",
            ),
            Self::Injected(status) if *status == S::TOO_MANY_REQUESTS => {
                (*status, code::RATE_LIMITED, "Rate limit exceeded")
            }
            Self::Injected(status) => (*status, code::INTERNAL, "Internal error"),
            Self::Domain(error) => match error {
                Error::Validation(_) => {
                    (S::BAD_REQUEST, code::INVALID_REQUEST, "Request is invalid")
                }
                Error::NoLinkTarget => {
                    (S::BAD_REQUEST, code::MISSING_ARGUMENTS, "Missing arguments")
                }
                Error::UserExists => (S::CONFLICT, code::USER_EXISTS, "User already exists"),
                Error::NotFound(_) => (S::BAD_REQUEST, code::INVALID_REQUEST, "Not found"),
                Error::Conflict(_) => (S::CONFLICT, code::INVALID_REQUEST, "Already exists"),
                Error::UserNotFound => (S::BAD_REQUEST, code::USER_NOT_FOUND, "User not found"),
                Error::UserDisabled => (S::FORBIDDEN, code::USER_DISABLED, "User is disabled"),
                Error::PasswordExpired => {
                    (S::UNAUTHORIZED, code::PASSWORD_EXPIRED, "Password expired")
                }
                Error::InvalidCredentials => (
                    S::UNAUTHORIZED,
                    code::INVALID_CREDENTIALS,
                    "Invalid credentials",
                ),
                Error::InvalidRefreshToken => (
                    S::UNAUTHORIZED,
                    code::INVALID_REFRESH_TOKEN,
                    "Invalid refresh token",
                ),
                Error::LoggedOut => (S::UNAUTHORIZED, code::LOGGED_OUT, "Token expired by logout"),
                Error::WrongCode => (S::UNAUTHORIZED, code::WRONG_CODE, "Wrong code"),
                Error::CodeExhausted => (
                    S::UNAUTHORIZED,
                    code::CODE_EXHAUSTED,
                    "Too many OTP attempts",
                ),
                Error::RateLimited(_) => (
                    S::TOO_MANY_REQUESTS,
                    code::RATE_LIMITED,
                    "Rate limit exceeded",
                ),
                Error::Internal(_) => (S::INTERNAL_SERVER_ERROR, code::INTERNAL, "Internal error"),
            },
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, code, description) = self.parts();
        let message = match &self {
            Self::Domain(Error::Internal(detail)) => {
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
        let retry_after = match self {
            Self::Domain(Error::RateLimited(wait)) => Some(wait.as_secs().max(1)),
            Self::Injected(s) if s != StatusCode::INTERNAL_SERVER_ERROR => Some(1),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

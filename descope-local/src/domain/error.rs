//! What a domain operation answers when it refuses or fails; the HTTP layer maps each to
//! Descope's status and error code.

use std::time::Duration;

use crate::storage::StoreError;

/// Every way a domain operation can refuse or fail.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// The input breaks a rule, such as the password policy or the login ID's form.
    #[error("{0}")]
    Validation(String),
    /// A magic link was asked for without a URL, and the project sets no default.
    #[error(
        "The request names no URL for the link (URI or redirectUrl), and no default is set \
         (DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL)."
    )]
    NoLinkTarget,
    /// Sign-up for a login ID that exists.
    #[error("user already exists")]
    UserExists,
    /// A management call names a permission, role or tenant that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A management call would create a permission, role or tenant whose name is taken.
    #[error("{0}")]
    Conflict(String),
    /// A management call names a user who does not exist.
    #[error("user not found")]
    UserNotFound,
    /// The user was disabled: no sign-in, no refresh.
    #[error("the user is disabled")]
    UserDisabled,
    /// The password is right but was set as temporary or expired: it must be replaced.
    #[error("the password has expired")]
    PasswordExpired,
    /// Wrong login ID or password; deliberately the same for both.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The refresh token is missing, unknown or expired.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// The refresh token's session was ended: by logout, a password change, reuse detection or
    /// the management API.
    #[error("the session was logged out")]
    LoggedOut,
    /// A wrong one-time code.
    #[error("wrong code")]
    WrongCode,
    /// Too many wrong codes, or the code expired or was used; also any magic-link token that
    /// is not live.
    #[error("the code can no longer be used")]
    CodeExhausted,
    /// Too many attempts; try again after the duration.
    #[error("rate limited")]
    RateLimited(Duration),
    /// A failure of ours; the details are for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Self::Internal(format!("database: {e}"))
    }
}

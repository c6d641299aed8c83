//! Why a token was refused.

use std::time::Duration;

/// The reason a session token is not accepted. Every variant but
/// [`KeysUnavailable`](Self::KeysUnavailable) means the credential itself is bad.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The token is longer than the configured cap.
    #[error("token too large")]
    TooLarge,
    /// Not three strict base64url segments holding JSON objects.
    #[error("malformed token")]
    Malformed,
    /// The header's `alg` is anything but `RS256`.
    #[error("unsupported algorithm")]
    UnsupportedAlgorithm,
    /// The header has no `kid`.
    #[error("missing key id")]
    MissingKeyId,
    /// The header lists critical extensions, none of which we support.
    #[error("critical header extension")]
    CriticalHeader,
    /// A claim is missing or has the wrong type.
    #[error("invalid claims")]
    InvalidClaims,
    /// `drn` is not `DS`: for example a refresh token presented as a session token.
    #[error("not a session token")]
    NotASessionToken,
    /// `iss` does not name the configured project.
    #[error("wrong issuer")]
    WrongIssuer,
    /// `aud` is present and does not contain the project ID.
    #[error("wrong audience")]
    WrongAudience,
    /// `exp` has passed (beyond the leeway).
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not yet valid")]
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    #[error("token issued in the future")]
    IssuedInFuture,
    /// The key set, freshly fetched, has no key with this `kid`.
    #[error("unknown signing key")]
    UnknownKey,
    /// The signature does not verify with the project's key.
    #[error("bad signature")]
    BadSignature,
    /// The key set could not be fetched and the token's key is not cached: the token may be
    /// fine, so the answer is "try again", not "invalid".
    #[error("signing keys unavailable")]
    KeysUnavailable {
        /// When a new fetch will be attempted.
        retry_after: Duration,
    },
}

impl ValidationError {
    /// A short, stable name for the class of failure, safe to show to clients and log.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Expired => "expired_token",
            Self::KeysUnavailable { .. } => "keys_unavailable",
            _ => "invalid_token",
        }
    }
}

/// Why a key set (a JWKS document) cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeySetError {
    /// The document is not JSON of the shape `{"keys": [...]}`.
    #[error("the key set is not JSON of the right shape")]
    Malformed,
    /// The document holds no public RS256 signing key of at least 2048 bits.
    #[error("the key set holds no usable RS256 key")]
    NoUsableKey,
    /// The key endpoint could not be reached or its answer not read.
    #[error("the key set cannot be fetched: {0}")]
    Unreachable(String),
    /// The key endpoint answered with an error status.
    #[error("the key endpoint answered status {0}")]
    Status(u16),
    /// The validator's key set is pinned, so it never fetches one.
    #[error("the key set is pinned")]
    Pinned,
}

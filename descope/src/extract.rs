//! axum extractors and guards for Descope sessions.
//!
//! The token is read from `Authorization: Bearer <token>` only: never from the query string,
//! and never from a cookie, so these extractors are not exposed to CSRF.
//!
//! | extractor | no token | invalid token | keys unavailable | valid, lacks the role |
//! |---|---|---|---|---|
//! | [`Session`] | 401 | 401 `invalid_token` | 503 + `Retry-After` | – |
//! | `Option<`[`Session`]`>` | `None` | `None` | `None` | – |
//! | [`RequireRole`], [`RequirePermission`], [`Require`] | 401 | 401 | 503 | 403 |
//!
//! A 403 body's `error` is `insufficient_role` or `insufficient_permission`; its
//! `WWW-Authenticate` challenge is RFC 6750's `insufficient_scope`.
//!
//! ```no_run
//! use axum::{routing::get, Json, Router};
//! use descope::{extract::{RequireRole, Role, Session}, session::Validator};
//!
//! struct Admin;
//! impl Role for Admin {
//!     const NAME: &'static str = "admin";
//! }
//!
//! async fn me(Session(claims): Session) -> String {
//!     claims.user_id.clone()
//! }
//! async fn admin(_: RequireRole<Admin>) -> &'static str {
//!     "hello, admin"
//! }
//!
//! let validator = Validator::builder("P2abcdefghijklmnopqrstuvwxyz").build();
//! let app: Router = Router::new()
//!     .route("/me", get(me))
//!     .route("/admin", get(admin))
//!     .with_state(validator);
//! ```

use std::{marker::PhantomData, sync::Arc};

use axum::{
    extract::{FromRef, FromRequestParts, OptionalFromRequestParts},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;

use crate::session::{SessionClaims, ValidationError, Validator};

/// Why a request was refused. Its response follows RFC 6750 and never echoes the token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header: 401 with a bare `Bearer` challenge.
    #[error("missing session token")]
    MissingToken,
    /// The header is not `Bearer <token>` with exactly one space: 401 `invalid_token`.
    #[error("malformed authorization header")]
    MalformedHeader,
    /// The token was refused: 401, or 503 when the keys could not be obtained.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The session is valid but lacks a role: 403 `insufficient_role`.
    #[error("missing role {0}")]
    MissingRole(String),
    /// The session is valid but lacks a permission: 403 `insufficient_permission`.
    #[error("missing permission {0}")]
    MissingPermission(String),
}

impl AuthError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(ValidationError::KeysUnavailable { .. }) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::MissingRole(_) | Self::MissingPermission(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// A stable code for the `error` field of the body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::MalformedHeader => "invalid_token",
            Self::Invalid(e) => e.code(),
            Self::MissingRole(_) => "insufficient_role",
            Self::MissingPermission(_) => "insufficient_permission",
        }
    }
}

/// The JSON body of a refusal by the app's own API: `{"error": <stable code>, "message":
/// <a sentence for people>}`. Authentication errors answer it, and apps can answer their other
/// refusals with it, so an API client sees one shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    /// A stable, machine-readable code such as `invalid_token`.
    pub error: &'static str,
    /// What went wrong, in words.
    pub message: &'static str,
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        tracing::debug!(reason = %self, "request refused");
        let status = self.status();
        let body = ErrorBody {
            error: self.code(),
            message: match &self {
                Self::Invalid(ValidationError::Expired) => "The session token has expired.",
                Self::Invalid(ValidationError::KeysUnavailable { .. }) => {
                    "Session keys are temporarily unavailable; try again shortly."
                }
                Self::MissingRole(_) | Self::MissingPermission(_) => {
                    "The session lacks the access this resource needs."
                }
                Self::MissingToken => "A session token is required.",
                _ => "The session token is invalid.",
            },
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        let challenge = match &self {
            Self::MissingToken => Some("Bearer"),
            Self::MalformedHeader => Some(r#"Bearer error="invalid_token""#),
            Self::Invalid(ValidationError::Expired) => {
                Some(r#"Bearer error="invalid_token", error_description="expired""#)
            }
            Self::Invalid(ValidationError::KeysUnavailable { retry_after }) => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after.as_secs().max(1)),
                );
                None
            }
            Self::Invalid(_) => Some(r#"Bearer error="invalid_token""#),
            Self::MissingRole(_) | Self::MissingPermission(_) => {
                Some(r#"Bearer error="insufficient_scope""#)
            }
        };
        if let Some(challenge) = challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

/// The token of an `Authorization: Bearer <token>` header.
///
/// The header is checked in one pass that the compiler vectorises (a session token is about
/// 800 bytes, and every protected request pays for this): visible ASCII and spaces only.
pub fn bearer_token(parts: &Parts) -> Result<&str, AuthError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(AuthError::MissingToken);
    };
    let bytes = value.as_bytes();
    // `fold` instead of `all`: no early exit, so the loop runs on whole vectors.
    if !bytes
        .iter()
        .fold(true, |ok, &b| ok & (b' '..=b'~').contains(&b))
    {
        return Err(AuthError::MalformedHeader);
    }
    let Some(space) = bytes.iter().position(|&b| b == b' ') else {
        return Err(AuthError::MissingToken);
    };
    let (scheme, token) = (&bytes[..space], &bytes[space + 1..]);
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return Err(AuthError::MissingToken);
    }
    if token.is_empty() || token.iter().fold(false, |any, &b| any | (b == b' ')) {
        return Err(AuthError::MalformedHeader);
    }
    std::str::from_utf8(token).map_err(|_| AuthError::MalformedHeader)
}

/// A request with a valid session token; refuses the request otherwise.
#[derive(Clone, Debug)]
pub struct Session(pub Arc<SessionClaims>);

impl Session {
    /// Refuses with 403 unless the user has `role` in `tenant`.
    pub fn require_tenant_role(&self, tenant: &str, role: &str) -> Result<(), AuthError> {
        if self.0.has_tenant_role(tenant, role) {
            Ok(())
        } else {
            Err(AuthError::MissingRole(role.to_owned()))
        }
    }

    /// Refuses with 403 unless the user has `permission` in `tenant`.
    pub fn require_tenant_permission(
        &self,
        tenant: &str,
        permission: &str,
    ) -> Result<(), AuthError> {
        if self.0.has_tenant_permission(tenant, permission) {
            Ok(())
        } else {
            Err(AuthError::MissingPermission(permission.to_owned()))
        }
    }
}

impl<S> FromRequestParts<S> for Session
where
    S: Send + Sync,
    Validator: FromRef<S>,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts)?;
        let claims = Validator::from_ref(state).validate(token).await?;
        Ok(Self(claims))
    }
}

impl<S> OptionalFromRequestParts<S> for Session
where
    S: Send + Sync,
    Validator: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <Self as FromRequestParts<S>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

/// A project-level role, named at compile time for [`RequireRole`].
pub trait Role {
    /// The role's name as it appears in the token's `roles` claim.
    const NAME: &'static str;
}

/// A project-level permission, named at compile time for [`RequirePermission`].
pub trait Permission {
    /// The permission's name as it appears in the token's `permissions` claim.
    const NAME: &'static str;
}

/// What a [`Require`] guard demands of a valid session.
pub trait Requirement {
    /// `Ok` when `claims` meet the requirement, else the 403 to answer.
    fn check(claims: &SessionClaims) -> Result<(), AuthError>;
}

/// The requirement of the project-level role `R`.
pub struct HasRole<R>(PhantomData<R>);

impl<R: Role> Requirement for HasRole<R> {
    fn check(claims: &SessionClaims) -> Result<(), AuthError> {
        if claims.has_role(R::NAME) {
            Ok(())
        } else {
            Err(AuthError::MissingRole(R::NAME.to_owned()))
        }
    }
}

/// The requirement of the project-level permission `P`.
pub struct HasPermission<P>(PhantomData<P>);

impl<P: Permission> Requirement for HasPermission<P> {
    fn check(claims: &SessionClaims) -> Result<(), AuthError> {
        if claims.has_permission(P::NAME) {
            Ok(())
        } else {
            Err(AuthError::MissingPermission(P::NAME.to_owned()))
        }
    }
}

/// A valid session that meets the requirement `Q`; 403 when it does not.
pub struct Require<Q>(pub Arc<SessionClaims>, PhantomData<Q>);

/// A valid session whose user has the role `R`.
pub type RequireRole<R> = Require<HasRole<R>>;

/// A valid session whose user has the permission `P`.
pub type RequirePermission<P> = Require<HasPermission<P>>;

impl<S, Q> FromRequestParts<S> for Require<Q>
where
    S: Send + Sync,
    Validator: FromRef<S>,
    Q: Requirement,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Session(claims) =
            <Session as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        Q::check(&claims)?;
        Ok(Self(claims, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, Request};

    use super::{bearer_token, AuthError};

    fn token_of(header: &[u8]) -> Result<String, AuthError> {
        let mut request = Request::new(());
        let value = HeaderValue::from_bytes(header).unwrap();
        request.headers_mut().insert("authorization", value);
        let (parts, ()) = request.into_parts();
        bearer_token(&parts).map(str::to_owned)
    }

    #[test]
    fn bearer_tokens_are_visible_ascii_after_the_scheme() {
        assert_eq!(token_of(b"Bearer a.b-c_d").unwrap(), "a.b-c_d");
        assert_eq!(token_of(b"bEARER t").unwrap(), "t");
        for missing in [&b"Basic t"[..], b"Bearer", b"Bearert"] {
            assert!(
                matches!(token_of(missing), Err(AuthError::MissingToken)),
                "{missing:?}"
            );
        }
        for malformed in [
            &b"Bearer "[..],
            b"Bearer a b",
            b"Bearer a\tb",
            b"Bearer \xc3\xa9",
        ] {
            assert!(
                matches!(token_of(malformed), Err(AuthError::MalformedHeader)),
                "{malformed:?}"
            );
        }
        let request = Request::new(());
        assert!(matches!(
            bearer_token(&request.into_parts().0),
            Err(AuthError::MissingToken)
        ));
    }
}

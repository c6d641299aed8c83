//! Server-side validation of Descope session tokens.
//!
//! A [`Validator`] checks a token's structure, header and claims, finds its key in the
//! project's key set (`GET <base>/v2/keys/<projectId>`, cached) and verifies the RS256
//! signature. Verified tokens are remembered until they expire, so a repeated token costs one
//! hash-map lookup.

mod claims;
mod error;
mod keys;
mod token;
mod validator;
mod verified;

pub use crate::clock::Clock;
pub use claims::{SessionClaims, TenantClaims};
pub use error::{KeySetError, ValidationError};
pub use validator::{Validator, ValidatorBuilder};

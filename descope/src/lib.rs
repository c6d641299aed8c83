//! A Rust SDK for [Descope](https://www.descope.com).
//!
//! # Layout
//! - [`api`]: the wire contract of Descope's auth API: request and response types, error
//!   codes, and how a project's base URL is derived.
//! - [`clock`]: the time source the validator (and a local server) reads.
//! - [`session`] (feature `session`): validates session JWTs against the project's key set,
//!   with a key cache and a cache of verified tokens.
//! - [`extract`] (feature `axum`): axum extractors and guards answering RFC 6750 errors.
//! - [`browser`] (feature `browser`, for WASM): a client for Descope's auth API over `fetch`.
//!
//! Nothing here knows whether it talks to api.descope.com or to a local, Descope-compatible
//! server: only the base URL differs.

pub mod api;
pub mod clock;

#[cfg(feature = "session")]
pub mod session;

#[cfg(feature = "axum")]
pub mod extract;

#[cfg(feature = "browser")]
pub mod browser;

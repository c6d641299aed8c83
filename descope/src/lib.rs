//! A Rust SDK for [Descope](https://www.descope.com).
//!
//! # Layout
//! - [`api`]: the wire types of Descope's auth API and how a project's base URL is derived.
//! - [`session`] (feature `session`): validates session JWTs against the project's key set,
//!   with a key cache and a cache of verified tokens.
//! - [`extract`] (feature `axum`): axum extractors and guards answering RFC 6750 errors.
//! - [`browser`] (feature `browser`, for WASM): a client for Descope's auth API over `fetch`.
//!
//! Nothing here knows whether it talks to api.descope.com or to a local, Descope-compatible
//! server: only the base URL differs.

pub mod api;

#[cfg(feature = "session")]
pub mod session;

#[cfg(feature = "axum")]
pub mod extract;

#[cfg(feature = "browser")]
pub mod browser;

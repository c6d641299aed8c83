//! Descope's auth API, one module per family.

mod access_key;
mod keys;
mod magiclink;
mod otp;
mod password;
mod session;

use axum::Router;

use super::extract::Shared;

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .merge(password::router())
        .merge(otp::router())
        .merge(magiclink::router())
        .merge(session::router())
        .merge(keys::router())
        .merge(access_key::router())
}

//! The protected API of Descope's Flask sample, plus a role-protected variant.
//!
//! - `GET /get_secret_message`: `{"secret_msg": …}` for a valid session, 401 JSON otherwise.
//! - `GET /get_admin_message`: the same for sessions with the `admin` role; 403 without it.

use app::secret::SECRET_MESSAGE;
use axum::{
    extract::FromRef,
    http::{header, HeaderValue},
    routing::get,
    Json, Router,
};
use descope::{
    extract::{RequireRole, Role, Session},
    session::Validator,
};
use serde::Serialize;
use tower_http::set_header::SetResponseHeaderLayer;

/// The body of a successful answer, shaped as in the Flask sample.
#[derive(Serialize)]
struct SecretMessage {
    secret_msg: &'static str,
}

/// The project-level role `admin`.
pub struct Admin;

impl Role for Admin {
    const NAME: &'static str = "admin";
}

/// What only sessions with the `admin` role may read.
pub const ADMIN_MESSAGE: &str = "This is the admin message. Only admins see it.";

async fn secret_message(_: Session) -> Json<SecretMessage> {
    Json(SecretMessage {
        secret_msg: SECRET_MESSAGE,
    })
}

async fn admin_message(_: RequireRole<Admin>) -> Json<SecretMessage> {
    Json(SecretMessage {
        secret_msg: ADMIN_MESSAGE,
    })
}

/// The secret routes, for any state that holds a [`Validator`].
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Validator: FromRef<S>,
{
    Router::new()
        .route("/get_secret_message", get(secret_message))
        .route("/get_admin_message", get(admin_message))
        // Protected answers must not be stored by browsers or proxies.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

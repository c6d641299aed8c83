//! The protected API of Descope's Flask sample, plus a role-protected variant.
//!
//! - `GET /get_secret_message`: `{"secret_msg": …}` for a valid session, 401 JSON otherwise.
//! - `GET /get_admin_message`: the same for sessions with the `admin` role; 403 without it.

use app::secret::SECRET_MESSAGE;
use axum::{extract::FromRef, http::header, response::IntoResponse, routing::get, Json, Router};
use descope::{
    extract::{AuthError, RequireRole, Role, Session},
    session::Validator,
};
use serde::Serialize;

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

/// Protected answers must not be stored by browsers or proxies (refusals carry it from
/// [`AuthError`] too). Set by each handler rather than a layer: `Router::layer` would box each
/// route once more.
const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

async fn secret_message(session: Result<Session, AuthError>) -> impl IntoResponse {
    let answer = session.map(|_| {
        Json(SecretMessage {
            secret_msg: SECRET_MESSAGE,
        })
    });
    (NO_STORE, answer)
}

async fn admin_message(admin: Result<RequireRole<Admin>, AuthError>) -> impl IntoResponse {
    let answer = admin.map(|_| {
        Json(SecretMessage {
            secret_msg: ADMIN_MESSAGE,
        })
    });
    (NO_STORE, answer)
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
}

//! Descope's management API, for the caller holding the project's management key
//! (`extract::Manager`): users (`users`), permissions, roles and tenants (`authz`), access keys
//! and JWT updates (`access_keys`), codes and links for test users (`test_helpers`), and the
//! license call the Python SDK makes when it is given a key.

mod access_keys;
mod authz;
mod test_helpers;
mod users;

use axum::{routing::get, Json, Router};
use descope::api::mgmt::{path, License};

use super::extract::{Manager, Shared};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::LICENSE, get(license))
        .merge(users::router())
        .merge(authz::router())
        .merge(access_keys::router())
        .merge(test_helpers::router())
}

/// The local server has no plan: it answers as a free project's would.
async fn license(_: Manager) -> Json<License> {
    Json(License {
        rate_limit_tier: "tier1".into(),
    })
}

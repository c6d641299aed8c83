//! Access-key exchange: a machine's key for a session token. The rules live in
//! `domain::management::access_keys`.

use axum::{extract::State, routing::post, Json, Router};
use descope::api::{path, AccessKeyExchange, AccessKeyExchanged};

use crate::http::{
    error::HttpError,
    extract::{ApiJson, KeyHolder, Shared},
};

pub(super) fn router() -> Router<Shared> {
    Router::new().route(path::ACCESS_KEY_EXCHANGE, post(exchange))
}

async fn exchange(
    State(api): State<Shared>,
    holder: KeyHolder,
    ApiJson(body): ApiJson<AccessKeyExchange>,
) -> Result<Json<AccessKeyExchanged>, HttpError> {
    let options = body.login_options.unwrap_or_default();
    let exchanged = api
        .services
        .access_keys
        .exchange(
            &holder.secret,
            holder.address,
            options.custom_claims.unwrap_or_default(),
            options.selected_tenant.filter(|t| !t.trim().is_empty()),
        )
        .await?;
    Ok(Json(AccessKeyExchanged {
        key_id: exchanged.key_id,
        session_jwt: exchanged.session_jwt,
        expiration: exchanged.expiration,
    }))
}

//! Access keys and JWT updates through the management API. The rules live in
//! `domain::management::access_keys` and `domain::sessions`.

use std::net::IpAddr;

use axum::{
    extract::State,
    routing::{get, post},
    Json, Router,
};
use descope::api::mgmt::{
    path, AccessKeyCreated, AccessKeyEnvelope, AccessKeyList, AccessKeyRequest, AccessKeyResponse,
    AccessKeySearch, JwtUpdate, JwtUpdated, TenantRoles as WireTenantRoles,
};
use serde_json::Value;

use crate::{
    domain::{
        management::{access_keys::AccessKey, users::tenants_from},
        Error,
    },
    http::{
        error::HttpError,
        extract::{required, ApiJson, ApiQuery, Manager, Shared},
        responses::nothing,
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::ACCESS_KEY_CREATE, post(create))
        .route(path::ACCESS_KEY_LOAD, get(load))
        .route(path::ACCESS_KEY_SEARCH, post(search))
        .route(path::ACCESS_KEY_UPDATE, post(update))
        .route(path::ACCESS_KEY_ACTIVATE, post(activate))
        .route(path::ACCESS_KEY_DEACTIVATE, post(deactivate))
        .route(path::ACCESS_KEY_DELETE, post(delete))
        .route(path::JWT_UPDATE, post(update_jwt))
}

fn response(key: AccessKey) -> AccessKeyResponse {
    AccessKeyResponse {
        id: key.id,
        name: key.name,
        expire_time: key.expires_at,
        role_names: key.roles,
        key_tenants: key
            .tenants
            .into_iter()
            .map(|(tenant_id, t)| WireTenantRoles {
                tenant_id,
                role_names: t.roles,
            })
            .collect(),
        status: if key.active { "active" } else { "inactive" }.into(),
        created_time: key.created_at,
        created_by: String::new(),
        bound_user_id: key.user_id,
        description: key.description,
        permitted_ips: key.permitted_ips,
        custom_claims: key.custom_claims,
    }
}

/// Refuses what `body` would write that the key cannot hold, before anything is written.
fn check(body: &AccessKeyRequest) -> Result<(), HttpError> {
    let tenants = body.key_tenants.as_deref().unwrap_or_default();
    if tenants.iter().any(|t| t.tenant_id.trim().is_empty()) {
        return Err(HttpError::MissingArgument("keyTenants.tenantId"));
    }
    let ips = body.permitted_ips.as_deref().unwrap_or_default();
    if let Some(bad) = ips.iter().find(|ip| ip.parse::<IpAddr>().is_err()) {
        return Err(HttpError::Domain(Error::Validation(format!(
            "Permitted IPs are single addresses here, not {bad:?}."
        ))));
    }
    Ok(())
}

/// Writes what a [`check`]ed `body` gives onto `key`; what it leaves out stays.
fn apply(key: &mut AccessKey, body: AccessKeyRequest) {
    fn set<T>(field: &mut T, value: Option<T>) {
        if let Some(value) = value {
            *field = value;
        }
    }
    set(&mut key.name, body.name);
    set(&mut key.expires_at, body.expire_time.map(|t| t.max(0)));
    set(&mut key.roles, body.role_names);
    set(
        &mut key.tenants,
        body.key_tenants
            .map(|t| tenants_from(t.into_iter().map(|t| (t.tenant_id, t.role_names)))),
    );
    set(&mut key.user_id, body.user_id);
    set(&mut key.custom_claims, body.custom_claims);
    set(&mut key.description, body.description);
    set(&mut key.permitted_ips, body.permitted_ips);
}

async fn create(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<AccessKeyRequest>,
) -> Result<Json<AccessKeyCreated>, HttpError> {
    required(&body.name, "name")?;
    check(&body)?;
    let mut key = AccessKey::default();
    apply(&mut key, body);
    let (key, cleartext) = api.services.access_keys.create(key).await?;
    Ok(Json(AccessKeyCreated {
        key: response(key),
        cleartext,
    }))
}

/// The `?id=` of a load.
#[derive(serde::Deserialize)]
struct KeyId {
    id: Option<String>,
}

async fn load(
    State(api): State<Shared>,
    _: Manager,
    ApiQuery(query): ApiQuery<KeyId>,
) -> Result<Json<AccessKeyEnvelope>, HttpError> {
    let id = required(&query.id, "id")?.to_owned();
    let key = api.services.access_keys.load(id).await?;
    Ok(Json(AccessKeyEnvelope { key: response(key) }))
}

async fn search(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<AccessKeySearch>,
) -> Result<Json<AccessKeyList>, HttpError> {
    let keys = api
        .services
        .access_keys
        .search(
            body.tenant_ids.unwrap_or_default(),
            body.bound_user_id.filter(|u| !u.is_empty()),
        )
        .await?;
    Ok(Json(AccessKeyList {
        keys: keys.into_iter().map(response).collect(),
    }))
}

async fn update(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<AccessKeyRequest>,
) -> Result<Json<AccessKeyEnvelope>, HttpError> {
    let id = required(&body.id, "id")?.to_owned();
    required(&body.name, "name")?;
    check(&body)?;
    let key = api
        .services
        .access_keys
        .modify(id, move |key| apply(key, body))
        .await?;
    Ok(Json(AccessKeyEnvelope { key: response(key) }))
}

async fn set_active(
    api: &Shared,
    body: AccessKeyRequest,
    active: bool,
) -> Result<Json<Value>, HttpError> {
    let id = required(&body.id, "id")?.to_owned();
    api.services
        .access_keys
        .modify(id, move |key| key.active = active)
        .await?;
    Ok(nothing())
}

async fn activate(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<AccessKeyRequest>,
) -> Result<Json<Value>, HttpError> {
    set_active(&api, body, true).await
}

async fn deactivate(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<AccessKeyRequest>,
) -> Result<Json<Value>, HttpError> {
    set_active(&api, body, false).await
}

async fn delete(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<AccessKeyRequest>,
) -> Result<Json<Value>, HttpError> {
    let id = required(&body.id, "id")?.to_owned();
    api.services.access_keys.delete(id).await?;
    Ok(nothing())
}

/// A live session token with custom claims added, as Descope's JWT update makes it.
async fn update_jwt(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<JwtUpdate>,
) -> Result<Json<JwtUpdated>, HttpError> {
    let jwt = required(&body.jwt, "jwt")?;
    let lifetime = body.refresh_duration.filter(|d| *d > 0);
    let jwt = api
        .services
        .sessions
        .update_jwt(jwt, body.custom_claims.unwrap_or_default(), lifetime)
        .await?;
    Ok(Json(JwtUpdated { jwt }))
}

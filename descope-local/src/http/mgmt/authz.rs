//! Permissions, roles and tenants through the management API. The rules live in
//! `domain::authz`; this module reads Descope's bodies and writes its answers.

use axum::{
    extract::State,
    routing::{get, post},
    Json, Router,
};
use descope::api::mgmt::{
    path, PermissionRequest, PermissionResponse, Permissions, RoleRequest, RoleResponse, Roles,
    TenantCreated, TenantId, TenantRequest, TenantResponse, TenantSearch, Tenants,
};
use serde_json::Value;

use crate::{
    domain::authz::{Role, Tenant},
    http::{
        error::HttpError,
        extract::{required, ApiJson, ApiQuery, Manager, Shared},
        responses::nothing,
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::PERMISSION_CREATE, post(create_permission))
        .route(path::PERMISSION_UPDATE, post(update_permission))
        .route(path::PERMISSION_DELETE, post(delete_permission))
        .route(path::PERMISSION_ALL, get(permissions))
        .route(path::ROLE_CREATE, post(create_role))
        .route(path::ROLE_UPDATE, post(update_role))
        .route(path::ROLE_DELETE, post(delete_role))
        .route(path::ROLE_ALL, get(roles))
        .route(path::TENANT_CREATE, post(create_tenant))
        .route(path::TENANT_UPDATE, post(update_tenant))
        .route(path::TENANT_DELETE, post(delete_tenant))
        .route(path::TENANT_LOAD, get(load_tenant))
        .route(path::TENANT_ALL, get(tenants))
        .route(path::TENANT_SEARCH, post(search_tenants))
}

type Done = Result<Json<Value>, HttpError>;

/// A required name or ID, trimmed.
fn name(value: &Option<String>, field: &'static str) -> Result<String, HttpError> {
    Ok(required(value, field)?.to_owned())
}

async fn create_permission(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<PermissionRequest>,
) -> Done {
    let name = name(&body.name, "name")?;
    api.services
        .authz
        .create_permission(name, body.description.unwrap_or_default())
        .await?;
    Ok(nothing())
}

async fn update_permission(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<PermissionRequest>,
) -> Done {
    let current = name(&body.name, "name")?;
    let new_name = name(&body.new_name, "newName")?;
    api.services
        .authz
        .update_permission(current, new_name, body.description.unwrap_or_default())
        .await?;
    Ok(nothing())
}

async fn delete_permission(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<PermissionRequest>,
) -> Done {
    api.services
        .authz
        .delete_permission(name(&body.name, "name")?)
        .await?;
    Ok(nothing())
}

async fn permissions(
    State(api): State<Shared>,
    _: Manager,
) -> Result<Json<Permissions>, HttpError> {
    let permissions = api.services.authz.permissions().await?;
    Ok(Json(Permissions {
        permissions: permissions
            .into_iter()
            .map(|p| PermissionResponse {
                name: p.name,
                description: p.description,
                system_default: false,
            })
            .collect(),
    }))
}

/// The role a create or update body describes, under `name`.
fn role(name: String, body: RoleRequest) -> Role {
    Role {
        name,
        tenant_id: body.tenant_id.unwrap_or_default().trim().to_owned(),
        description: body.description.unwrap_or_default(),
        permissions: body.permission_names.unwrap_or_default(),
        is_default: body.default.unwrap_or(false),
        is_private: body.private.unwrap_or(false),
        created_at: 0,
    }
}

async fn create_role(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<RoleRequest>,
) -> Done {
    let name = name(&body.name, "name")?;
    api.services.authz.create_role(role(name, body)).await?;
    Ok(nothing())
}

/// Replaces every field of the role, as Descope's update does.
async fn update_role(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<RoleRequest>,
) -> Done {
    let current = name(&body.name, "name")?;
    let new_name = name(&body.new_name, "newName")?;
    api.services
        .authz
        .update_role(current, role(new_name, body))
        .await?;
    Ok(nothing())
}

async fn delete_role(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<RoleRequest>,
) -> Done {
    let name = name(&body.name, "name")?;
    let tenant = body.tenant_id.unwrap_or_default().trim().to_owned();
    api.services.authz.delete_role(tenant, name).await?;
    Ok(nothing())
}

async fn roles(State(api): State<Shared>, _: Manager) -> Result<Json<Roles>, HttpError> {
    let roles = api.services.authz.roles().await?;
    Ok(Json(Roles {
        roles: roles
            .into_iter()
            .map(|r| RoleResponse {
                name: r.name,
                description: r.description,
                permission_names: r.permissions,
                created_time: r.created_at,
                tenant_id: r.tenant_id,
                default: r.is_default,
                private: r.is_private,
            })
            .collect(),
    }))
}

/// The tenant a create or update body describes.
fn tenant(body: TenantRequest) -> Result<Tenant, HttpError> {
    Ok(Tenant {
        name: name(&body.name, "name")?,
        id: body.id.unwrap_or_default().trim().to_owned(),
        self_provisioning_domains: body.self_provisioning_domains.unwrap_or_default(),
        custom_attributes: body.custom_attributes.unwrap_or_default(),
        enforce_sso: body.enforce_sso.unwrap_or(false),
        disabled: body.disabled.unwrap_or(false),
        created_at: 0,
    })
}

fn tenant_response(t: Tenant) -> TenantResponse {
    TenantResponse {
        id: t.id,
        name: t.name,
        self_provisioning_domains: t.self_provisioning_domains,
        custom_attributes: t.custom_attributes,
        created_time: t.created_at,
        enforce_sso: t.enforce_sso,
        disabled: t.disabled,
    }
}

async fn create_tenant(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<TenantRequest>,
) -> Result<Json<TenantCreated>, HttpError> {
    let id = api.services.authz.create_tenant(tenant(body)?).await?;
    Ok(Json(TenantCreated { id }))
}

/// Replaces every field of the tenant, as Descope's update does.
async fn update_tenant(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<TenantRequest>,
) -> Done {
    required(&body.id, "id")?;
    api.services.authz.update_tenant(tenant(body)?).await?;
    Ok(nothing())
}

/// Deletes the tenant with its roles and memberships, with or without `cascade`.
async fn delete_tenant(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<TenantRequest>,
) -> Done {
    api.services
        .authz
        .delete_tenant(name(&body.id, "id")?)
        .await?;
    Ok(nothing())
}

async fn load_tenant(
    State(api): State<Shared>,
    _: Manager,
    ApiQuery(query): ApiQuery<TenantId>,
) -> Result<Json<TenantResponse>, HttpError> {
    let tenant = api.services.authz.tenant(name(&query.id, "id")?).await?;
    Ok(Json(tenant_response(tenant)))
}

async fn tenants(State(api): State<Shared>, _: Manager) -> Result<Json<Tenants>, HttpError> {
    let tenants = api.services.authz.tenants().await?;
    Ok(Json(Tenants {
        tenants: tenants.into_iter().map(tenant_response).collect(),
    }))
}

async fn search_tenants(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<TenantSearch>,
) -> Result<Json<Tenants>, HttpError> {
    let ids = body.tenant_ids.unwrap_or_default();
    let names = body.tenant_names.unwrap_or_default();
    let domains = body.tenant_self_provisioning_domains.unwrap_or_default();
    let attributes = body.custom_attributes.unwrap_or_default();
    let tenants = api.services.authz.tenants().await?;
    Ok(Json(Tenants {
        tenants: tenants
            .into_iter()
            .filter(|t| ids.is_empty() || ids.contains(&t.id))
            .filter(|t| names.is_empty() || names.contains(&t.name))
            .filter(|t| {
                domains.is_empty()
                    || t.self_provisioning_domains
                        .iter()
                        .any(|d| domains.contains(d))
            })
            .filter(|t| {
                attributes
                    .iter()
                    .all(|(k, v)| t.custom_attributes.get(k) == Some(v))
            })
            .map(tenant_response)
            .collect(),
    }))
}

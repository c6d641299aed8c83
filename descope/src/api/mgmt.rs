//! Descope's management API as this project speaks it: the paths, bodies and answers of the
//! calls the official SDKs' management clients make, authorised by
//! `Authorization: Bearer <projectId>:<managementKey>`.
//!
//! Request fields are optional at the JSON level: the Python SDK sends unset fields as `null`
//! and the Node SDK leaves them out, and both mean "not given".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::UserResponse;

/// The paths of the management API, relative to the base URL. Every call answers JSON (`{}`
/// when there is nothing to say): the Node SDK parses every answer.
pub mod path {
    /// `GET` → [`super::License`]. The Python SDK calls it as soon as it is given a key.
    pub const LICENSE: &str = "/v1/mgmt/license";
    /// `POST`: [`super::UserRequest`] → [`super::UserEnvelope`].
    pub const USER_CREATE: &str = "/v1/mgmt/user/create";
    /// `POST`: [`super::UserRequest`] → [`super::UserEnvelope`], a test user.
    pub const USER_CREATE_TEST: &str = "/v1/mgmt/user/create/test";
    /// `POST`: [`super::UserBatch`] → [`super::BatchCreated`].
    pub const USER_CREATE_BATCH: &str = "/v1/mgmt/user/create/batch";
    /// `GET ?loginId=…` or `?userId=…` → [`super::UserEnvelope`].
    pub const USER_LOAD: &str = "/v1/mgmt/user";
    /// `POST`: [`super::UserSearch`] → [`super::UserPage`].
    pub const USER_SEARCH: &str = "/v2/mgmt/user/search";
    /// `POST`: [`super::UserSearch`] → [`super::UserPage`]; the path of older SDKs (Python 1.x).
    pub const USER_SEARCH_V1: &str = "/v1/mgmt/user/search";
    /// `POST`: [`super::UserSearch`] → [`super::UserPage`], test users only.
    pub const USER_SEARCH_TEST: &str = "/v2/mgmt/user/search/test";
    /// `POST`: [`super::UserRequest`] → [`super::UserEnvelope`]; replaces every field.
    pub const USER_UPDATE: &str = "/v1/mgmt/user/update";
    /// `PATCH`: [`super::UserRequest`] → [`super::UserEnvelope`]; changes the fields given.
    pub const USER_PATCH: &str = "/v1/mgmt/user/patch";
    /// `POST`: [`super::UserSelector`] → `{}`. Deleting no one is not an error.
    pub const USER_DELETE: &str = "/v1/mgmt/user/delete";
    /// `DELETE` → `{}`: every test user.
    pub const USER_DELETE_TEST_USERS: &str = "/v1/mgmt/user/test/delete/all";
    /// `POST`: [`super::UserStatus`] → [`super::UserEnvelope`].
    pub const USER_UPDATE_STATUS: &str = "/v1/mgmt/user/update/status";
    /// `POST`: [`super::UserEmail`] → [`super::UserEnvelope`].
    pub const USER_UPDATE_EMAIL: &str = "/v1/mgmt/user/update/email";
    /// `POST`: [`super::UserPhone`] → [`super::UserEnvelope`].
    pub const USER_UPDATE_PHONE: &str = "/v1/mgmt/user/update/phone";
    /// `POST`: [`super::UserPicture`] → [`super::UserEnvelope`].
    pub const USER_UPDATE_PICTURE: &str = "/v1/mgmt/user/update/picture";
    /// `POST`: [`super::UserCustomAttribute`] → [`super::UserEnvelope`].
    pub const USER_UPDATE_CUSTOM_ATTRIBUTE: &str = "/v1/mgmt/user/update/customAttribute";
    /// `POST`: [`super::UserIds`] → [`super::UserList`].
    pub const USERS_LOAD: &str = "/v1/mgmt/users/load";
    /// `POST`: [`super::UserIds`] → `{}`. IDs of no one are no error.
    pub const USER_DELETE_BATCH: &str = "/v1/mgmt/user/delete/batch";
    /// `POST`: [`super::UserRequest`] (the name fields) → [`super::UserEnvelope`].
    pub const USER_UPDATE_NAME: &str = "/v1/mgmt/user/update/name";
    /// `POST`: [`super::UserRoles`] → [`super::UserEnvelope`].
    pub const USER_ROLES_SET: &str = "/v1/mgmt/user/update/role/set";
    /// `POST`: [`super::UserRoles`] → [`super::UserEnvelope`].
    pub const USER_ROLES_ADD: &str = "/v2/mgmt/user/update/role/add";
    /// `POST`: [`super::UserRoles`] → [`super::UserEnvelope`]; the path of older SDKs.
    pub const USER_ROLES_ADD_V1: &str = "/v1/mgmt/user/update/role/add";
    /// `POST`: [`super::UserRoles`] → [`super::UserEnvelope`].
    pub const USER_ROLES_REMOVE: &str = "/v1/mgmt/user/update/role/remove";
    /// `POST`: [`super::UserTenant`] → [`super::UserEnvelope`].
    pub const USER_TENANT_ADD: &str = "/v1/mgmt/user/update/tenant/add";
    /// `POST`: [`super::UserTenant`] → [`super::UserEnvelope`].
    pub const USER_TENANT_REMOVE: &str = "/v1/mgmt/user/update/tenant/remove";
    /// `POST`: [`super::UserPassword`] → `{}`; the password signs in.
    pub const USER_PASSWORD_SET_ACTIVE: &str = "/v1/mgmt/user/password/set/active";
    /// `POST`: [`super::UserPassword`] → `{}`; the password must be replaced at sign-in.
    pub const USER_PASSWORD_SET_TEMPORARY: &str = "/v1/mgmt/user/password/set/temporary";
    /// `POST`: [`super::UserPassword`] → `{}`; the older, temporary form.
    pub const USER_PASSWORD_SET: &str = "/v1/mgmt/user/password/set";
    /// `POST`: [`super::UserSelector`] → `{}`.
    pub const USER_PASSWORD_EXPIRE: &str = "/v1/mgmt/user/password/expire";
    /// `POST`: [`super::UserSelector`] → `{}`: ends every session of the user.
    pub const USER_LOGOUT: &str = "/v1/mgmt/user/logout";
    /// `POST`: [`super::RoleRequest`] → `{}`.
    pub const ROLE_CREATE: &str = "/v1/mgmt/role/create";
    /// `POST`: [`super::RoleRequest`] (with `newName`) → `{}`; replaces every field.
    pub const ROLE_UPDATE: &str = "/v1/mgmt/role/update";
    /// `POST`: [`super::RoleRequest`] (`name`, `tenantId`) → `{}`.
    pub const ROLE_DELETE: &str = "/v1/mgmt/role/delete";
    /// `GET` → [`super::Roles`].
    pub const ROLE_ALL: &str = "/v1/mgmt/role/all";
    /// `POST`: [`super::PermissionRequest`] → `{}`.
    pub const PERMISSION_CREATE: &str = "/v1/mgmt/permission/create";
    /// `POST`: [`super::PermissionRequest`] (with `newName`) → `{}`.
    pub const PERMISSION_UPDATE: &str = "/v1/mgmt/permission/update";
    /// `POST`: [`super::PermissionRequest`] (`name`) → `{}`.
    pub const PERMISSION_DELETE: &str = "/v1/mgmt/permission/delete";
    /// `GET` → [`super::Permissions`].
    pub const PERMISSION_ALL: &str = "/v1/mgmt/permission/all";
    /// `POST`: [`super::TenantRequest`] → [`super::TenantCreated`].
    pub const TENANT_CREATE: &str = "/v1/mgmt/tenant/create";
    /// `POST`: [`super::TenantRequest`] → `{}`; replaces every field.
    pub const TENANT_UPDATE: &str = "/v1/mgmt/tenant/update";
    /// `POST`: [`super::TenantRequest`] (`id`, `cascade`) → `{}`.
    pub const TENANT_DELETE: &str = "/v1/mgmt/tenant/delete";
    /// `GET ?id=…` → [`super::TenantResponse`].
    pub const TENANT_LOAD: &str = "/v1/mgmt/tenant";
    /// `GET` → [`super::Tenants`].
    pub const TENANT_ALL: &str = "/v1/mgmt/tenant/all";
    /// `POST`: [`super::TenantSearch`] → [`super::Tenants`].
    pub const TENANT_SEARCH: &str = "/v1/mgmt/tenant/search";
    /// `POST`: [`super::AccessKeyRequest`] → [`super::AccessKeyCreated`], with the key's
    /// secret, shown this once.
    pub const ACCESS_KEY_CREATE: &str = "/v1/mgmt/accesskey/create";
    /// `GET ?id=…` → [`super::AccessKeyEnvelope`].
    pub const ACCESS_KEY_LOAD: &str = "/v1/mgmt/accesskey";
    /// `POST`: [`super::AccessKeySearch`] → [`super::AccessKeyList`].
    pub const ACCESS_KEY_SEARCH: &str = "/v1/mgmt/accesskey/search";
    /// `POST`: [`super::AccessKeyRequest`] (`id`, `name`, and what changes) →
    /// [`super::AccessKeyEnvelope`].
    pub const ACCESS_KEY_UPDATE: &str = "/v1/mgmt/accesskey/update";
    /// `POST`: [`super::AccessKeyRequest`] (`id`) → `{}`.
    pub const ACCESS_KEY_DEACTIVATE: &str = "/v1/mgmt/accesskey/deactivate";
    /// `POST`: [`super::AccessKeyRequest`] (`id`) → `{}`.
    pub const ACCESS_KEY_ACTIVATE: &str = "/v1/mgmt/accesskey/activate";
    /// `POST`: [`super::AccessKeyRequest`] (`id`) → `{}`.
    pub const ACCESS_KEY_DELETE: &str = "/v1/mgmt/accesskey/delete";
    /// `POST`: [`super::JwtUpdate`] → [`super::JwtUpdated`].
    pub const JWT_UPDATE: &str = "/v1/mgmt/jwt/update";
    /// `POST`: [`super::GenerateCode`] → [`super::GeneratedCode`], for a test user.
    pub const TEST_GENERATE_OTP: &str = "/v1/mgmt/tests/generate/otp";
    /// `POST`: [`super::GenerateLink`] → [`super::GeneratedLink`], for a test user.
    pub const TEST_GENERATE_MAGIC_LINK: &str = "/v1/mgmt/tests/generate/magiclink";
}

/// The answer of [`path::LICENSE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct License {
    /// `tier1` (free) to `tier4` (enterprise); the SDKs echo it in `x-descope-license`.
    pub rate_limit_tier: String,
}

/// A user's membership of a tenant, as requests give it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantRoles {
    /// The tenant's ID.
    pub tenant_id: String,
    /// The user's roles there.
    pub role_names: Vec<String>,
}

/// A user as create, update, patch and batch create take it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRequest {
    /// The login ID (an email address on the local server).
    #[serde(default)]
    pub login_id: Option<String>,
    /// The email address; the login ID when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The display name (answered as `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// The picture's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Project-level roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_names: Option<Vec<String>>,
    /// Tenants, with the user's roles in each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_tenants: Option<Vec<TenantRoles>>,
    /// Custom attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<BTreeMap<String, Value>>,
    /// Whether the email address counts as proven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_email: Option<bool>,
    /// Whether the phone number counts as proven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_phone: Option<bool>,
    /// Whether this is a test user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<bool>,
    /// `enabled` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A first password, in clear (batch create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// A password hashed elsewhere (batch create); the local server refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashed_password: Option<Value>,
    /// Login IDs besides the first (the local server takes them at creation only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_login_ids: Option<Vec<String>>,
    /// Whether to send an invitation; the local server sends none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<bool>,
}

/// [`path::USER_CREATE_BATCH`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBatch {
    /// The users to create.
    #[serde(default)]
    pub users: Vec<UserRequest>,
}

/// The answer of a call about one user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UserEnvelope {
    /// The user as they now are.
    pub user: UserResponse,
}

/// A user a batch could not create, and why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BatchFailure {
    /// Why.
    pub failure: String,
    /// The user as the request gave them.
    pub user: UserResponse,
}

/// The answer of [`path::USER_CREATE_BATCH`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BatchCreated {
    /// The users created.
    pub created_users: Vec<UserResponse>,
    /// The users refused.
    pub failed_users: Vec<BatchFailure>,
    /// Errors not tied to one user.
    pub additional_errors: BTreeMap<String, String>,
}

/// [`path::USER_SEARCH`]: each filter that is given must match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSearch {
    /// Login IDs.
    #[serde(default)]
    pub login_ids: Option<Vec<String>>,
    /// User IDs.
    #[serde(default)]
    pub user_ids: Option<Vec<String>>,
    /// Email addresses.
    #[serde(default)]
    pub emails: Option<Vec<String>>,
    /// Roles, project-wide or in a tenant.
    #[serde(default)]
    pub role_names: Option<Vec<String>>,
    /// Tenants the user belongs to.
    #[serde(default)]
    pub tenant_ids: Option<Vec<String>>,
    /// `enabled`, `disabled`.
    #[serde(default)]
    pub statuses: Option<Vec<String>>,
    /// Text within the login ID, email, name or phone.
    #[serde(default)]
    pub text: Option<String>,
    /// Custom attributes that must have these values.
    #[serde(default)]
    pub custom_attributes: Option<BTreeMap<String, Value>>,
    /// Only test users.
    #[serde(default)]
    pub test_users_only: Option<bool>,
    /// Test users too.
    #[serde(default)]
    pub with_test_user: Option<bool>,
    /// Users per page: at most 100; 0 means 100.
    #[serde(default)]
    pub limit: Option<i64>,
    /// The page, from 0.
    #[serde(default)]
    pub page: Option<i64>,
}

/// The answer of [`path::USER_SEARCH`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UserPage {
    /// The users of the page.
    pub users: Vec<UserResponse>,
    /// How many users match in all.
    pub total: usize,
}

/// Names one user: by login ID, or by user ID.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSelector {
    /// The login ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_id: Option<String>,
    /// The user ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// [`path::USER_UPDATE_STATUS`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStatus {
    /// The login ID.
    #[serde(default)]
    pub login_id: Option<String>,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub status: Option<String>,
}

/// [`path::USER_UPDATE_EMAIL`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserEmail {
    /// The login ID.
    #[serde(default)]
    pub login_id: Option<String>,
    /// The new address.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether it counts as proven.
    #[serde(default)]
    pub verified: Option<bool>,
}

/// [`path::USER_ROLES_SET`] and its siblings: with a tenant, the roles in that tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRoles {
    /// The login ID.
    #[serde(default)]
    pub login_id: Option<String>,
    /// The tenant, for roles in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The roles.
    #[serde(default)]
    pub role_names: Option<Vec<String>>,
}

/// [`path::USER_TENANT_ADD`] and [`path::USER_TENANT_REMOVE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserTenant {
    /// The login ID.
    #[serde(default)]
    pub login_id: Option<String>,
    /// The tenant.
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// [`path::USER_PASSWORD_SET_ACTIVE`] and its siblings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPassword {
    /// The login ID.
    #[serde(default)]
    pub login_id: Option<String>,
    /// The password, in clear.
    #[serde(default)]
    pub password: Option<String>,
    /// Sent by the Python SDK; the path already says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_active: Option<bool>,
}

/// [`path::TEST_GENERATE_OTP`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateCode {
    /// The test user's login ID.
    #[serde(default)]
    pub login_id: Option<String>,
    /// `email` (the only method the local server has).
    #[serde(default)]
    pub delivery_method: Option<String>,
    /// Descope's login options; accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_options: Option<Value>,
}

/// The answer of [`path::TEST_GENERATE_OTP`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedCode {
    /// The test user's login ID.
    pub login_id: String,
    /// The code, as if it had been sent.
    pub code: String,
}

/// [`path::TEST_GENERATE_MAGIC_LINK`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateLink {
    /// The test user's login ID.
    #[serde(default)]
    pub login_id: Option<String>,
    /// `email` (the only method the local server has).
    #[serde(default)]
    pub delivery_method: Option<String>,
    /// Where the link leads; the token is added to it as `t`.
    #[serde(default, rename = "URI")]
    pub uri: Option<String>,
    /// Descope's login options; accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_options: Option<Value>,
}

/// The answer of [`path::TEST_GENERATE_MAGIC_LINK`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedLink {
    /// The test user's login ID.
    pub login_id: String,
    /// The link, as if it had been sent.
    pub link: String,
}

/// A role as create, update and delete take it: of the project, or of `tenantId`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRequest {
    /// The role's name (its current name, for an update).
    #[serde(default)]
    pub name: Option<String>,
    /// The new name (update).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
    /// What the role is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The permissions it grants; each must exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_names: Option<Vec<String>>,
    /// The tenant the role belongs to; none for a project role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Whether new users get the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// Whether the role is hidden from tenant admins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
}

/// A role as [`path::ROLE_ALL`] answers it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleResponse {
    /// The name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// The permissions it grants.
    pub permission_names: Vec<String>,
    /// When it was created (Unix seconds).
    pub created_time: i64,
    /// Its tenant; empty for a project role.
    pub tenant_id: String,
    /// Whether new users get it.
    pub default: bool,
    /// Whether it is hidden from tenant admins.
    pub private: bool,
}

/// The answer of [`path::ROLE_ALL`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    /// Every role.
    pub roles: Vec<RoleResponse>,
}

/// A permission as create, update and delete take it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionRequest {
    /// The name (its current name, for an update).
    #[serde(default)]
    pub name: Option<String>,
    /// The new name (update).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
    /// What it allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A permission as [`path::PERMISSION_ALL`] answers it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PermissionResponse {
    /// The name.
    pub name: String,
    /// What it allows.
    pub description: String,
    /// Whether Descope made it; never here.
    pub system_default: bool,
}

/// The answer of [`path::PERMISSION_ALL`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    /// Every permission.
    pub permissions: Vec<PermissionResponse>,
}

/// A tenant as create, update and delete take it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantRequest {
    /// The ID: given, or made by create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name, unique in the project.
    #[serde(default)]
    pub name: Option<String>,
    /// Email domains whose users join the tenant at sign-up (kept, not acted on here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_provisioning_domains: Option<Vec<String>>,
    /// Custom attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<BTreeMap<String, Value>>,
    /// Whether members must sign in by SSO (kept, not acted on here).
    #[serde(
        default,
        rename = "enforceSSO",
        skip_serializing_if = "Option::is_none"
    )]
    pub enforce_sso: Option<bool>,
    /// Whether the tenant is disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Delete: whether to delete what belongs to the tenant too; its roles and memberships go
    /// either way here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cascade: Option<bool>,
}

/// The answer of [`path::TENANT_CREATE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantCreated {
    /// The tenant's ID.
    pub id: String,
}

/// A tenant as load and load-all answer it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantResponse {
    /// The ID.
    pub id: String,
    /// The name.
    pub name: String,
    /// Email domains whose users join at sign-up.
    pub self_provisioning_domains: Vec<String>,
    /// Custom attributes.
    pub custom_attributes: BTreeMap<String, Value>,
    /// When it was created (Unix seconds).
    pub created_time: i64,
    /// Whether members must sign in by SSO.
    #[serde(rename = "enforceSSO")]
    pub enforce_sso: bool,
    /// Whether the tenant is disabled.
    pub disabled: bool,
}

/// The answer of [`path::TENANT_ALL`] and [`path::TENANT_SEARCH`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tenants {
    /// The tenants.
    pub tenants: Vec<TenantResponse>,
}

/// [`path::TENANT_SEARCH`]: each filter that is given must match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantSearch {
    /// IDs.
    #[serde(default)]
    pub tenant_ids: Option<Vec<String>>,
    /// Names.
    #[serde(default)]
    pub tenant_names: Option<Vec<String>>,
    /// Self-provisioning domains, any of which the tenant has.
    #[serde(default)]
    pub tenant_self_provisioning_domains: Option<Vec<String>>,
    /// Custom attributes the tenant must have, with these values.
    #[serde(default)]
    pub custom_attributes: Option<BTreeMap<String, Value>>,
}

/// The `?id=` of [`path::TENANT_LOAD`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantId {
    /// The tenant's ID.
    #[serde(default)]
    pub id: Option<String>,
}

/// An access key as create and update take it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeyRequest {
    /// The key's ID (update, activate, deactivate, delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it expires (Unix seconds); 0 for never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<i64>,
    /// Project roles its session tokens carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_names: Option<Vec<String>>,
    /// Tenants, with the key's roles in each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_tenants: Option<Vec<TenantRoles>>,
    /// The user the key acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Claims its session tokens carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_claims: Option<BTreeMap<String, Value>>,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Addresses it may be exchanged from; none for any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permitted_ips: Option<Vec<String>>,
}

/// An access key as the management API answers it; never its secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessKeyResponse {
    /// The ID (the `sub` of its session tokens).
    pub id: String,
    /// The name.
    pub name: String,
    /// When it expires (Unix seconds); 0 for never.
    pub expire_time: i64,
    /// Project roles.
    pub role_names: Vec<String>,
    /// Tenants, with the key's roles in each.
    pub key_tenants: Vec<TenantRoles>,
    /// `active` or `inactive`.
    pub status: String,
    /// When it was created (Unix seconds).
    pub created_time: i64,
    /// Who created it (the management key, here: empty).
    pub created_by: String,
    /// The user it acts for.
    pub bound_user_id: String,
    /// What it is for.
    pub description: String,
    /// Addresses it may be exchanged from.
    pub permitted_ips: Vec<String>,
    /// Claims its session tokens carry.
    pub custom_claims: BTreeMap<String, Value>,
}

/// The answer of [`path::ACCESS_KEY_CREATE`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessKeyCreated {
    /// The key.
    pub key: AccessKeyResponse,
    /// Its secret, for `Authorization: Bearer <projectId>:<secret>`; not kept by the server.
    pub cleartext: String,
}

/// The answer about one access key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessKeyEnvelope {
    /// The key.
    pub key: AccessKeyResponse,
}

/// [`path::ACCESS_KEY_SEARCH`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeySearch {
    /// Keys in any of these tenants; none for every key.
    #[serde(default)]
    pub tenant_ids: Option<Vec<String>>,
    /// Keys that act for this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound_user_id: Option<String>,
}

/// The answer of [`path::ACCESS_KEY_SEARCH`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessKeyList {
    /// The keys.
    pub keys: Vec<AccessKeyResponse>,
}

/// [`path::JWT_UPDATE`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtUpdate {
    /// A live session token of the project.
    #[serde(default)]
    pub jwt: Option<String>,
    /// Claims to add; Descope's own claims are left as they are.
    #[serde(default)]
    pub custom_claims: Option<serde_json::Map<String, Value>>,
    /// Seconds the new token lives from now; 0 or none keeps the token's expiry.
    #[serde(default)]
    pub refresh_duration: Option<i64>,
}

/// The answer of [`path::JWT_UPDATE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtUpdated {
    /// The token with the claims added.
    pub jwt: String,
}

/// [`path::USER_UPDATE_PHONE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPhone {
    /// The login ID (or user ID).
    #[serde(default)]
    pub login_id: Option<String>,
    /// The new number; none or empty clears it.
    #[serde(default)]
    pub phone: Option<String>,
    /// Whether it counts as proven.
    #[serde(default)]
    pub verified: Option<bool>,
}

/// [`path::USER_UPDATE_PICTURE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPicture {
    /// The login ID (or user ID).
    #[serde(default)]
    pub login_id: Option<String>,
    /// The picture's URL; none or empty clears it.
    #[serde(default)]
    pub picture: Option<String>,
}

/// [`path::USER_UPDATE_CUSTOM_ATTRIBUTE`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCustomAttribute {
    /// The login ID (or user ID).
    #[serde(default)]
    pub login_id: Option<String>,
    /// The attribute.
    #[serde(default)]
    pub attribute_key: Option<String>,
    /// Its new value.
    #[serde(default)]
    pub attribute_value: Option<Value>,
}

/// [`path::USERS_LOAD`] and [`path::USER_DELETE_BATCH`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIds {
    /// The users' IDs.
    #[serde(default)]
    pub user_ids: Option<Vec<String>>,
    /// Load: whether disabled users are included (they are, here, either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_invalid_users: Option<bool>,
}

/// The answer of [`path::USERS_LOAD`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UserList {
    /// The users found, in the order asked; unknown IDs are left out.
    pub users: Vec<UserResponse>,
}

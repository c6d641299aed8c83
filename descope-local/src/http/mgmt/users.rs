//! Users through the management API: create (one, a test user, a batch), load, search,
//! update and patch, status, roles and tenants, passwords, logout and delete. The rules live in
//! `domain::management::users`; this module reads Descope's bodies and writes its answers.

use std::collections::BTreeMap;

use axum::{
    extract::State,
    routing::{delete, get, patch, post},
    Json, Router,
};
use descope::api::{
    mgmt::{
        path, BatchCreated, BatchFailure, UserBatch, UserCustomAttribute, UserEmail, UserEnvelope,
        UserIds, UserList, UserPage, UserPassword, UserPhone, UserPicture, UserRequest, UserRoles,
        UserSearch, UserSelector, UserStatus, UserTenant,
    },
    UserResponse,
};
use serde_json::Value;

use crate::{
    domain::{
        management::users::{tenants_from, Filter, RoleChange, TestUsers, UserRef},
        users::{LoginId, Status, TenantRoles, User},
        Error,
    },
    http::{
        error::HttpError,
        extract::{required, ApiJson, ApiQuery, Manager, Shared},
        responses::{nothing, user_response},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::USER_CREATE, post(create))
        .route(path::USER_CREATE_TEST, post(create_test_user))
        .route(path::USER_CREATE_BATCH, post(create_batch))
        .route(path::USER_LOAD, get(load))
        .route(path::USER_SEARCH, post(search))
        .route(path::USER_SEARCH_V1, post(search))
        .route(path::USER_SEARCH_TEST, post(search_test_users))
        .route(path::USER_UPDATE, post(update))
        .route(path::USER_PATCH, patch(patch_user))
        .route(path::USER_UPDATE_STATUS, post(set_status))
        .route(path::USER_UPDATE_EMAIL, post(set_email))
        .route(path::USER_UPDATE_NAME, post(set_name))
        .route(path::USER_UPDATE_PHONE, post(set_phone))
        .route(path::USER_UPDATE_PICTURE, post(set_picture))
        .route(
            path::USER_UPDATE_CUSTOM_ATTRIBUTE,
            post(set_custom_attribute),
        )
        .route(path::USERS_LOAD, post(load_many))
        .route(path::USER_DELETE_BATCH, post(delete_many))
        .route(path::USER_ROLES_SET, post(set_roles))
        .route(path::USER_ROLES_ADD, post(add_roles))
        .route(path::USER_ROLES_ADD_V1, post(add_roles))
        .route(path::USER_ROLES_REMOVE, post(remove_roles))
        .route(path::USER_TENANT_ADD, post(add_tenant))
        .route(path::USER_TENANT_REMOVE, post(remove_tenant))
        .route(path::USER_PASSWORD_SET_ACTIVE, post(set_active_password))
        .route(
            path::USER_PASSWORD_SET_TEMPORARY,
            post(set_temporary_password),
        )
        .route(path::USER_PASSWORD_SET, post(set_temporary_password))
        .route(path::USER_PASSWORD_EXPIRE, post(expire_password))
        .route(path::USER_LOGOUT, post(log_out))
        .route(path::USER_DELETE, post(delete_user))
        .route(path::USER_DELETE_TEST_USERS, delete(delete_test_users))
}

type UserAnswer = Result<Json<UserEnvelope>, HttpError>;

/// Descope's answers for `users`, their tenants named with one read for all.
async fn responses(api: &Shared, users: &[User]) -> Result<Vec<UserResponse>, HttpError> {
    let names = api.services.authz.tenant_names(users).await?;
    Ok(users.iter().map(|u| user_response(u, &names)).collect())
}

/// The answer about one user.
async fn envelope(api: &Shared, user: &User) -> UserAnswer {
    let mut answers = responses(api, std::slice::from_ref(user)).await?;
    Ok(Json(UserEnvelope {
        user: answers.remove(0),
    }))
}

/// The user a body's `loginId` names: a login ID, or a user ID, as the Node SDK also sends.
fn by_login(login_id: &Option<String>) -> Result<UserRef, HttpError> {
    selected(&UserSelector {
        login_id: login_id.clone(),
        user_id: None,
    })
}

/// The user a selector names: by `userId`, or by `loginId`, which the Node SDK also fills with
/// a user ID (user IDs are never email addresses, so the two cannot be confused).
fn selected(selector: &UserSelector) -> Result<UserRef, HttpError> {
    if let Some(id) = selector
        .user_id
        .as_deref()
        .filter(|id| !id.trim().is_empty())
    {
        return Ok(UserRef::Id(id.trim().to_owned()));
    }
    let login_id = required(&selector.login_id, "loginId or userId")?;
    Ok(match LoginId::parse(login_id) {
        Ok(login_id) => UserRef::Login(login_id),
        Err(_) => UserRef::Id(login_id.to_owned()),
    })
}

fn status(value: &str) -> Result<Status, HttpError> {
    match value {
        "enabled" => Ok(Status::Enabled),
        "disabled" => Ok(Status::Disabled),
        other => Err(HttpError::Unsupported(format!(
            "user status {other:?}: the local server knows enabled and disabled"
        ))),
    }
}

/// A [`UserRequest`] whose values passed the checks, ready to be written onto a user.
struct Checked {
    request: UserRequest,
    email: Option<String>,
    status: Option<Status>,
    tenants: Option<BTreeMap<String, TenantRoles>>,
}

/// Checks what `request` would write, before anything is written.
fn check(mut request: UserRequest) -> Result<Checked, HttpError> {
    if request.hashed_password.is_some() {
        return Err(HttpError::Unsupported("hashed passwords".into()));
    }
    let email = match request.email.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(email) => Some(LoginId::parse(email)?.as_str().to_owned()),
    };
    let status = request.status.as_deref().map(status).transpose()?;
    let tenants = match request.user_tenants.take() {
        Some(tenants) if tenants.iter().any(|t| t.tenant_id.trim().is_empty()) => {
            return Err(HttpError::MissingArgument("userTenants.tenantId"))
        }
        Some(tenants) => Some(tenants_from(
            tenants.into_iter().map(|t| (t.tenant_id, t.role_names)),
        )),
        None => None,
    };
    Ok(Checked {
        request,
        email,
        status,
        tenants,
    })
}

impl Checked {
    /// Writes the request onto `user`. With `replace` (create, update), a field the request
    /// leaves out is cleared, as Descope's update does; without (patch), it stays as it is.
    fn write(self, user: &mut User, replace: bool) {
        fn set<T: Default>(field: &mut T, value: Option<T>, replace: bool) {
            match value {
                Some(value) => *field = value,
                None if replace => *field = T::default(),
                None => {}
            }
        }
        let request = self.request;
        if replace || self.email.is_some() {
            user.email = self.email.unwrap_or_else(|| user.login_id.clone());
        }
        set(&mut user.phone, request.phone, replace);
        set(&mut user.name, request.display_name, replace);
        set(&mut user.given_name, request.given_name, replace);
        set(&mut user.middle_name, request.middle_name, replace);
        set(&mut user.family_name, request.family_name, replace);
        set(&mut user.picture, request.picture, replace);
        set(&mut user.roles, request.role_names, replace);
        set(
            &mut user.custom_attributes,
            request.custom_attributes,
            replace,
        );
        // The Python SDK leaves these out unless set, even in an update: absent keeps them.
        set(&mut user.verified_email, request.verified_email, false);
        set(&mut user.verified_phone, request.verified_phone, false);
        set(&mut user.tenants, self.tenants, replace);
        if let Some(status) = self.status {
            user.status = status;
        }
    }
}

/// Creates the user `request` describes; a test user if `test` or the request says so.
async fn create_one(api: &Shared, mut request: UserRequest, test: bool) -> Result<User, HttpError> {
    let login_id = LoginId::parse(required(&request.login_id, "loginId")?)?;
    let mut additional_login_ids = Vec::new();
    for id in request.additional_login_ids.take().unwrap_or_default() {
        let id = LoginId::parse(&id)?.as_str().to_owned();
        if id != login_id.as_str() && !additional_login_ids.contains(&id) {
            additional_login_ids.push(id);
        }
    }
    let password = request.password.clone();
    let mut user = User {
        login_id: login_id.as_str().to_owned(),
        additional_login_ids,
        test: test || request.test == Some(true),
        ..User::default()
    };
    check(request)?.write(&mut user, true);
    Ok(api.services.users.create(login_id, user, password).await?)
}

async fn create(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRequest>,
) -> UserAnswer {
    envelope(&api, &create_one(&api, body, false).await?).await
}

async fn create_test_user(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRequest>,
) -> UserAnswer {
    envelope(&api, &create_one(&api, body, true).await?).await
}

/// Creates each user on its own: one refused user does not stop the others.
async fn create_batch(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserBatch>,
) -> Result<Json<BatchCreated>, HttpError> {
    let mut answer = BatchCreated::default();
    let mut created = Vec::new();
    for request in body.users {
        let echo = user_response(
            &User {
                login_id: request.login_id.clone().unwrap_or_default(),
                ..User::default()
            },
            &BTreeMap::new(),
        );
        match create_one(&api, request, false).await {
            Ok(user) => created.push(user),
            // A failure of ours fails the call, with its details kept for the log.
            Err(HttpError::Domain(Error::Internal(detail))) => {
                return Err(Error::Internal(detail).into())
            }
            Err(refused) => answer.failed_users.push(BatchFailure {
                failure: refused.to_string(),
                user: echo,
            }),
        }
    }
    answer.created_users = responses(&api, &created).await?;
    Ok(Json(answer))
}

async fn load(
    State(api): State<Shared>,
    _: Manager,
    ApiQuery(query): ApiQuery<UserSelector>,
) -> UserAnswer {
    let user = api.services.users.load(selected(&query)?).await?;
    envelope(&api, &user).await
}

async fn search(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserSearch>,
) -> Result<Json<UserPage>, HttpError> {
    let test_users = match (body.test_users_only, body.with_test_user) {
        (Some(true), _) => TestUsers::Only,
        (_, Some(true)) => TestUsers::With,
        _ => TestUsers::Without,
    };
    run_search(&api, body, test_users).await
}

async fn search_test_users(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserSearch>,
) -> Result<Json<UserPage>, HttpError> {
    run_search(&api, body, TestUsers::Only).await
}

async fn run_search(
    api: &Shared,
    body: UserSearch,
    test_users: TestUsers,
) -> Result<Json<UserPage>, HttpError> {
    let count = |value: Option<i64>, name: &str| {
        usize::try_from(value.unwrap_or(0)).map_err(|_| {
            HttpError::Domain(Error::Validation(format!("{name} must not be negative.")))
        })
    };
    let (limit, page) = (count(body.limit, "limit")?, count(body.page, "page")?);
    let filter = Filter {
        login_ids: body.login_ids.unwrap_or_default(),
        user_ids: body.user_ids.unwrap_or_default(),
        emails: body.emails.unwrap_or_default(),
        roles: body.role_names.unwrap_or_default(),
        tenants: body.tenant_ids.unwrap_or_default(),
        statuses: body.statuses.unwrap_or_default(),
        custom_attributes: body.custom_attributes.unwrap_or_default(),
        text: body.text.unwrap_or_default(),
        test_users,
    };
    let (users, total) = api.services.users.search(filter, limit, page).await?;
    Ok(Json(UserPage {
        users: responses(api, &users).await?,
        total,
    }))
}

async fn update(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRequest>,
) -> UserAnswer {
    modify(&api, body, true).await
}

async fn patch_user(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRequest>,
) -> UserAnswer {
    modify(&api, body, false).await
}

/// Update (`replace`) or patch; a password cannot be set this way.
async fn modify(api: &Shared, body: UserRequest, replace: bool) -> UserAnswer {
    if body.password.is_some() {
        return Err(HttpError::Unsupported(
            "a password in an update: use the password calls".into(),
        ));
    }
    if body
        .additional_login_ids
        .as_ref()
        .is_some_and(|ids| !ids.is_empty())
    {
        return Err(HttpError::Unsupported(
            "changing additional login IDs in an update".into(),
        ));
    }
    let login_id = body.login_id.clone();
    let checked = check(body)?;
    change_user(api, &login_id, move |user| checked.write(user, replace)).await
}

/// Applies `change` to the user a body's `loginId` names; answers them as they now are.
async fn change_user(
    api: &Shared,
    login_id: &Option<String>,
    change: impl FnOnce(&mut User) + Send + 'static,
) -> UserAnswer {
    let who = by_login(login_id)?;
    let user = api
        .services
        .users
        .modify(who, move |user| {
            change(user);
            Ok(())
        })
        .await?;
    envelope(api, &user).await
}

async fn set_status(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserStatus>,
) -> UserAnswer {
    let status = status(required(&body.status, "status")?)?;
    change_user(&api, &body.login_id, move |user| user.status = status).await
}

async fn set_email(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserEmail>,
) -> UserAnswer {
    let email = LoginId::parse(required(&body.email, "email")?)?;
    let verified = body.verified.unwrap_or(false);
    change_user(&api, &body.login_id, move |user| {
        user.email = email.as_str().to_owned();
        user.verified_email = verified;
    })
    .await
}

async fn set_phone(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserPhone>,
) -> UserAnswer {
    let phone = body.phone.unwrap_or_default().trim().to_owned();
    let verified = body.verified.unwrap_or(false) && !phone.is_empty();
    change_user(&api, &body.login_id, move |user| {
        user.phone = phone;
        user.verified_phone = verified;
    })
    .await
}

async fn set_picture(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserPicture>,
) -> UserAnswer {
    let picture = body.picture.unwrap_or_default();
    change_user(&api, &body.login_id, move |user| user.picture = picture).await
}

/// Sets one custom attribute; the others stay.
async fn set_custom_attribute(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserCustomAttribute>,
) -> UserAnswer {
    let key = required(&body.attribute_key, "attributeKey")?.to_owned();
    let value = body.attribute_value.unwrap_or(Value::Null);
    change_user(&api, &body.login_id, move |user| {
        user.custom_attributes.insert(key, value);
    })
    .await
}

/// The users with these IDs, in the order asked; unknown IDs are left out.
async fn load_many(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserIds>,
) -> Result<Json<UserList>, HttpError> {
    let ids = body.user_ids.ok_or(HttpError::MissingArgument("userIds"))?;
    let users = api.services.users.load_many(ids).await?;
    Ok(Json(UserList {
        users: responses(&api, &users).await?,
    }))
}

/// Deletes the users with these IDs; IDs of no one are no error, as with one delete.
async fn delete_many(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserIds>,
) -> Result<Json<Value>, HttpError> {
    let ids = body.user_ids.ok_or(HttpError::MissingArgument("userIds"))?;
    api.services.users.delete_many(ids).await?;
    Ok(nothing())
}

/// The name fields of a [`UserRequest`]; those left out stay as they are.
async fn set_name(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRequest>,
) -> UserAnswer {
    let names = UserRequest {
        login_id: body.login_id,
        display_name: body.display_name,
        given_name: body.given_name,
        middle_name: body.middle_name,
        family_name: body.family_name,
        ..UserRequest::default()
    };
    modify(&api, names, false).await
}

async fn change_roles(
    api: &Shared,
    body: UserRoles,
    change: fn(Vec<String>) -> RoleChange,
) -> UserAnswer {
    let who = by_login(&body.login_id)?;
    let roles = body
        .role_names
        .ok_or(HttpError::MissingArgument("roleNames"))?;
    let tenant = match body.tenant_id.as_deref().map(str::trim) {
        None => None,
        Some("") => return Err(HttpError::MissingArgument("tenantId")),
        Some(tenant) => Some(tenant.to_owned()),
    };
    let user = api
        .services
        .users
        .change_roles(who, tenant, change(roles))
        .await?;
    envelope(api, &user).await
}

async fn set_roles(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRoles>,
) -> UserAnswer {
    change_roles(&api, body, RoleChange::Set).await
}

async fn add_roles(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRoles>,
) -> UserAnswer {
    change_roles(&api, body, RoleChange::Add).await
}

async fn remove_roles(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserRoles>,
) -> UserAnswer {
    change_roles(&api, body, RoleChange::Remove).await
}

async fn membership(api: &Shared, body: UserTenant, member: bool) -> UserAnswer {
    let who = by_login(&body.login_id)?;
    let tenant = required(&body.tenant_id, "tenantId")?.to_owned();
    let user = api
        .services
        .users
        .set_membership(who, tenant, member)
        .await?;
    envelope(api, &user).await
}

async fn add_tenant(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserTenant>,
) -> UserAnswer {
    membership(&api, body, true).await
}

async fn remove_tenant(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserTenant>,
) -> UserAnswer {
    membership(&api, body, false).await
}

async fn set_password(
    api: &Shared,
    body: UserPassword,
    expired: bool,
) -> Result<Json<Value>, HttpError> {
    let who = by_login(&body.login_id)?;
    let password = body
        .password
        .ok_or(HttpError::MissingArgument("password"))?;
    api.services
        .users
        .set_password(who, password, expired)
        .await?;
    Ok(nothing())
}

async fn set_active_password(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserPassword>,
) -> Result<Json<Value>, HttpError> {
    set_password(&api, body, false).await
}

async fn set_temporary_password(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserPassword>,
) -> Result<Json<Value>, HttpError> {
    set_password(&api, body, true).await
}

async fn expire_password(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserSelector>,
) -> Result<Json<Value>, HttpError> {
    api.services.users.expire_password(selected(&body)?).await?;
    Ok(nothing())
}

async fn log_out(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserSelector>,
) -> Result<Json<Value>, HttpError> {
    api.services.users.log_out(selected(&body)?).await?;
    Ok(nothing())
}

async fn delete_user(
    State(api): State<Shared>,
    _: Manager,
    ApiJson(body): ApiJson<UserSelector>,
) -> Result<Json<Value>, HttpError> {
    api.services.users.delete(selected(&body)?).await?;
    Ok(nothing())
}

async fn delete_test_users(
    State(api): State<Shared>,
    _: Manager,
) -> Result<Json<Value>, HttpError> {
    let deleted = api.services.users.delete_test_users().await?;
    tracing::info!(deleted, "deleted every test user");
    Ok(nothing())
}

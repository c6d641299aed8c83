//! Password authentication: sign-up, sign-in, replace, update and the policy.

use axum::{
    extract::State,
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{normalise_login, required, ApiJson, Caller};
use crate::{
    error::ApiError,
    limits::Secret,
    password::{check_policy, MIN_LENGTH},
    store::{self, NewUser},
    LocalDescope,
};

pub(super) fn router() -> Router<LocalDescope> {
    Router::new()
        .route("/v1/auth/password/signup", post(signup))
        .route("/v1/auth/password/signin", post(signin))
        .route("/v1/auth/password/replace", post(replace))
        .route("/v1/auth/password/update", post(update))
        .route("/v1/auth/password/policy", get(policy))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignUp {
    login_id: Option<String>,
    password: Option<String>,
    #[serde(default)]
    user: Option<UserDetails>,
}

#[derive(Deserialize, Default)]
pub(super) struct UserDetails {
    #[serde(default)]
    pub(super) name: Option<String>,
}

async fn signup(
    State(local): State<LocalDescope>,
    caller: Caller,
    ApiJson(body): ApiJson<SignUp>,
) -> Result<Json<Value>, ApiError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let password = body.password.ok_or(ApiError::MissingArgument("password"))?;
    check_policy(&password)?;
    local.inner.limits.sign_up(caller.address)?;
    let name = body.user.and_then(|u| u.name).unwrap_or_default();
    let hash = local.inner.passwords.hash(password).await?;
    let user = local
        .inner
        .store
        .call(move |conn| {
            store::insert_user(
                conn,
                &NewUser {
                    login_id: &login_id,
                    name: name.trim(),
                    password_hash: Some(&hash),
                    roles: &json!([]),
                    tenants: &json!({}),
                    verified_email: false,
                },
            )
        })
        .await?;
    local
        .sign_in(user, vec!["pwd".into()], true)
        .await
        .map(Json)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIn {
    login_id: Option<String>,
    password: Option<String>,
}

async fn signin(
    State(local): State<LocalDescope>,
    caller: Caller,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Json<Value>, ApiError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let password = body.password.ok_or(ApiError::MissingArgument("password"))?;
    let user = local.check_password(&login_id, password, &caller).await?;
    local
        .sign_in(user, vec!["pwd".into()], false)
        .await
        .map(Json)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Replace {
    login_id: Option<String>,
    old_password: Option<String>,
    new_password: Option<String>,
}

async fn replace(
    State(local): State<LocalDescope>,
    caller: Caller,
    ApiJson(body): ApiJson<Replace>,
) -> Result<Json<Value>, ApiError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let old = body
        .old_password
        .ok_or(ApiError::MissingArgument("oldPassword"))?;
    let new = body
        .new_password
        .ok_or(ApiError::MissingArgument("newPassword"))?;
    check_policy(&new)?;
    let user = local.check_password(&login_id, old, &caller).await?;
    // Every session of the account ends; the answer starts the only one left.
    local.replace_password(&user.id, new, None).await?;
    local
        .sign_in(user, vec!["pwd".into()], false)
        .await
        .map(Json)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Update {
    login_id: Option<String>,
    new_password: Option<String>,
}

/// Sets a new password for the user holding a valid refresh token, and ends every other
/// session of theirs: a stolen refresh token does not outlive the change. Wrong refresh tokens
/// count against the caller's address only: a limit per named account would let anyone stop
/// its owner from changing the password.
async fn update(
    State(local): State<LocalDescope>,
    caller: Caller,
    ApiJson(body): ApiJson<Update>,
) -> Result<Json<Value>, ApiError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let new = body
        .new_password
        .ok_or(ApiError::MissingArgument("newPassword"))?;
    check_policy(&new)?;
    let guess = local.inner.limits.guess(None, caller.address)?;
    let (family, user) = local.presented_family(&caller).await?;
    let user = user
        .filter(|user| user.login_id == login_id)
        .ok_or(ApiError::InvalidRefreshToken)?;
    guess.succeeded();
    local
        .replace_password(&user.id, new, Some(family.id))
        .await?;
    Ok(Json(json!({})))
}

async fn policy(_caller: Caller) -> Json<Value> {
    Json(json!({
        "minLength": MIN_LENGTH, "lowercase": false, "uppercase": false,
        "number": false, "nonAlphanumeric": false,
    }))
}

impl LocalDescope {
    /// The user if `password` is theirs. An unknown user and a wrong password get the same
    /// answer after the same amount of work; both count against the rate limits.
    async fn check_password(
        &self,
        login_id: &str,
        password: String,
        caller: &Caller,
    ) -> Result<store::User, ApiError> {
        let guess = self
            .inner
            .limits
            .guess(Some((Secret::Password, login_id)), caller.address)?;
        let login = login_id.to_owned();
        let found = self
            .inner
            .store
            .call(move |conn| Ok(store::user_by_login(conn, &login)?))
            .await?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, None),
        };
        if self.inner.passwords.verify(password, hash).await? {
            guess.succeeded();
            user.ok_or(ApiError::InvalidCredentials)
        } else {
            Err(ApiError::InvalidCredentials)
        }
    }

    /// Sets a new password and revokes every session of the user but `keep`, together; if
    /// `keep` was revoked while the password was hashed, changes nothing and answers 401.
    async fn replace_password(
        &self,
        user_id: &str,
        password: String,
        keep: Option<String>,
    ) -> Result<(), ApiError> {
        let hash = self.inner.passwords.hash(password).await?;
        let id = user_id.to_owned();
        self.inner
            .store
            .call(move |conn| {
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                if let Some(family) = &keep {
                    if !store::family_is_live(&tx, family)? {
                        return Err(ApiError::InvalidRefreshToken);
                    }
                }
                store::set_password(&tx, &id, &hash)?;
                store::revoke_user_families(&tx, &id, keep.as_deref())?;
                tx.commit()?;
                Ok(())
            })
            .await
    }
}

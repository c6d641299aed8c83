//! Sessions: refresh (with rotation and reuse detection), try-refresh, tenant selection, me,
//! my tenants, my sign-in history, logout, logout-all.
//! The rules live in `domain::sessions`.

use axum::{
    extract::State,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use descope::api::{
    path, MyTenant, MyTenants, MyTenantsRequest, SignInRecord, TenantSelect, UserResponse,
};

use crate::http::responses::{nothing, user_response};
use crate::{
    domain::Error,
    http::{
        error::HttpError,
        extract::{required, ApiJson, Caller, Shared},
    },
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(path::REFRESH, post(refresh))
        .route(path::TRY_REFRESH, post(try_refresh))
        .route(path::ME, get(me))
        .route(path::TENANT_SELECT, post(select_tenant))
        .route(path::ME_TENANTS, post(my_tenants))
        .route(path::ME_HISTORY, get(history))
        .route(path::LOGOUT, post(logout))
        .route(path::LOGOUT_ALL, post(logout_all))
}

async fn refresh(State(api): State<Shared>, caller: Caller) -> Result<Response, HttpError> {
    let signed_in = api
        .services
        .sessions
        .refresh(caller.refresh_token()?)
        .await?;
    Ok(api.delivery.tokens(signed_in))
}

/// Like refresh, but a missing or invalid token answers 200 `{}` instead of an error.
async fn try_refresh(State(api): State<Shared>, caller: Caller) -> Result<Response, HttpError> {
    let not_signed_in = || nothing().into_response();
    let Some(token) = caller.refresh else {
        return Ok(not_signed_in());
    };
    match api.services.sessions.refresh(&token).await {
        Ok(signed_in) => Ok(api.delivery.tokens(signed_in)),
        Err(Error::InvalidRefreshToken | Error::LoggedOut) => Ok(not_signed_in()),
        Err(other) => Err(other.into()),
    }
}

async fn me(State(api): State<Shared>, caller: Caller) -> Result<Json<UserResponse>, HttpError> {
    let user = api.services.sessions.user(caller.refresh_token()?).await?;
    let names = api
        .services
        .authz
        .tenant_names(std::slice::from_ref(&user))
        .await?;
    Ok(Json(user_response(&user, &names)))
}

/// A refresh whose session token names the selected tenant in `dct`, from now on.
async fn select_tenant(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<TenantSelect>,
) -> Result<Response, HttpError> {
    let tenant = required(&body.tenant, "tenant")?.to_owned();
    let signed_in = api
        .services
        .sessions
        .select_tenant(caller.refresh_token()?, tenant)
        .await?;
    Ok(api.delivery.tokens(signed_in))
}

/// The selected tenant (`dct: true`) or those of `ids` the user belongs to; exactly one of the
/// two, as the Python SDK insists.
async fn my_tenants(
    State(api): State<Shared>,
    caller: Caller,
    ApiJson(body): ApiJson<MyTenantsRequest>,
) -> Result<Json<MyTenants>, HttpError> {
    let selected = body.dct == Some(true);
    let ids = body.ids.unwrap_or_default();
    if selected != ids.is_empty() {
        return Err(HttpError::Domain(Error::Validation(
            "Give either dct: true or a list of tenant ids.".into(),
        )));
    }
    let tenants = api
        .services
        .sessions
        .tenants(caller.refresh_token()?, selected, ids)
        .await?;
    Ok(Json(MyTenants {
        tenants: tenants
            .into_iter()
            .map(|t| MyTenant {
                id: t.id,
                name: t.name,
                custom_attributes: t.custom_attributes,
            })
            .collect(),
    }))
}

/// The user's sign-ins, newest first: when and from which address.
async fn history(
    State(api): State<Shared>,
    caller: Caller,
) -> Result<Json<Vec<SignInRecord>>, HttpError> {
    let (user, sign_ins) = api
        .services
        .sessions
        .history(caller.refresh_token()?)
        .await?;
    Ok(Json(
        sign_ins
            .into_iter()
            .map(|s| SignInRecord {
                user_id: user.id.clone(),
                login_time: s.at,
                ip: s.ip,
                ..SignInRecord::default()
            })
            .collect(),
    ))
}

/// Revokes the refresh token's family: this session ends, others go on.
async fn logout(State(api): State<Shared>, caller: Caller) -> Response {
    end(&api, &caller, false).await
}

/// Revokes every family of the token's user: all their sessions end.
async fn logout_all(State(api): State<Shared>, caller: Caller) -> Response {
    end(&api, &caller, true).await
}

/// Ends the caller's session (or, `everywhere`, all of their user's); the answer expires the
/// refresh cookie either way.
async fn end(api: &Shared, caller: &Caller, everywhere: bool) -> Response {
    let ended = match caller.refresh_token() {
        Ok(token) => api
            .services
            .sessions
            .end(token, everywhere)
            .await
            .map_err(HttpError::from),
        Err(refused) => Err(refused),
    };
    api.delivery.logged_out(ended)
}

//! What every handler takes: the shared state, the caller as Descope's `Authorization`
//! convention names it, and JSON bodies that fail in Descope's error shape.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, StatusCode},
};
use descope::api::EmailUpdate;
use serde::de::DeserializeOwned;

use super::{error::HttpError, faults::Faults, network, responses::Delivery};
use crate::domain::{
    credentials::NewEmail, management::key::ManagementKey, users::LoginId, Error, Services,
};

/// What the handlers share: the domain services and what a request is checked against.
pub(crate) struct Api {
    pub(crate) services: Services,
    /// The only project ID requests may name.
    pub(crate) project_id: String,
    /// The hosts requests may name besides loopback ones (see [`super::network::known_host`]).
    pub(crate) hosts: Vec<String>,
    /// What management calls must present.
    pub(crate) management_key: ManagementKey,
    /// How refresh tokens are handed out, and the cookie they may come back in.
    pub(crate) delivery: Delivery,
    /// Failures a developer's tests asked for (`/_dev/faults`).
    pub(crate) faults: Arc<Faults>,
    /// What the console's forms must carry: random, made at start-up, never logged.
    pub(crate) console_token: String,
    /// The settings in force, as the console shows them.
    pub(crate) settings: Vec<(&'static str, String)>,
    /// The app's origin, for the console's `curl` line: the first allowed origin, if any.
    pub(crate) app_origin: Option<String>,
}

impl Api {
    /// Whether `presented` is the console's token; compared in constant time.
    pub(crate) fn accepts_console_token(&self, presented: &str) -> bool {
        aws_lc_rs::constant_time::verify_slices_are_equal(
            presented.as_bytes(),
            self.console_token.as_bytes(),
        )
        .is_ok()
    }
}

/// The state of every handler.
pub(crate) type Shared = Arc<Api>;

/// A client on this machine (see [`network::is_local_client`]); anyone else gets 403.
pub(crate) struct LocalClient;

impl<S: Send + Sync> FromRequestParts<S> for LocalClient {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HttpError> {
        match network::is_local_client(parts) {
            true => Ok(Self),
            false => Err(HttpError::LocalOnly),
        }
    }
}

/// A JSON body; a malformed one answers 400 and an oversized one 413, in Descope's error shape.
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(HttpError::TooLarge)
            }
            Err(rejection) => Err(HttpError::BadRequest(rejection.body_text())),
        }
    }
}

/// A query string; a malformed one answers 400 in Descope's error shape.
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| HttpError::BadRequest(rejection.body_text()))
    }
}

/// The client's address, for rate limits.
fn client_address(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip())
}

/// `Authorization: Bearer <projectId>[:<secret>]` when it names this project: the secret, if
/// any.
fn bearer<'a>(parts: &'a Parts, api: &Api) -> Result<Option<&'a str>, HttpError> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(HttpError::UnknownProject)?;
    let (project, secret) = match bearer.split_once(':') {
        Some((project, secret)) => (project, Some(secret)),
        None => (bearer, None),
    };
    if project != api.project_id {
        return Err(HttpError::UnknownProject);
    }
    Ok(secret.filter(|s| !s.is_empty()))
}

/// A caller of the management API: `Authorization: Bearer <projectId>:<managementKey>`. A
/// wrong key counts against the caller's address, in a budget of management keys alone; a
/// request without one is refused without counting.
pub(crate) struct Manager;

impl FromRequestParts<Shared> for Manager {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, api: &Shared) -> Result<Self, HttpError> {
        let key = bearer(parts, api)
            .ok()
            .flatten()
            .ok_or(HttpError::InvalidManagementKey)?;
        let right = api.management_key.accepts(key);
        api.services
            .limits
            .management_key(client_address(parts), right)?;
        if right {
            Ok(Self)
        } else {
            Err(HttpError::InvalidManagementKey)
        }
    }
}

/// A machine presenting an access key's secret: `Authorization: Bearer <projectId>:<secret>`
/// (never a cookie).
pub(crate) struct KeyHolder {
    pub(crate) secret: String,
    /// The client's address, for rate limits and permitted addresses.
    pub(crate) address: IpAddr,
}

impl FromRequestParts<Shared> for KeyHolder {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, api: &Shared) -> Result<Self, HttpError> {
        let secret = bearer(parts, api)?
            .ok_or(HttpError::Domain(Error::InvalidCredentials))?
            .to_owned();
        Ok(Self {
            secret,
            address: client_address(parts),
        })
    }
}

/// The caller as Descope's convention names it: `Authorization: Bearer <projectId>[:<token>]`,
/// with the refresh token also accepted, with cookie delivery, from the refresh cookie (`DSR`
/// unless renamed).
pub(crate) struct Caller {
    /// The refresh token, when one was sent.
    pub(crate) refresh: Option<String>,
    /// The client's address, for rate limits.
    pub(crate) address: IpAddr,
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, api: &Shared) -> Result<Self, HttpError> {
        let refresh = bearer(parts, api)?.map(str::to_owned).or_else(|| {
            let cookies = parts.headers.get_all(header::COOKIE);
            let name = api.delivery.cookie_name()?;
            descope::api::cookie(cookies.iter().filter_map(|v| v.to_str().ok()), name)
                .map(str::to_owned)
        });
        Ok(Self {
            refresh,
            address: client_address(parts),
        })
    }
}

impl Caller {
    /// The refresh token, which the endpoint requires.
    pub(crate) fn refresh_token(&self) -> Result<&str, HttpError> {
        self.refresh
            .as_deref()
            .ok_or(HttpError::Domain(Error::InvalidRefreshToken))
    }
}

/// A required, non-empty string field.
pub(crate) fn required<'a>(
    value: &'a Option<String>,
    name: &'static str,
) -> Result<&'a str, HttpError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(HttpError::MissingArgument(name))
}

/// What an email update asks for.
pub(crate) fn email_update(body: &EmailUpdate) -> Result<NewEmail, HttpError> {
    let login_id = LoginId::parse(required(&body.login_id, "loginId")?)?;
    let email = LoginId::parse(required(&body.email, "email")?)
        .map_err(|_| Error::Validation("The email is not an email address.".into()))?;
    Ok(NewEmail {
        login_id,
        email,
        add_login_id: body.add_to_login_ids,
        keep_amr: body.mfa,
    })
}

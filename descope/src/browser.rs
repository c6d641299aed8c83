//! A browser client for Descope's auth API, over `fetch` (web-sys), for WASM apps.
//!
//! It sends Descope's `Authorization: Bearer <projectId>[:<refreshJwt>]` convention, reads
//! every body as JSON (success or error), and tells apart what a UI must handle differently:
//! an API refusal (with Descope's error body and any `Retry-After`) and a network failure.
//!
//! Both of a project's token deliveries work: with the refresh token in the body, calls that
//! act on a session pass it; with it in an httpOnly cookie ("manage in cookies", where a
//! [`JwtResponse`] has no `refresh_jwt`), they pass `None` and the browser sends the cookie,
//! as every call goes with `credentials: "include"`.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::api::{
    path, CodeStart, CodeVerify, EmailUpdate, ErrorBody, JwtResponse, LinkStart, LinkVerify,
    MaskedEmail, PasswordReset, PasswordResetSent, PasswordSignIn, PasswordSignUp, PasswordUpdate,
    UserResponse,
};

/// The `{}` that logout answers and refresh sends.
#[derive(Serialize, Deserialize)]
struct Empty {}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// Descope answered with an error.
    #[error("{}", body.error_message)]
    Api {
        /// The HTTP status.
        status: u16,
        /// Descope's error body.
        body: ErrorBody,
        /// Seconds to wait, for a 429.
        retry_after: Option<u64>,
    },
    /// The request did not complete (offline, server down, CORS) or the body was not JSON.
    #[error("cannot reach the sign-in service: {0}")]
    Network(String),
}

impl ClientError {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::Network(_) => None,
        }
    }

    /// Whether the session is definitely over: a 4xx on a session call means the refresh
    /// token is no longer valid, except those that say to come back later (408 timeout, 421
    /// misdirected, 429 rate limit). Network errors and 5xx keep the session too.
    pub fn ends_session(&self) -> bool {
        matches!(self.status(), Some(400..=499)) && !matches!(self.status(), Some(408 | 421 | 429))
    }
}

/// A client for one project at one base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    base_url: String,
    project_id: String,
}

impl Client {
    /// A client for `project_id` at `base_url` (no trailing `/`).
    pub fn new(base_url: impl Into<String>, project_id: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            project_id: project_id.into(),
        }
    }

    /// [`path::PASSWORD_SIGN_UP`].
    pub async fn password_sign_up(
        &self,
        email: &str,
        password: &str,
        name: &str,
    ) -> Result<JwtResponse, ClientError> {
        let body = PasswordSignUp::new(email, password, name);
        self.post(path::PASSWORD_SIGN_UP, None, &body).await
    }

    /// [`path::PASSWORD_SIGN_IN`].
    pub async fn password_sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<JwtResponse, ClientError> {
        let body = PasswordSignIn::new(email, password);
        self.post(path::PASSWORD_SIGN_IN, None, &body).await
    }

    /// [`path::OTP_SIGN_UP_OR_IN`]: sends a one-time code.
    pub async fn otp_sign_up_or_in(&self, email: &str) -> Result<MaskedEmail, ClientError> {
        let body = CodeStart::new(email);
        self.post(path::OTP_SIGN_UP_OR_IN, None, &body).await
    }

    /// [`path::OTP_VERIFY`].
    pub async fn otp_verify(&self, email: &str, code: &str) -> Result<JwtResponse, ClientError> {
        let body = CodeVerify::new(email, code);
        self.post(path::OTP_VERIFY, None, &body).await
    }

    /// [`path::MAGIC_LINK_SIGN_UP_OR_IN`]: emails a link to `uri`, which gets the token as `t`.
    pub async fn magic_link_sign_up_or_in(
        &self,
        email: &str,
        uri: &str,
    ) -> Result<MaskedEmail, ClientError> {
        let body = LinkStart::new(email, uri);
        self.post(path::MAGIC_LINK_SIGN_UP_OR_IN, None, &body).await
    }

    /// [`path::MAGIC_LINK_VERIFY`]: the `t` of a link, for a session.
    pub async fn magic_link_verify(&self, token: &str) -> Result<JwtResponse, ClientError> {
        let body = LinkVerify {
            token: Some(token.into()),
        };
        self.post(path::MAGIC_LINK_VERIFY, None, &body).await
    }

    /// [`path::PASSWORD_RESET`]: emails the user a link to `redirect_url`, whose session may
    /// then set a new password ([`Client::password_update`]).
    pub async fn password_reset(
        &self,
        email: &str,
        redirect_url: &str,
    ) -> Result<PasswordResetSent, ClientError> {
        let body = PasswordReset {
            login_id: Some(email.into()),
            redirect_url: Some(redirect_url.into()),
            template_options: None,
        };
        self.post(path::PASSWORD_RESET, None, &body).await
    }

    /// [`path::PASSWORD_UPDATE`]: a new password for the session holding `refresh_jwt`; every
    /// other session of the user ends.
    pub async fn password_update(
        &self,
        login_id: &str,
        new_password: &str,
        refresh_jwt: Option<&str>,
    ) -> Result<(), ClientError> {
        let body = PasswordUpdate {
            login_id: Some(login_id.into()),
            new_password: Some(new_password.into()),
        };
        self.post::<Empty>(path::PASSWORD_UPDATE, refresh_jwt, &body)
            .await
            .map(drop)
    }

    /// [`path::OTP_UPDATE_EMAIL`]: emails a code to `new_email`; [`Client::otp_verify`] with the
    /// user's `login_id` and that code then makes it their email (and, with `add_to_login_ids`,
    /// a login ID).
    pub async fn otp_update_email(
        &self,
        login_id: &str,
        new_email: &str,
        add_to_login_ids: bool,
        refresh_jwt: Option<&str>,
    ) -> Result<MaskedEmail, ClientError> {
        let body = EmailUpdate {
            login_id: Some(login_id.into()),
            email: Some(new_email.into()),
            add_to_login_ids,
            ..EmailUpdate::default()
        };
        self.post(path::OTP_UPDATE_EMAIL, refresh_jwt, &body).await
    }

    /// [`path::REFRESH`]: a new session token and, with rotation, a new refresh token.
    pub async fn refresh(&self, refresh_jwt: Option<&str>) -> Result<JwtResponse, ClientError> {
        self.post(path::REFRESH, refresh_jwt, &Empty {}).await
    }

    /// [`path::ME`].
    pub async fn me(&self, refresh_jwt: Option<&str>) -> Result<UserResponse, ClientError> {
        self.call("GET", path::ME, refresh_jwt, None).await
    }

    /// [`path::LOGOUT`]: revokes the refresh token (and, in cookie mode, the server expires
    /// the cookie).
    pub async fn logout(&self, refresh_jwt: Option<&str>) -> Result<(), ClientError> {
        self.post::<Empty>(path::LOGOUT, refresh_jwt, &Empty {})
            .await
            .map(drop)
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        let body = serde_json::to_string(body).map_err(|e| ClientError::Network(e.to_string()))?;
        self.call("POST", path, token, Some(body)).await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Result<T, ClientError> {
        let bearer = match token {
            Some(t) => format!("{}:{t}", self.project_id),
            None => self.project_id.clone(),
        };
        let url = format!("{}{path}", self.base_url);
        let answer = fetch(method, &url, Some(&bearer), body.as_deref()).await?;
        if answer.ok() {
            return serde_json::from_str(&answer.body)
                .map_err(|e| ClientError::Network(format!("unexpected answer: {e}")));
        }
        let body = serde_json::from_str(&answer.body).unwrap_or_else(|_| ErrorBody {
            error_code: String::new(),
            error_description: String::new(),
            error_message: format!("the sign-in service answered {}", answer.status),
        });
        Err(ClientError::Api {
            status: answer.status,
            body,
            retry_after: answer.retry_after,
        })
    }
}

/// An answer to [`fetch`]: its status, `Retry-After` (seconds) and body.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// `Retry-After` in seconds, when given as such.
    pub retry_after: Option<u64>,
    /// The body as text.
    pub body: String,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One `fetch` with credentials included, `Authorization: Bearer <bearer>` when given, and a
/// JSON `body` when given; the errors are network errors only. The client's calls go through
/// it, and an app can send its own API calls the same way.
pub async fn fetch(
    method: &str,
    url: &str,
    bearer: Option<&str>,
    body: Option<&str>,
) -> Result<Answer, ClientError> {
    let network =
        |e: JsValue| ClientError::Network(e.as_string().unwrap_or_else(|| format!("{e:?}")));
    let init = RequestInit::new();
    init.set_method(method);
    // The refresh cookie of "manage in cookies" goes to Descope's own origin too.
    init.set_credentials(web_sys::RequestCredentials::Include);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let headers = request.headers();
    if let Some(bearer) = bearer {
        headers
            .set("Authorization", &format!("Bearer {bearer}"))
            .map_err(network)?;
    }
    if body.is_some() {
        headers
            .set("Content-Type", "application/json")
            .map_err(network)?;
    }
    let window = web_sys::window().ok_or_else(|| ClientError::Network("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let body = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    Ok(Answer {
        status: response.status(),
        retry_after,
        body,
    })
}

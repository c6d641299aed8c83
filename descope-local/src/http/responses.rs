//! The answers the auth and management APIs share: Descope's `JWTResponse`, with the refresh
//! token in the body or in a cookie as the project delivers it, and `UserResponse`, built from
//! domain values in the shapes of [`descope::api`]; and text escaped for the HTML pages.

use std::collections::BTreeMap;

use axum::{
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use descope::api::{JwtResponse, UserResponse, UserTenant};
use serde_json::{json, Value};

use super::error::HttpError;
use crate::{
    domain::{sessions::SignedIn, users::User},
    support::config::{Config, RefreshCookie, SameSite, TokenDelivery},
};

/// How this project hands out refresh tokens ([`TokenDelivery`]).
#[derive(Clone)]
pub(crate) struct Delivery {
    method: TokenDelivery,
    cookie: RefreshCookie,
    /// Cookies carry `Secure`: browsers reach the server over https, or `SameSite=None`, which
    /// browsers take only with it.
    secure: bool,
    /// The session token goes in the `DS` cookie too.
    session_cookie: bool,
}

/// The session token's cookie, as every Descope SDK names it.
const SESSION_COOKIE: &str = "DS";

impl Delivery {
    pub(crate) fn new(config: &Config) -> Self {
        let reached_at = config.public_url.as_deref().unwrap_or(&config.base_url);
        Self {
            method: config.token_delivery,
            cookie: config.refresh_cookie.clone(),
            secure: reached_at.starts_with("https:")
                || config.refresh_cookie.same_site == SameSite::None,
            session_cookie: config.session_cookie,
        }
    }

    /// The cookie a refresh token may come in: with cookie delivery only, so that a cookie
    /// left from an earlier setting is not taken for a session.
    pub(crate) fn cookie_name(&self) -> Option<&str> {
        (self.method == TokenDelivery::Cookies).then_some(self.cookie.name.as_str())
    }

    /// Whether a request carries more than one refresh cookie. Cookies do not tell ports
    /// apart, so a page on another port of this host (or a script) can plant one with a
    /// longer path, which browsers send first: taking it would sign the owner into someone
    /// else's session.
    pub(crate) fn conflicting_cookies(&self, headers: &HeaderMap) -> bool {
        let Some(name) = self.cookie_name() else {
            return false;
        };
        let presented = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(key, value)| *key == name && !value.is_empty())
            .count();
        presented > 1
    }

    /// Expires the refresh cookie at `path` and every path above it, the server's own
    /// included: whichever of them a planted cookie used.
    pub(crate) fn expire_every_path(&self, path: &str, response: &mut Response) {
        let mut paths: Vec<&str> = path
            .char_indices()
            .filter(|(_, c)| *c == '/')
            .map(|(at, _)| if at == 0 { "/" } else { &path[..at] })
            .collect();
        paths.push(path);
        paths.push(&self.cookie.path);
        paths.dedup();
        for path in paths {
            let mut cookie = self.cookie.clone();
            cookie.path = path.to_owned();
            let expired = Self {
                cookie,
                ..self.clone()
            };
            if let Ok(value) = HeaderValue::from_str(&expired.set_cookie("", 0)) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
    }

    /// Descope's `JWTResponse` for a session just started or refreshed. With cookies, the
    /// refresh token goes in an httpOnly cookie and not in the body.
    /// With the session cookie on, the session token is set as `DS` as well.
    pub(crate) fn tokens(&self, signed_in: SignedIn) -> Response {
        let (refresh_age, session_age) = (signed_in.refresh_max_age, signed_in.session_max_age);
        let mut body = jwt_response(signed_in, &self.cookie);
        let mut cookies = Vec::new();
        if self.method == TokenDelivery::Cookies {
            if let Some(token) = body.refresh_jwt.take() {
                cookies.push(self.set_cookie(&token, refresh_age));
            }
        }
        if self.session_cookie {
            cookies.push(self.set_session_cookie(&body.session_jwt, session_age));
        }
        with_cookies(Json(body).into_response(), cookies)
    }

    /// The answer to a logout: `{}`, or why it was refused. With cookies the refresh cookie
    /// is expired either way: a refused one is of no use, and would be sent forever.
    pub(crate) fn logged_out(&self, ended: Result<(), HttpError>) -> Response {
        let response = match ended {
            Ok(()) => nothing().into_response(),
            Err(refused) => refused.into_response(),
        };
        let mut cookies = Vec::new();
        if self.method == TokenDelivery::Cookies {
            cookies.push(self.set_cookie("", 0));
        }
        if self.session_cookie {
            cookies.push(self.set_session_cookie("", 0));
        }
        with_cookies(response, cookies)
    }

    /// The `Set-Cookie` value for the session cookie holding `value` for `max_age` seconds:
    /// for every path, and readable by the page, as the SDKs that read it expect.
    fn set_session_cookie(&self, value: &str, max_age: i64) -> String {
        let session = RefreshCookie {
            name: SESSION_COOKIE.into(),
            path: "/".into(),
            ..self.cookie.clone()
        };
        self.cookie_value(&session, value, max_age, false)
    }

    /// The `Set-Cookie` value for the refresh cookie holding `value` for `max_age` seconds.
    fn set_cookie(&self, value: &str, max_age: i64) -> String {
        self.cookie_value(&self.cookie, value, max_age, true)
    }

    /// A `Set-Cookie` value for `cookie` holding `value` for `max_age` seconds.
    fn cookie_value(
        &self,
        cookie: &RefreshCookie,
        value: &str,
        max_age: i64,
        http_only: bool,
    ) -> String {
        let mut set = format!(
            "{}={value}; Path={}; Max-Age={max_age}{}; SameSite={}",
            cookie.name,
            cookie.path,
            if http_only { "; HttpOnly" } else { "" },
            cookie.same_site.as_str()
        );
        if let Some(domain) = &cookie.domain {
            set.push_str("; Domain=");
            set.push_str(domain);
        }
        if self.secure {
            set.push_str("; Secure");
        }
        set
    }
}

/// `response` with a `Set-Cookie` header for each of `cookies`.
fn with_cookies(mut response: Response, cookies: Vec<String>) -> Response {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Descope's `JWTResponse` for a session just started or refreshed, naming `cookie` as where
/// a browser keeps the refresh token.
fn jwt_response(signed_in: SignedIn, cookie: &RefreshCookie) -> JwtResponse {
    JwtResponse {
        session_jwt: signed_in.session_jwt,
        refresh_jwt: Some(signed_in.refresh.token),
        cookie_domain: cookie.domain.clone().unwrap_or_default(),
        cookie_path: cookie.path.clone(),
        cookie_max_age: signed_in.refresh_max_age,
        cookie_expiration: signed_in.refresh.expires_at,
        cookie_name: cookie.name.clone(),
        session_expiration: signed_in.session_expiration,
        user: Some(user_response(&signed_in.user, &signed_in.tenant_names)),
        first_seen: signed_in.first_seen,
        claims: json!({ "amr": signed_in.amr }),
        next_refresh_seconds: Some(signed_in.next_refresh_seconds),
    }
}

/// Descope's `UserResponse`; `tenant_names` names the user's tenants (one never created is
/// named by its ID).
pub(crate) fn user_response(user: &User, tenant_names: &BTreeMap<String, String>) -> UserResponse {
    UserResponse {
        login_ids: std::iter::once(&user.login_id)
            .chain(&user.additional_login_ids)
            .cloned()
            .collect(),
        user_id: user.id.clone(),
        name: user.name.clone(),
        given_name: user.given_name.clone(),
        middle_name: user.middle_name.clone(),
        family_name: user.family_name.clone(),
        email: user.email.clone(),
        phone: user.phone.clone(),
        picture: user.picture.clone(),
        verified_email: user.verified_email,
        verified_phone: user.verified_phone,
        role_names: user.roles.clone(),
        user_tenants: user
            .tenants
            .iter()
            .map(|(id, tenant)| UserTenant {
                tenant_id: id.clone(),
                tenant_name: tenant_names.get(id).unwrap_or(id).clone(),
                role_names: tenant.roles.clone(),
                permissions: tenant.permissions.clone(),
            })
            .collect(),
        status: user.status.as_str().into(),
        test: user.test,
        custom_attributes: user.custom_attributes.clone(),
        external_ids: vec![user.login_id.clone()],
        created_time: user.created_at,
        password: user.has_password,
        ..UserResponse::default()
    }
}

/// `{}`: what a call with nothing to say answers, for the Node SDK parses every answer.
pub(crate) fn nothing() -> Json<Value> {
    Json(json!({}))
}

/// `text` safe inside HTML text and quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

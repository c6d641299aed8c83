//! Descope's auth API as this project speaks it: the paths, the request and response bodies,
//! and the error codes. The browser client serialises these requests and reads these answers;
//! the local server reads the same requests and writes the same answers, so the two cannot
//! drift apart. Field names and shapes are those the official SDKs send and expect.
//!
//! Request fields are optional at the JSON level, as in Descope's API: a client always sets
//! them, and a server answers a missing one with [`code::MISSING_ARGUMENTS`].

pub mod mgmt;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where Descope serves projects whose ID carries no region.
pub const DEFAULT_BASE_URL: &str = "https://api.descope.com";

/// The project ID a local, Descope-compatible server (`descope-local`) uses unless told
/// otherwise: fixed and documented, so apps, scripts and the official SDKs can name it. 28
/// characters, like real `P2…` IDs.
pub const LOCAL_PROJECT_ID: &str = "P2LocalDescopeCompatible0000";

/// The base URL the official SDKs derive from a project ID.
///
/// IDs of 32 characters or more carry a region in characters 1 to 4 (`P<region>…`) and are
/// served from `https://api.<region>.descope.com`; shorter IDs (such as 28-character `P2…`
/// IDs) use [`DEFAULT_BASE_URL`].
///
/// ```
/// use descope::api::base_url_for_project;
/// assert_eq!(base_url_for_project("P2abcdefghijklmnopqrstuvwxyz"), "https://api.descope.com");
/// assert_eq!(
///     base_url_for_project("Puse1abcdefghijklmnopqrstuvwxyz0123"),
///     "https://api.use1.descope.com"
/// );
/// ```
pub fn base_url_for_project(project_id: &str) -> String {
    match project_id.get(1..5) {
        Some(region) if project_id.len() >= 32 => format!("https://api.{region}.descope.com"),
        _ => DEFAULT_BASE_URL.to_owned(),
    }
}

/// The path of a project's JSON Web Key Set, relative to the base URL.
pub fn keys_path(project_id: &str) -> String {
    format!("/v2/keys/{project_id}")
}

/// Descope's error codes, as they appear in [`ErrorBody::error_code`].
pub mod code {
    /// An internal failure of the service.
    pub const INTERNAL: &str = "E011000";
    /// The body is not JSON of the expected shape.
    pub const BAD_REQUEST: &str = "E011001";
    /// A required field is missing or empty.
    pub const MISSING_ARGUMENTS: &str = "E011002";
    /// The input breaks a rule, such as the password policy or the login ID's form.
    pub const INVALID_REQUEST: &str = "E011003";
    /// The `Authorization` header names no project this service serves.
    pub const INVALID_PROJECT: &str = "E011004";
    /// No such endpoint (a code of the local server).
    pub const NOT_FOUND: &str = "E011005";
    /// The endpoint does not take this method (a code of the local server).
    pub const METHOD_NOT_ALLOWED: &str = "E011006";
    /// The body is larger than any Descope request (a code of the local server).
    pub const TOO_LARGE: &str = "E011007";
    /// The request names a host the server does not answer to (a code of the local server).
    pub const UNKNOWN_HOST: &str = "E011008";
    /// The development inbox is served to clients on the same machine only (a code of the
    /// local server).
    pub const LOCAL_ONLY: &str = "E011009";
    /// A management call without this project's management key (a code of the local server).
    pub const INVALID_MANAGEMENT_KEY: &str = "E011010";
    /// The user is disabled: they cannot sign in or refresh (a code of the local server).
    pub const USER_DISABLED: &str = "E011011";
    /// A wrong one-time code.
    pub const WRONG_CODE: &str = "E061102";
    /// The code (or magic link) expired, was used, or was tried too often.
    pub const CODE_EXHAUSTED: &str = "E061103";
    /// The refresh token is missing, unknown or expired.
    pub const INVALID_REFRESH_TOKEN: &str = "E061301";
    /// The refresh token's session was ended by a logout (or another revocation).
    pub const LOGGED_OUT: &str = "E064001";
    /// Sign-up for a login ID that exists.
    pub const USER_EXISTS: &str = "E062107";
    /// Wrong login ID or password (Descope's "user not found").
    pub const INVALID_CREDENTIALS: &str = "E062108";
    /// The password is right but must be replaced first (set as temporary, or expired).
    pub const PASSWORD_EXPIRED: &str = "E062909";
    /// A management call names a user who does not exist.
    pub const USER_NOT_FOUND: &str = "E112102";
    /// Too many requests; the answer carries `Retry-After`.
    pub const RATE_LIMITED: &str = "E130429";
}

/// The paths of the auth API, relative to the base URL.
pub mod path {
    /// `POST`: [`super::PasswordSignUp`] → [`super::JwtResponse`].
    pub const PASSWORD_SIGN_UP: &str = "/v1/auth/password/signup";
    /// `POST`: [`super::PasswordSignIn`] → [`super::JwtResponse`].
    pub const PASSWORD_SIGN_IN: &str = "/v1/auth/password/signin";
    /// `POST`: [`super::PasswordReplace`] → [`super::JwtResponse`].
    pub const PASSWORD_REPLACE: &str = "/v1/auth/password/replace";
    /// `POST` with the refresh token: [`super::PasswordUpdate`] → `{}`.
    pub const PASSWORD_UPDATE: &str = "/v1/auth/password/update";
    /// `POST`: [`super::PasswordReset`] → [`super::PasswordResetSent`]: a magic link to the
    /// user, whose session may then set a new password ([`PASSWORD_UPDATE`]).
    pub const PASSWORD_RESET: &str = "/v1/auth/password/reset";
    /// `GET`: [`super::PasswordPolicy`].
    pub const PASSWORD_POLICY: &str = "/v1/auth/password/policy";
    /// `POST`: [`super::CodeStart`] → [`super::MaskedEmail`].
    pub const OTP_SIGN_UP_OR_IN: &str = "/v1/auth/otp/signup-in/email";
    /// `POST`: [`super::CodeStart`] → [`super::MaskedEmail`].
    pub const OTP_SIGN_UP: &str = "/v1/auth/otp/signup/email";
    /// `POST`: [`super::CodeStart`] → [`super::MaskedEmail`].
    pub const OTP_SIGN_IN: &str = "/v1/auth/otp/signin/email";
    /// `POST`: [`super::CodeVerify`] → [`super::JwtResponse`].
    pub const OTP_VERIFY: &str = "/v1/auth/otp/verify/email";
    /// `POST` with the refresh token: [`super::EmailUpdate`] → [`super::MaskedEmail`]: a code
    /// to the new address, which [`OTP_VERIFY`] (with the user's login ID) then makes theirs.
    pub const OTP_UPDATE_EMAIL: &str = "/v1/auth/otp/update/email";
    /// `POST`: [`super::LinkStart`] → [`super::MaskedEmail`].
    pub const MAGIC_LINK_SIGN_UP_OR_IN: &str = "/v1/auth/magiclink/signup-in/email";
    /// `POST`: [`super::LinkStart`] → [`super::MaskedEmail`].
    pub const MAGIC_LINK_SIGN_UP: &str = "/v1/auth/magiclink/signup/email";
    /// `POST`: [`super::LinkStart`] → [`super::MaskedEmail`].
    pub const MAGIC_LINK_SIGN_IN: &str = "/v1/auth/magiclink/signin/email";
    /// `POST`: [`super::LinkVerify`] → [`super::JwtResponse`].
    pub const MAGIC_LINK_VERIFY: &str = "/v1/auth/magiclink/verify";
    /// `POST` with the refresh token: [`super::EmailUpdate`] → [`super::MaskedEmail`]: a link
    /// to the new address, which [`MAGIC_LINK_VERIFY`] then makes theirs.
    pub const MAGIC_LINK_UPDATE_EMAIL: &str = "/v1/auth/magiclink/update/email";
    /// `POST` with the refresh token → [`super::JwtResponse`].
    pub const REFRESH: &str = "/v1/auth/refresh";
    /// `POST` with or without a refresh token → [`super::JwtResponse`], or `{}` without a
    /// valid one.
    pub const TRY_REFRESH: &str = "/v1/auth/try-refresh";
    /// `GET` with the refresh token → [`super::UserResponse`].
    pub const ME: &str = "/v1/auth/me";
    /// `POST` with an access key's secret in place of the refresh token:
    /// [`super::AccessKeyExchange`] → [`super::AccessKeyExchanged`].
    pub const ACCESS_KEY_EXCHANGE: &str = "/v1/auth/accesskey/exchange";
    /// `POST` with the refresh token: [`super::TenantSelect`] → [`super::JwtResponse`], whose
    /// session token names the tenant in `dct`.
    pub const TENANT_SELECT: &str = "/v1/auth/tenant/select";
    /// `POST` with the refresh token: [`super::MyTenantsRequest`] → [`super::MyTenants`].
    pub const ME_TENANTS: &str = "/v1/auth/me/tenants";
    /// `GET` with the refresh token → a list of [`super::SignInRecord`], newest first.
    pub const ME_HISTORY: &str = "/v1/auth/me/history";
    /// `POST` with the refresh token → `{}`: ends this session.
    pub const LOGOUT: &str = "/v1/auth/logout";
    /// `POST` with the refresh token → `{}`: ends every session of the user.
    pub const LOGOUT_ALL: &str = "/v1/auth/logoutall";
}

/// The body of every Descope error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// A stable code such as `E062108` (user not found).
    pub error_code: String,
    /// A short description of the class of error.
    pub error_description: String,
    /// A human-readable message.
    #[serde(default)]
    pub error_message: String,
}

/// A JSON Web Key Set as served at [`keys_path`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KeySet {
    /// The keys; entries that are not usable RS256 signing keys are skipped by validators.
    pub keys: Vec<serde_json::Value>,
}

/// The value of cookie `name` in `Cookie` header values (Descope's `DS` and `DSR`); an empty
/// value counts as absent.
///
/// ```
/// assert_eq!(descope::api::cookie(["a=1; DS=tok", "DSR="], "DS"), Some("tok"));
/// assert_eq!(descope::api::cookie(["DSR="], "DSR"), None);
/// ```
pub fn cookie<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// The user details a sign-up may carry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignUpUser {
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// [`path::PASSWORD_SIGN_UP`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordSignUp {
    /// The login ID (an email address).
    pub login_id: Option<String>,
    /// The new password.
    pub password: Option<String>,
    /// Details of the new user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SignUpUser>,
}

impl PasswordSignUp {
    /// A sign-up of `email` with `password`, named `name`.
    pub fn new(email: &str, password: &str, name: &str) -> Self {
        Self {
            login_id: Some(email.into()),
            password: Some(password.into()),
            user: Some(SignUpUser {
                name: Some(name.into()),
                email: Some(email.into()),
            }),
        }
    }
}

/// [`path::PASSWORD_SIGN_IN`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordSignIn {
    /// The login ID.
    pub login_id: Option<String>,
    /// The password.
    pub password: Option<String>,
}

impl PasswordSignIn {
    /// A sign-in of `login_id` with `password`.
    pub fn new(login_id: &str, password: &str) -> Self {
        Self {
            login_id: Some(login_id.into()),
            password: Some(password.into()),
        }
    }
}

/// [`path::PASSWORD_REPLACE`]: a new password, proven by the old one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordReplace {
    /// The login ID.
    pub login_id: Option<String>,
    /// The current password.
    pub old_password: Option<String>,
    /// The new password.
    pub new_password: Option<String>,
}

/// [`path::PASSWORD_UPDATE`]: a new password, proven by the session's refresh token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordUpdate {
    /// The login ID.
    pub login_id: Option<String>,
    /// The new password.
    pub new_password: Option<String>,
}

/// [`path::OTP_UPDATE_EMAIL`] and [`path::MAGIC_LINK_UPDATE_EMAIL`]: a new email address for
/// the user whose refresh token comes with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailUpdate {
    /// The user's login ID.
    pub login_id: Option<String>,
    /// The new address.
    pub email: Option<String>,
    /// Where the link leads (magic links only); the token is added to it as `t`.
    #[serde(rename = "URI", default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The new address also becomes one of the user's login IDs.
    #[serde(rename = "addToLoginIDs", default)]
    pub add_to_login_ids: bool,
    /// Descope's merge of two users who share the new address; not supported here: such a
    /// change is refused.
    #[serde(default)]
    pub on_merge_use_existing: bool,
    /// The new session keeps the ways the asking session had signed in (its `amr`), the
    /// email's proof added, instead of the email's proof alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mfa: bool,
}

/// [`path::PASSWORD_RESET`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordReset {
    /// The login ID.
    pub login_id: Option<String>,
    /// Where the reset link leads; the token is added to it as `t`.
    #[serde(default)]
    pub redirect_url: Option<String>,
    /// Values for the message's template; accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_options: Option<Value>,
}

/// The answer of [`path::PASSWORD_RESET`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetSent {
    /// How the user resets: `magiclink` here.
    pub reset_method: String,
    /// The address the link went to, partly hidden.
    pub masked_email: String,
}

/// The answer of [`path::PASSWORD_POLICY`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordPolicy {
    /// Fewest characters.
    pub min_length: usize,
    /// Whether a lowercase letter is required.
    pub lowercase: bool,
    /// Whether an uppercase letter is required.
    pub uppercase: bool,
    /// Whether a digit is required.
    pub number: bool,
    /// Whether a character that is neither letter nor digit is required.
    pub non_alphanumeric: bool,
}

/// Starting a one-time code by email ([`path::OTP_SIGN_UP_OR_IN`] and its siblings).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeStart {
    /// The login ID (an email address).
    pub login_id: Option<String>,
    /// Details of the user, should this sign them up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SignUpUser>,
    /// Descope's login options (step-up, custom claims); accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_options: Option<Value>,
}

impl CodeStart {
    /// A code for `login_id`, with no login options, as the SDKs send a sign-in.
    pub fn new(login_id: &str) -> Self {
        Self {
            login_id: Some(login_id.into()),
            user: None,
            login_options: Some(Value::Object(serde_json::Map::new())),
        }
    }
}

/// [`path::OTP_VERIFY`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeVerify {
    /// The login ID the code was sent to.
    pub login_id: Option<String>,
    /// The code.
    pub code: Option<String>,
}

impl CodeVerify {
    /// `code`, sent to `login_id`.
    pub fn new(login_id: &str, code: &str) -> Self {
        Self {
            login_id: Some(login_id.into()),
            code: Some(code.into()),
        }
    }
}

/// Starting a magic link by email ([`path::MAGIC_LINK_SIGN_UP_OR_IN`] and its siblings).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkStart {
    /// The login ID (an email address).
    pub login_id: Option<String>,
    /// Where the link leads; the token is added to it as `t`.
    #[serde(rename = "URI")]
    pub uri: Option<String>,
    /// Details of the user, should this sign them up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SignUpUser>,
    /// Descope's login options; accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_options: Option<Value>,
}

impl LinkStart {
    /// A link to `uri` for `login_id`, with no login options, as the SDKs send a sign-in.
    pub fn new(login_id: &str, uri: &str) -> Self {
        Self {
            login_id: Some(login_id.into()),
            uri: Some(uri.into()),
            user: None,
            login_options: Some(Value::Object(serde_json::Map::new())),
        }
    }
}

/// [`path::MAGIC_LINK_VERIFY`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkVerify {
    /// The `t` of the link.
    pub token: Option<String>,
}

/// What sign-in, sign-up, verify and refresh calls answer (Descope's `JWTResponse`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtResponse {
    /// The session token, for `Authorization: Bearer` on the app's API.
    pub session_jwt: String,
    /// The refresh token; absent when the project delivers it as an httpOnly cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_jwt: Option<String>,
    /// The domain of the refresh cookie, when the project sets one.
    #[serde(default)]
    pub cookie_domain: String,
    /// The path of the refresh cookie.
    #[serde(default)]
    pub cookie_path: String,
    /// Seconds the refresh token has left.
    #[serde(default)]
    pub cookie_max_age: i64,
    /// When the refresh token expires (Unix seconds).
    #[serde(default)]
    pub cookie_expiration: i64,
    /// The name of the refresh cookie (`DSR` unless the project renames it).
    #[serde(default)]
    pub cookie_name: String,
    /// When the session token expires (Unix seconds).
    #[serde(default)]
    pub session_expiration: i64,
    /// The signed-in user.
    #[serde(default)]
    pub user: Option<UserResponse>,
    /// Whether this call created the user.
    #[serde(default)]
    pub first_seen: bool,
    /// Claims of the session beyond the token's own, such as `amr`.
    #[serde(default)]
    pub claims: Value,
    /// When to refresh, in seconds from now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_refresh_seconds: Option<i64>,
}

/// A user as Descope describes them (`UserResponse`), in `/v1/auth/me` and in
/// [`JwtResponse::user`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserResponse {
    /// The login IDs.
    pub login_ids: Vec<String>,
    /// The user's ID (the `sub` of their tokens).
    pub user_id: String,
    /// The display name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The phone number.
    pub phone: String,
    /// Whether the email address has been proven (by a code or a link).
    pub verified_email: bool,
    /// Whether the phone number has been proven.
    pub verified_phone: bool,
    /// Project-level roles.
    pub role_names: Vec<String>,
    /// Tenants, with the user's roles in each.
    pub user_tenants: Vec<UserTenant>,
    /// `enabled`, `disabled` or `invited`.
    pub status: String,
    /// External IDs.
    pub external_ids: Vec<String>,
    /// The picture's URL.
    pub picture: String,
    /// Whether this is a test user.
    pub test: bool,
    /// Custom attributes.
    pub custom_attributes: BTreeMap<String, Value>,
    /// When the user was created (Unix seconds).
    pub created_time: i64,
    /// Whether the user has an authenticator app.
    #[serde(rename = "TOTP")]
    pub totp: bool,
    /// Whether the user signs in through SAML.
    #[serde(rename = "SAML")]
    pub saml: bool,
    /// OAuth providers the user signed in with.
    #[serde(rename = "OAuth")]
    pub oauth: BTreeMap<String, bool>,
    /// Whether the user has a passkey.
    pub webauthn: bool,
    /// Whether the user has a password.
    pub password: bool,
    /// SSO applications.
    pub sso_app_ids: Vec<String>,
    /// Given name.
    pub given_name: String,
    /// Middle name.
    pub middle_name: String,
    /// Family name.
    pub family_name: String,
    /// Whether the user is provisioned through SCIM.
    #[serde(rename = "SCIM")]
    pub scim: bool,
}

/// A user's membership of a tenant, in [`UserResponse::user_tenants`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserTenant {
    /// The tenant's ID.
    pub tenant_id: String,
    /// The tenant's name.
    pub tenant_name: String,
    /// The user's roles in the tenant.
    pub role_names: Vec<String>,
    /// The permissions those roles give.
    pub permissions: Vec<String>,
}

/// What starting a one-time code or magic link answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaskedEmail {
    /// The address the message went to, partly hidden (`a***@example.com`).
    #[serde(default)]
    pub masked_email: String,
}

/// [`path::TENANT_SELECT`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSelect {
    /// The tenant's ID: one of the user's.
    #[serde(default)]
    pub tenant: Option<String>,
}

/// [`path::ME_TENANTS`]: the tenant the session selected (`dct`), or those of `ids`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTenantsRequest {
    /// The selected tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dct: Option<bool>,
    /// These tenants, where the user belongs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<String>>,
}

/// One of [`MyTenants::tenants`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MyTenant {
    /// The tenant's ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its custom attributes.
    pub custom_attributes: BTreeMap<String, Value>,
}

/// The answer of [`path::ME_TENANTS`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MyTenants {
    /// The tenants.
    pub tenants: Vec<MyTenant>,
}

/// A sign-in, as [`path::ME_HISTORY`] lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SignInRecord {
    /// The user.
    pub user_id: String,
    /// When (Unix seconds).
    pub login_time: i64,
    /// Where, as far as known (empty here).
    pub city: String,
    /// Where, as far as known (empty here).
    pub country: String,
    /// From which address.
    pub ip: String,
}

/// [`path::ACCESS_KEY_EXCHANGE`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeyExchange {
    /// Options of this exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_options: Option<AccessKeyLoginOptions>,
}

/// [`AccessKeyExchange::login_options`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeyLoginOptions {
    /// Claims the session token carries under `nsec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_claims: Option<serde_json::Map<String, Value>>,
    /// One of the key's tenants, which the session token names in `dct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_tenant: Option<String>,
}

/// The answer of [`path::ACCESS_KEY_EXCHANGE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeyExchanged {
    /// The key's ID.
    pub key_id: String,
    /// The session token.
    pub session_jwt: String,
    /// When it expires (Unix seconds).
    pub expiration: i64,
}

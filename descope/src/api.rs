//! Descope's auth API: shared types and conventions.

use serde::{Deserialize, Serialize};

/// Where Descope serves projects whose ID carries no region.
pub const DEFAULT_BASE_URL: &str = "https://api.descope.com";

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

/// What sign-in, sign-up, verify and refresh calls answer (Descope's `JWTResponse`); only the
/// fields a client needs are read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtResponse {
    /// The session token, for `Authorization: Bearer` on the app's API.
    pub session_jwt: String,
    /// The refresh token; absent when the project delivers it as an httpOnly cookie.
    #[serde(default)]
    pub refresh_jwt: Option<String>,
    /// When the session token expires (Unix seconds).
    #[serde(default)]
    pub session_expiration: i64,
    /// The signed-in user.
    #[serde(default)]
    pub user: Option<UserResponse>,
    /// Whether this call created the user.
    #[serde(default)]
    pub first_seen: bool,
}

/// A user as `/v1/auth/me` describes them; only the fields a client needs are read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    /// The user's ID (the `sub` of their tokens).
    pub user_id: String,
    /// The display name.
    #[serde(default)]
    pub name: String,
    /// The email address.
    #[serde(default)]
    pub email: String,
}

/// What starting a one-time code or magic link answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaskedEmail {
    /// The address the message went to, partly hidden (`a***@example.com`).
    #[serde(default)]
    pub masked_email: String,
}

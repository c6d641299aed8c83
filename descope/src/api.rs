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

//! The claims of a Descope session token, typed.

use std::collections::HashMap;

use serde::{de::IgnoredAny, Deserialize, Deserializer, Serialize};

/// The verified claims of a session token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionClaims {
    /// The user's ID (`dsub` when present, else `sub`).
    pub user_id: String,
    /// Project-level roles.
    pub roles: Vec<String>,
    /// Project-level permissions.
    pub permissions: Vec<String>,
    /// Roles and permissions per tenant ID.
    pub tenants: HashMap<String, TenantClaims>,
    /// The current tenant (`dct`), when one was selected.
    pub current_tenant: Option<String>,
    /// How the user authenticated (`pwd`, `email`, `mfa`…).
    pub amr: Vec<String>,
    /// Issued at, in Unix seconds.
    pub iat: u64,
    /// Expires at, in Unix seconds.
    pub exp: u64,
    /// The user's name, when the project's JWT template adds a `name` claim.
    pub name: Option<String>,
    /// The user's email, when the project's JWT template adds an `email` claim.
    pub email: Option<String>,
}

/// A user's roles and permissions in one tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantClaims {
    /// Roles in the tenant.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Permissions in the tenant.
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl SessionClaims {
    /// Whether the user has this project-level role.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// Whether the user has this project-level permission.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// Whether the user has this role in the tenant.
    pub fn has_tenant_role(&self, tenant: &str, role: &str) -> bool {
        self.tenants
            .get(tenant)
            .is_some_and(|t| t.roles.iter().any(|r| r == role))
    }

    /// Whether the user has this permission in the tenant.
    pub fn has_tenant_permission(&self, tenant: &str, permission: &str) -> bool {
        self.tenants
            .get(tenant)
            .is_some_and(|t| t.permissions.iter().any(|p| p == permission))
    }
}

/// The payload as it arrives. Every field is typed strictly: a claim of the wrong type fails
/// deserialisation instead of counting as absent, and a repeated claim is an error.
#[derive(Deserialize)]
pub(crate) struct RawClaims {
    #[serde(default, deserialize_with = "present")]
    pub(crate) drn: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) sub: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) dsub: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) iss: Option<String>,
    #[serde(default, deserialize_with = "audience")]
    pub(crate) aud: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) exp: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) nbf: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) iat: Option<u64>,
    #[serde(default)]
    pub(crate) amr: Vec<String>,
    #[serde(default)]
    pub(crate) roles: Vec<String>,
    #[serde(default)]
    pub(crate) permissions: Vec<String>,
    #[serde(default)]
    pub(crate) tenants: HashMap<String, TenantClaims>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) dct: Option<String>,
    /// Details a JWT template may add: they describe the user and authorise nothing, so one
    /// that is not a string counts as absent instead of refusing the token.
    #[serde(default, deserialize_with = "text")]
    pub(crate) name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub(crate) email: Option<String>,
}

/// The header fields we read; `jku`, `x5u`, `jwk` and `x5c` are deliberately not among them.
#[derive(Deserialize)]
pub(crate) struct RawHeader {
    pub(crate) alg: String,
    #[serde(default, deserialize_with = "present")]
    pub(crate) kid: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    pub(crate) crit: bool,
}

/// A field that, when present, must hold a `T` (not `null`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A string, or absent when the field holds anything else.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Text(String),
        Other(IgnoredAny),
    }
    Ok(match Text::deserialize(d)? {
        Text::Text(text) => Some(text),
        Text::Other(_) => None,
    })
}

/// A field whose presence alone matters, whatever it holds.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(d).map(|_| true)
}

/// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
fn audience<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(Some(match OneOrMany::deserialize(d)? {
        OneOrMany::One(a) => vec![a],
        OneOrMany::Many(a) => a,
    }))
}

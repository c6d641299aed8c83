//! A whole project as one JSON document: its permissions, roles, tenants, users (with their
//! password hashes) and access keys (with the digests of their secrets). `descope-local export`
//! writes one, `descope-local import` and the seed file read one; importing creates what is
//! missing and leaves what exists alone. Sessions, codes and signing keys stay with the data
//! folder.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    authz::{Permission, Role, Tenant},
    credentials::hashing,
    error::Error,
    users::{self, valid_user_id, LoginId, Status, TenantRoles, User},
};
use crate::{
    storage::{access_keys, authz, users as stored_users, Connection},
    support::config::PasswordPolicy,
};

/// The document.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Project {
    #[serde(default)]
    pub(crate) permissions: Vec<PermissionEntry>,
    #[serde(default)]
    pub(crate) tenants: Vec<TenantEntry>,
    #[serde(default)]
    pub(crate) roles: Vec<RoleEntry>,
    #[serde(default)]
    pub(crate) users: Vec<UserEntry>,
    #[serde(default)]
    pub(crate) access_keys: Vec<AccessKeyEntry>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PermissionEntry {
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RoleEntry {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    permission_names: Vec<String>,
    /// Empty for a project role.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    tenant_id: String,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    private: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TenantEntry {
    id: String,
    name: String,
    #[serde(default)]
    self_provisioning_domains: Vec<String>,
    #[serde(default)]
    custom_attributes: BTreeMap<String, Value>,
    #[serde(default, rename = "enforceSSO")]
    enforce_sso: bool,
    #[serde(default)]
    disabled: bool,
}

/// A user: `loginId` (or, in seed files of the first form, `email`), an optional password in
/// clear (seed files) or hash (exports), and the rest of their profile.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct UserEntry {
    /// The user's ID, kept by an import so that tokens and bound access keys still name them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    login_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    additional_login_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    given_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    middle_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    family_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    picture: String,
    /// A password in clear (seed files); hashed before the import's transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    /// An argon2id hash in PHC form, as exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password_hash: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    tenants: BTreeMap<String, TenantRoles>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    custom_attributes: BTreeMap<String, Value>,
    #[serde(default)]
    test: bool,
    /// Users of a file are trusted with their address unless it says otherwise.
    #[serde(default = "yes")]
    verified_email: bool,
    #[serde(default)]
    verified_phone: bool,
    /// The password must be replaced before it signs in.
    #[serde(default)]
    password_expired: bool,
    #[serde(default)]
    disabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AccessKeyEntry {
    id: String,
    name: String,
    /// The digest of the key's secret: the secret itself is never kept.
    secret_hash: String,
    #[serde(default)]
    description: String,
    #[serde(default = "yes")]
    active: bool,
    #[serde(default)]
    expire_time: i64,
    #[serde(default)]
    role_names: Vec<String>,
    #[serde(default)]
    tenants: BTreeMap<String, TenantRoles>,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    custom_claims: BTreeMap<String, Value>,
    #[serde(default)]
    permitted_ips: Vec<String>,
}

/// What an import created; what existed is left alone and not counted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Permissions created.
    pub permissions: usize,
    /// Tenants created.
    pub tenants: usize,
    /// Roles created.
    pub roles: usize,
    /// Users created.
    pub users: usize,
    /// Access keys created.
    pub access_keys: usize,
}

/// `items` in the order of `key`, so that exports of the same project are the same text.
fn sorted<T>(mut items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    items.sort_by_key(key);
    items
}

impl Project {
    /// Hashes the passwords given in clear, each checked against `policy`: done before the
    /// import's transaction, so that hashing never holds the store's write lock.
    pub(crate) fn hash_passwords(&mut self, policy: &PasswordPolicy) -> Result<(), Error> {
        for user in &mut self.users {
            if let Some(password) = user.password.take() {
                let written = user
                    .login_id
                    .as_deref()
                    .or(user.email.as_deref())
                    .unwrap_or_default();
                if user.password_hash.is_some() {
                    return Err(Error::Validation(format!(
                        "{written}: give a password or its hash, not both"
                    )));
                }
                hashing::check_policy(policy, &password)
                    .map_err(|e| Error::Validation(format!("{written}: {e}")))?;
                user.password_hash = Some(hashing::hash_now(&password).map_err(Error::Internal)?);
            }
        }
        Ok(())
    }

    /// A document of everything in the store.
    pub(crate) fn export(conn: &Connection) -> Result<Self, Error> {
        let hashes = stored_users::password_hashes(conn)?;
        let secrets = access_keys::secret_hashes(conn)?;
        Ok(Self {
            permissions: authz::permissions(conn)?
                .into_iter()
                .map(|p| PermissionEntry {
                    name: p.name,
                    description: p.description,
                })
                .collect(),
            tenants: authz::tenants(conn)?
                .into_iter()
                .map(|t| TenantEntry {
                    id: t.id,
                    name: t.name,
                    self_provisioning_domains: t.self_provisioning_domains,
                    custom_attributes: t.custom_attributes,
                    enforce_sso: t.enforce_sso,
                    disabled: t.disabled,
                })
                .collect(),
            roles: authz::roles(conn)?
                .into_iter()
                .map(|r| RoleEntry {
                    name: r.name,
                    description: r.description,
                    permission_names: r.permissions,
                    tenant_id: r.tenant_id,
                    default: r.is_default,
                    private: r.is_private,
                })
                .collect(),
            users: sorted(stored_users::all(conn)?, |u| u.login_id.clone())
                .into_iter()
                .map(|u| UserEntry {
                    password_hash: hashes.get(&u.id).cloned(),
                    user_id: Some(u.id),
                    login_id: Some(u.login_id),
                    additional_login_ids: u.additional_login_ids,
                    email: Some(u.email),
                    name: u.name,
                    given_name: u.given_name,
                    middle_name: u.middle_name,
                    family_name: u.family_name,
                    phone: u.phone,
                    picture: u.picture,
                    verified_phone: u.verified_phone,
                    password_expired: u.password_expired,
                    password: None,
                    roles: u.roles,
                    tenants: u.tenants,
                    custom_attributes: u.custom_attributes,
                    test: u.test,
                    verified_email: u.verified_email,
                    disabled: u.status == Status::Disabled,
                })
                .collect(),
            access_keys: sorted(access_keys::all(conn)?, |k| k.id.clone())
                .into_iter()
                .map(|k| AccessKeyEntry {
                    secret_hash: secrets.get(&k.id).cloned().unwrap_or_default(),
                    id: k.id,
                    name: k.name,
                    description: k.description,
                    active: k.active,
                    expire_time: k.expires_at,
                    role_names: k.roles,
                    tenants: k.tenants,
                    user_id: k.user_id,
                    custom_claims: k.custom_claims,
                    permitted_ips: k.permitted_ips,
                })
                .collect(),
        })
    }

    /// Creates each entry that does not exist yet; passwords in clear must have been hashed
    /// ([`Project::hash_passwords`]). An invalid entry is an [`Error::Validation`] naming it;
    /// run in one transaction, it changes nothing.
    pub(crate) fn import(self, conn: &Connection, now: i64) -> Result<Imported, Error> {
        let mut imported = Imported::default();
        let invalid =
            |item: &str, reason: String| Err(Error::Validation(format!("{item}: {reason}")));
        for p in self.permissions {
            let permission = Permission {
                name: p.name,
                description: p.description,
                created_at: now,
            };
            imported.permissions += usize::from(authz::insert_permission(conn, &permission)?);
        }
        for t in self.tenants {
            if t.id.trim().is_empty() || t.name.trim().is_empty() {
                return invalid(&t.id, "a tenant needs an id and a name".into());
            }
            let exists = authz::tenant(conn, &t.id)?.is_some();
            let tenant = Tenant {
                id: t.id,
                name: t.name,
                self_provisioning_domains: t.self_provisioning_domains,
                custom_attributes: t.custom_attributes,
                enforce_sso: t.enforce_sso,
                disabled: t.disabled,
                created_at: now,
            };
            if !exists && !authz::insert_tenant(conn, &tenant)? {
                return invalid(&tenant.id, format!("the name {:?} is taken", tenant.name));
            }
            imported.tenants += usize::from(!exists);
        }
        let known: Vec<String> = authz::permissions(conn)?
            .into_iter()
            .map(|p| p.name)
            .collect();
        for r in self.roles {
            if let Some(unknown) = r.permission_names.iter().find(|p| !known.contains(p)) {
                return invalid(&r.name, format!("no permission {unknown:?}"));
            }
            if !r.tenant_id.is_empty() && authz::tenant(conn, &r.tenant_id)?.is_none() {
                return invalid(&r.name, format!("no tenant {:?}", r.tenant_id));
            }
            let role = Role {
                name: r.name,
                tenant_id: r.tenant_id,
                description: r.description,
                permissions: r.permission_names,
                is_default: r.default,
                is_private: r.private,
                created_at: now,
            };
            imported.roles += usize::from(authz::insert_role(conn, &role)?);
        }
        for u in self.users {
            let written = u
                .login_id
                .as_deref()
                .or(u.email.as_deref())
                .unwrap_or_default()
                .to_owned();
            let login_id = match LoginId::parse(&written) {
                Ok(login_id) => login_id,
                Err(e) => return invalid(&written, e.to_string()),
            };
            if stored_users::by_login(conn, login_id.as_str())?.is_some() {
                continue;
            }
            let mut additional_login_ids = Vec::new();
            for id in &u.additional_login_ids {
                let id = match LoginId::parse(id) {
                    Ok(id) => id.as_str().to_owned(),
                    Err(e) => return invalid(&written, e.to_string()),
                };
                if stored_users::login_taken(conn, &id)? {
                    return invalid(&written, format!("the login ID {id:?} is taken"));
                }
                if id != login_id.as_str() && !additional_login_ids.contains(&id) {
                    additional_login_ids.push(id);
                }
            }
            let hash = match (u.password, u.password_hash) {
                (Some(_), _) => {
                    return invalid(
                        &written,
                        "passwords in clear are hashed before import".into(),
                    )
                }
                (None, Some(hash)) if hashing::is_usable_hash(&hash) => Some(hash),
                (None, Some(_)) => {
                    return invalid(
                        &written,
                        "the password hash is not an argon2id hash this server can check (at \
                         most 64 MiB, 10 passes, 4 lanes)"
                            .into(),
                    )
                }
                (None, None) => None,
            };
            // An `email` beside `loginId` is the address; alone, it is the login ID.
            let email = match u.email.filter(|e| !e.is_empty() && u.login_id.is_some()) {
                Some(email) => match LoginId::parse(&email) {
                    Ok(email) => email.as_str().to_owned(),
                    Err(e) => return invalid(&written, e.to_string()),
                },
                None => String::new(),
            };
            // No ID: the server makes one.
            let id = u.user_id.as_deref().unwrap_or_default().trim().to_owned();
            if !id.is_empty() {
                if !valid_user_id(&id) {
                    return invalid(
                        &written,
                        "a user ID has at most 64 bytes, and no space or control character".into(),
                    );
                }
                if stored_users::by_id(conn, &id)?.is_some() {
                    return invalid(&written, format!("the user ID {id:?} is taken"));
                }
            }
            let user = User {
                id,
                additional_login_ids,
                name: u.name,
                given_name: u.given_name,
                middle_name: u.middle_name,
                family_name: u.family_name,
                email,
                phone: u.phone,
                picture: u.picture,
                verified_phone: u.verified_phone,
                password_expired: u.password_expired && hash.is_some(),
                roles: u.roles,
                tenants: u.tenants,
                custom_attributes: u.custom_attributes,
                test: u.test,
                verified_email: u.verified_email,
                status: if u.disabled {
                    Status::Disabled
                } else {
                    Status::Enabled
                },
                managed: true,
                ..User::default()
            };
            users::create(conn, &login_id, user, hash.as_deref(), now)?;
            imported.users += 1;
        }
        for k in self.access_keys {
            if k.id.trim().is_empty() {
                return invalid(&k.name, "an access key needs an id".into());
            }
            if access_keys::by_id(conn, &k.id)?.is_some() {
                continue;
            }
            if k.secret_hash.is_empty() {
                return invalid(&k.id, "an access key needs its secretHash".into());
            }
            let key = access_keys::AccessKey {
                id: k.id,
                name: k.name,
                description: k.description,
                active: k.active,
                expires_at: k.expire_time,
                roles: k.role_names,
                tenants: k.tenants,
                user_id: k.user_id,
                custom_claims: k.custom_claims,
                permitted_ips: k.permitted_ips,
                created_at: now,
            };
            access_keys::insert(conn, &key, &k.secret_hash)?;
            imported.access_keys += 1;
        }
        Ok(imported)
    }
}

//! The authorization model: permissions, roles (of the project or of one tenant) and tenants,
//! and what a user's roles grant them, as their session tokens carry it.

use std::collections::{BTreeMap, BTreeSet};

use super::{error::Error, users::TenantRoles};
use crate::{
    storage::{access_keys, authz, users as stored_users, Connection, Store},
    support::{clock::Clock, ids::random_id},
};

pub(crate) use crate::storage::authz::{Permission, Role, Tenant};

/// What a user's roles grant, as a session token's `permissions` and `tenants` claims carry it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Grants {
    /// The permissions of the user's project roles.
    pub(crate) permissions: Vec<String>,
    /// Per tenant: the user's roles there and the permissions they grant.
    pub(crate) tenants: BTreeMap<String, TenantRoles>,
}

/// What `roles` grant in `tenant` (project roles when empty): a tenant's own role of a name
/// comes before the project's, and permissions given directly (by a seed file) are kept.
fn permissions_of(all: &[Role], tenant: &str, roles: &[String], direct: &[String]) -> Vec<String> {
    let mut granted: BTreeSet<String> = direct.iter().cloned().collect();
    for name in roles {
        let role = all
            .iter()
            .find(|r| r.tenant_id == tenant && &r.name == name)
            .or_else(|| {
                all.iter()
                    .find(|r| r.tenant_id.is_empty() && &r.name == name)
            });
        if let Some(role) = role {
            granted.extend(role.permissions.iter().cloned());
        }
    }
    granted.into_iter().collect()
}

/// What the user's roles grant them now.
pub(crate) fn grants(conn: &Connection, user: &stored_users::User) -> Result<Grants, Error> {
    grants_of(conn, &user.roles, &user.tenants)
}

/// What `roles` in the project and `tenants` (memberships with their roles) grant now.
pub(crate) fn grants_of(
    conn: &Connection,
    roles: &[String],
    tenants: &BTreeMap<String, TenantRoles>,
) -> Result<Grants, Error> {
    // Most holders have no role at all: then there is nothing to read.
    let nothing_to_expand = roles.is_empty() && tenants.values().all(|m| m.roles.is_empty());
    let all = if nothing_to_expand {
        Vec::new()
    } else {
        authz::roles(conn)?
    };
    Ok(Grants {
        permissions: permissions_of(&all, "", roles, &[]),
        tenants: tenants
            .iter()
            .map(|(id, membership)| {
                let granted = TenantRoles {
                    roles: membership.roles.clone(),
                    permissions: permissions_of(
                        &all,
                        id,
                        &membership.roles,
                        &membership.permissions,
                    ),
                };
                (id.clone(), granted)
            })
            .collect(),
    })
}

/// The names of the tenants `ids` names, by ID; one never created is left out (and shown by its
/// ID).
pub(crate) fn tenant_names<'a>(
    conn: &Connection,
    ids: impl IntoIterator<Item = &'a String>,
) -> Result<BTreeMap<String, String>, Error> {
    let mut names = BTreeMap::new();
    for id in ids {
        if let Some(tenant) = authz::tenant(conn, id)? {
            names.insert(tenant.id, tenant.name);
        }
    }
    Ok(names)
}

/// Applies `change` to the project roles and tenant memberships of every user and access key,
/// storing each it changed (`change` answers whether it did).
fn change_holders(
    conn: &Connection,
    mut change: impl FnMut(&mut Vec<String>, &mut BTreeMap<String, TenantRoles>) -> bool,
) -> Result<(), Error> {
    for mut user in stored_users::all(conn)? {
        if change(&mut user.roles, &mut user.tenants) {
            stored_users::update(conn, &user)?;
        }
    }
    for mut key in access_keys::all(conn)? {
        if change(&mut key.roles, &mut key.tenants) {
            access_keys::update(conn, &key)?;
        }
    }
    Ok(())
}

/// Replaces the role `old` of `tenant` (the project's when empty) with `new`, or drops it when
/// `new` is `None`, wherever it is held: in users' and access keys' project roles and tenant
/// memberships. A project role is also held in a tenant membership, unless that tenant has a
/// role of the same name of its own (which is the one meant there).
fn carry_role_change(
    conn: &Connection,
    tenant: &str,
    old: &str,
    new: Option<&str>,
) -> Result<(), Error> {
    let shadowed: BTreeSet<String> = authz::roles(conn)?
        .into_iter()
        .filter(|r| !r.tenant_id.is_empty() && r.name == old)
        .map(|r| r.tenant_id)
        .collect();
    let change = |roles: &mut Vec<String>| -> bool {
        let Some(at) = roles.iter().position(|r| r == old) else {
            return false;
        };
        match new {
            Some(new) if !roles.iter().any(|r| r == new) => roles[at] = new.to_owned(),
            _ => {
                roles.remove(at);
            }
        }
        true
    };
    // Which role lists hold the role: the project's, and the memberships of the tenant (for a
    // tenant role) or of every tenant without its own role of that name (for a project role).
    let applies = |membership: &str| {
        if tenant.is_empty() {
            !shadowed.contains(membership)
        } else {
            membership == tenant
        }
    };
    change_holders(conn, |roles, memberships| {
        let mut changed = tenant.is_empty() && change(roles);
        for (id, membership) in memberships.iter_mut() {
            if applies(id) {
                changed |= change(&mut membership.roles);
            }
        }
        changed
    })
}

fn exists(what: &str, name: &str) -> Error {
    Error::Conflict(format!("{what} {name:?} already exists."))
}

fn missing(what: &str, name: &str) -> Error {
    Error::NotFound(format!("There is no {what} {name:?}."))
}

/// The management API's work on permissions, roles and tenants.
#[derive(Clone)]
pub(crate) struct Authz {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
}

impl Authz {
    pub(crate) async fn create_permission(
        &self,
        name: String,
        description: String,
    ) -> Result<(), Error> {
        let now = self.clock.now();
        self.store
            .write(move |conn| {
                let p = Permission {
                    name,
                    description,
                    created_at: now,
                };
                if authz::insert_permission(conn, &p)? {
                    Ok(())
                } else {
                    Err(exists("permission", &p.name))
                }
            })
            .await
    }

    /// Renames (or re-describes) a permission; the roles that grant it grant the new name.
    pub(crate) async fn update_permission(
        &self,
        name: String,
        new_name: String,
        description: String,
    ) -> Result<(), Error> {
        self.store
            .write(move |conn| {
                let p = Permission {
                    name: new_name,
                    description,
                    created_at: 0,
                };
                if authz::permissions(conn)?
                    .iter()
                    .all(|existing| existing.name != name)
                {
                    return Err(missing("permission", &name));
                }
                if authz::update_permission(conn, &name, &p)? {
                    Ok(())
                } else {
                    Err(exists("permission", &p.name))
                }
            })
            .await
    }

    /// Deletes a permission; the roles that granted it no longer do.
    pub(crate) async fn delete_permission(&self, name: String) -> Result<(), Error> {
        self.store
            .write(move |conn| {
                if authz::delete_permission(conn, &name)? {
                    Ok(())
                } else {
                    Err(missing("permission", &name))
                }
            })
            .await
    }

    pub(crate) async fn permissions(&self) -> Result<Vec<Permission>, Error> {
        self.store.read(|conn| Ok(authz::permissions(conn)?)).await
    }

    /// Creates a role granting `role.permissions`, which must exist, in its tenant (which must
    /// exist) or the project.
    pub(crate) async fn create_role(&self, mut role: Role) -> Result<(), Error> {
        role.created_at = self.clock.now();
        self.store
            .write(move |conn| {
                check_role(conn, &role)?;
                if authz::insert_role(conn, &role)? {
                    Ok(())
                } else {
                    Err(exists("role", &role.name))
                }
            })
            .await
    }

    /// Replaces the role `name`; a new name is carried to every user and access key that holds
    /// the role.
    pub(crate) async fn update_role(&self, name: String, role: Role) -> Result<(), Error> {
        self.store
            .write(move |conn| {
                check_role(conn, &role)?;
                if authz::role(conn, &role.tenant_id, &name)?.is_none() {
                    return Err(missing("role", &name));
                }
                if !authz::update_role(conn, &name, &role)? {
                    return Err(exists("role", &role.name));
                }
                if role.name != name {
                    carry_role_change(conn, &role.tenant_id, &name, Some(&role.name))?;
                }
                Ok(())
            })
            .await
    }

    /// Deletes a role and takes it from every user and access key that held it.
    pub(crate) async fn delete_role(&self, tenant: String, name: String) -> Result<(), Error> {
        self.store
            .write(move |conn| {
                if !authz::delete_role(conn, &tenant, &name)? {
                    return Err(missing("role", &name));
                }
                carry_role_change(conn, &tenant, &name, None)
            })
            .await
    }

    pub(crate) async fn roles(&self) -> Result<Vec<Role>, Error> {
        self.store.read(|conn| Ok(authz::roles(conn)?)).await
    }

    /// Creates a tenant, with a new ID unless one is given; answers the ID.
    pub(crate) async fn create_tenant(&self, mut tenant: Tenant) -> Result<String, Error> {
        if tenant.id.is_empty() {
            tenant.id = format!("T{}", random_id(27));
        }
        tenant.created_at = self.clock.now();
        self.store
            .write(move |conn| {
                if authz::insert_tenant(conn, &tenant)? {
                    Ok(tenant.id)
                } else {
                    Err(exists("tenant", &tenant.name))
                }
            })
            .await
    }

    pub(crate) async fn update_tenant(&self, tenant: Tenant) -> Result<(), Error> {
        self.store
            .write(move |conn| {
                if authz::tenant(conn, &tenant.id)?.is_none() {
                    return Err(missing("tenant", &tenant.id));
                }
                if authz::update_tenant(conn, &tenant)? {
                    Ok(())
                } else {
                    Err(exists("tenant", &tenant.name))
                }
            })
            .await
    }

    /// Deletes a tenant with its roles, and takes every user and access key out of it.
    pub(crate) async fn delete_tenant(&self, id: String) -> Result<(), Error> {
        self.store
            .write(move |conn| {
                if !authz::delete_tenant(conn, &id)? {
                    return Err(missing("tenant", &id));
                }
                change_holders(conn, |_, memberships| memberships.remove(&id).is_some())
            })
            .await
    }

    pub(crate) async fn tenant(&self, id: String) -> Result<Tenant, Error> {
        self.store
            .read(move |conn| authz::tenant(conn, &id)?.ok_or_else(|| missing("tenant", &id)))
            .await
    }

    /// The names of the tenants `users` belong to, by ID.
    pub(crate) async fn tenant_names(
        &self,
        users: &[stored_users::User],
    ) -> Result<BTreeMap<String, String>, Error> {
        let ids: BTreeSet<String> = users
            .iter()
            .flat_map(|u| u.tenants.keys().cloned())
            .collect();
        self.store.read(move |conn| tenant_names(conn, &ids)).await
    }

    pub(crate) async fn tenants(&self) -> Result<Vec<Tenant>, Error> {
        self.store.read(|conn| Ok(authz::tenants(conn)?)).await
    }
}

/// A role's tenant and permissions must exist.
fn check_role(conn: &Connection, role: &Role) -> Result<(), Error> {
    if !role.tenant_id.is_empty() && authz::tenant(conn, &role.tenant_id)?.is_none() {
        return Err(missing("tenant", &role.tenant_id));
    }
    let known: BTreeSet<String> = authz::permissions(conn)?
        .into_iter()
        .map(|p| p.name)
        .collect();
    match role.permissions.iter().find(|p| !known.contains(*p)) {
        Some(unknown) => Err(missing("permission", unknown)),
        None => Ok(()),
    }
}

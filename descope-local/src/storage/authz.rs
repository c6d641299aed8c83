//! The `permissions`, `roles` and `tenants` tables: a project's authorization model. A role
//! belongs to the project (`tenant_id` empty) or to one tenant.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use super::error::StoreError;

/// A permission.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Permission {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_at: i64,
}

/// A role and the permissions it grants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Role {
    pub(crate) name: String,
    /// Empty for a project role.
    pub(crate) tenant_id: String,
    pub(crate) description: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) is_default: bool,
    pub(crate) is_private: bool,
    pub(crate) created_at: i64,
}

/// A tenant.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Tenant {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) self_provisioning_domains: Vec<String>,
    pub(crate) custom_attributes: BTreeMap<String, Value>,
    pub(crate) enforce_sso: bool,
    pub(crate) disabled: bool,
    pub(crate) created_at: i64,
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn from_json<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

/// Whether an insert failed on a uniqueness constraint: the name (or ID) is taken.
fn taken<T>(result: rusqlite::Result<T>) -> Result<bool, StoreError> {
    match result {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Adds a permission; false if the name is taken.
pub(crate) fn insert_permission(conn: &Connection, p: &Permission) -> Result<bool, StoreError> {
    taken(conn.execute(
        "INSERT INTO permissions (name, description, created_at) VALUES (?1, ?2, ?3)",
        rusqlite::params![p.name, p.description, p.created_at],
    ))
}

/// Renames and describes the permission `name`, and renames it in every role; false if there is
/// no such permission or `p.name` is taken.
pub(crate) fn update_permission(
    conn: &Connection,
    name: &str,
    p: &Permission,
) -> Result<bool, StoreError> {
    let updated = conn.execute(
        "UPDATE permissions SET name = ?2, description = ?3 WHERE name = ?1",
        rusqlite::params![name, p.name, p.description],
    );
    match taken(updated) {
        Ok(true) => {}
        other => return other,
    }
    if conn.changes() == 0 {
        return Ok(false);
    }
    for mut role in roles(conn)? {
        if let Some(slot) = role.permissions.iter_mut().find(|n| *n == name) {
            slot.clone_from(&p.name);
            save_role_permissions(conn, &role)?;
        }
    }
    Ok(true)
}

/// Deletes the permission and takes it from every role; false if there was none.
pub(crate) fn delete_permission(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    if conn.execute("DELETE FROM permissions WHERE name = ?1", [name])? == 0 {
        return Ok(false);
    }
    for mut role in roles(conn)? {
        let before = role.permissions.len();
        role.permissions.retain(|n| n != name);
        if role.permissions.len() != before {
            save_role_permissions(conn, &role)?;
        }
    }
    Ok(true)
}

pub(crate) fn permissions(conn: &Connection) -> Result<Vec<Permission>, StoreError> {
    let mut statement =
        conn.prepare("SELECT name, description, created_at FROM permissions ORDER BY name")?;
    let rows = statement
        .query_map([], |r| {
            Ok(Permission {
                name: r.get(0)?,
                description: r.get(1)?,
                created_at: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

const ROLE_COLUMNS: &str =
    "name, tenant_id, description, permissions, is_default, is_private, created_at";

fn role_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Role> {
    let permissions: String = r.get(3)?;
    Ok(Role {
        name: r.get(0)?,
        tenant_id: r.get(1)?,
        description: r.get(2)?,
        permissions: from_json(&permissions),
        is_default: r.get(4)?,
        is_private: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// Adds a role; false if its name is taken in its tenant (or the project).
pub(crate) fn insert_role(conn: &Connection, role: &Role) -> Result<bool, StoreError> {
    taken(conn.execute(
        &format!("INSERT INTO roles ({ROLE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        rusqlite::params![
            role.name,
            role.tenant_id,
            role.description,
            json(&role.permissions),
            role.is_default,
            role.is_private,
            role.created_at
        ],
    ))
}

/// Replaces the role `name` of `role.tenant_id` with `role`; false if there is no such role or
/// the new name is taken.
pub(crate) fn update_role(conn: &Connection, name: &str, role: &Role) -> Result<bool, StoreError> {
    let updated = conn.execute(
        "UPDATE roles SET name = ?3, description = ?4, permissions = ?5, is_default = ?6,
             is_private = ?7
         WHERE tenant_id = ?1 AND name = ?2",
        rusqlite::params![
            role.tenant_id,
            name,
            role.name,
            role.description,
            json(&role.permissions),
            role.is_default,
            role.is_private
        ],
    );
    match taken(updated) {
        Ok(true) => Ok(conn.changes() > 0),
        other => other,
    }
}

fn save_role_permissions(conn: &Connection, role: &Role) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE roles SET permissions = ?3 WHERE tenant_id = ?1 AND name = ?2",
        rusqlite::params![role.tenant_id, role.name, json(&role.permissions)],
    )?;
    Ok(())
}

/// Deletes a role; false if there was none.
pub(crate) fn delete_role(
    conn: &Connection,
    tenant_id: &str,
    name: &str,
) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM roles WHERE tenant_id = ?1 AND name = ?2",
        rusqlite::params![tenant_id, name],
    )? > 0)
}

pub(crate) fn role(
    conn: &Connection,
    tenant_id: &str,
    name: &str,
) -> Result<Option<Role>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {ROLE_COLUMNS} FROM roles WHERE tenant_id = ?1 AND name = ?2"),
            rusqlite::params![tenant_id, name],
            role_row,
        )
        .optional()?)
}

/// Every role, project roles first.
pub(crate) fn roles(conn: &Connection) -> Result<Vec<Role>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles ORDER BY tenant_id, name"
    ))?;
    let rows = statement
        .query_map([], role_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

const TENANT_COLUMNS: &str = "id, name, self_provisioning_domains, custom_attributes, \
     enforce_sso, disabled, created_at";

fn tenant_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Tenant> {
    let domains: String = r.get(2)?;
    let attributes: String = r.get(3)?;
    Ok(Tenant {
        id: r.get(0)?,
        name: r.get(1)?,
        self_provisioning_domains: from_json(&domains),
        custom_attributes: from_json(&attributes),
        enforce_sso: r.get(4)?,
        disabled: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// Adds a tenant; false if its ID or name is taken.
pub(crate) fn insert_tenant(conn: &Connection, t: &Tenant) -> Result<bool, StoreError> {
    taken(conn.execute(
        &format!("INSERT INTO tenants ({TENANT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        rusqlite::params![
            t.id,
            t.name,
            json(&t.self_provisioning_domains),
            json(&t.custom_attributes),
            t.enforce_sso,
            t.disabled,
            t.created_at
        ],
    ))
}

/// Replaces the tenant with `t.id`; false if there is none or the new name is taken.
pub(crate) fn update_tenant(conn: &Connection, t: &Tenant) -> Result<bool, StoreError> {
    let updated = conn.execute(
        "UPDATE tenants SET name = ?2, self_provisioning_domains = ?3, custom_attributes = ?4,
             enforce_sso = ?5, disabled = ?6
         WHERE id = ?1",
        rusqlite::params![
            t.id,
            t.name,
            json(&t.self_provisioning_domains),
            json(&t.custom_attributes),
            t.enforce_sso,
            t.disabled
        ],
    );
    match taken(updated) {
        Ok(true) => Ok(conn.changes() > 0),
        other => other,
    }
}

/// Deletes a tenant with its roles; false if there was none.
pub(crate) fn delete_tenant(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    conn.execute("DELETE FROM roles WHERE tenant_id = ?1", [id])?;
    Ok(conn.execute("DELETE FROM tenants WHERE id = ?1", [id])? > 0)
}

pub(crate) fn tenant(conn: &Connection, id: &str) -> Result<Option<Tenant>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {TENANT_COLUMNS} FROM tenants WHERE id = ?1"),
            [id],
            tenant_row,
        )
        .optional()?)
}

/// Every tenant, by name.
pub(crate) fn tenants(conn: &Connection) -> Result<Vec<Tenant>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants ORDER BY name, id"
    ))?;
    let rows = statement
        .query_map([], tenant_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

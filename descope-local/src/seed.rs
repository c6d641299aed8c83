//! Users created at start-up from a JSON file, with roles and tenants.

use std::{collections::BTreeMap, path::Path};

use serde::Deserialize;

use crate::{password, routes::normalise_login, store};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedUser {
    #[serde(default)]
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    tenants: BTreeMap<String, SeedTenant>,
}

#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct SeedTenant {
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
}

/// Creates each user of the file that does not exist yet; existing users are left alone.
pub(crate) fn load(store: &store::Store, path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let users: Vec<SeedUser> = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    for user in users {
        let login_id = normalise_login(&user.email).map_err(|e| format!("{}: {e}", user.email))?;
        password::check_policy(&user.password).map_err(|e| format!("{}: {e}", user.email))?;
        let created = store.call_now(|conn| -> Result<bool, String> {
            if store::user_by_login(conn, &login_id)
                .map_err(|e| e.to_string())?
                .is_some()
            {
                return Ok(false);
            }
            let hash = password::hash_now(&user.password)?;
            store::insert_user(
                conn,
                &store::NewUser {
                    login_id: &login_id,
                    name: &user.name,
                    password_hash: Some(&hash),
                    roles: &serde_json::json!(user.roles),
                    tenants: &serde_json::json!(user.tenants),
                    verified_email: true,
                },
            )
            .map_err(|e| e.to_string())?;
            Ok(true)
        })?;
        if created {
            tracing::info!(email = %login_id, "seeded user");
        }
    }
    Ok(())
}

//! What the management API does to users: load, search, update, enable and disable, roles
//! and tenants, passwords, logout and delete.

use std::{collections::BTreeMap, sync::Arc};

use serde_json::Value;

use crate::{
    domain::{
        credentials::hashing::Hasher,
        error::Error,
        users::{self, LoginId, Status, TenantRoles, User},
    },
    storage::{authz as stored_authz, sessions, users as stored, Connection, Store},
    support::clock::Clock,
};

/// Which user a management call names: Descope's calls take a login ID, or a user ID.
#[derive(Clone, Debug)]
pub(crate) enum UserRef {
    Login(LoginId),
    Id(String),
}

impl UserRef {
    fn find(&self, conn: &Connection) -> Result<User, Error> {
        let found = match self {
            Self::Login(login_id) => stored::by_login(conn, login_id.as_str())?.map(|(u, _)| u),
            Self::Id(id) => stored::by_id(conn, id)?,
        };
        found.ok_or(Error::UserNotFound)
    }
}

/// What a user search keeps: each filter that is set must match.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    pub(crate) login_ids: Vec<String>,
    pub(crate) user_ids: Vec<String>,
    pub(crate) emails: Vec<String>,
    /// A user matches with any of these roles, project-wide or in a tenant.
    pub(crate) roles: Vec<String>,
    pub(crate) tenants: Vec<String>,
    pub(crate) statuses: Vec<String>,
    /// Custom attributes the user must have, with these values.
    pub(crate) custom_attributes: BTreeMap<String, Value>,
    /// Matched, case-insensitively, within the login ID, email, name and phone.
    pub(crate) text: String,
    pub(crate) test_users: TestUsers,
}

/// Whether a search returns test users.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum TestUsers {
    #[default]
    Without,
    With,
    Only,
}

impl Filter {
    fn keeps(&self, user: &User) -> bool {
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        let text = self.text.to_lowercase();
        let test_ok = match self.test_users {
            TestUsers::Without => !user.test,
            TestUsers::With => true,
            TestUsers::Only => user.test,
        };
        test_ok
            && (self.login_ids.is_empty()
                || lower(&self.login_ids)
                    .iter()
                    .any(|id| user.has_login_id(id)))
            && (self.user_ids.is_empty() || self.user_ids.contains(&user.id))
            && self
                .custom_attributes
                .iter()
                .all(|(key, value)| user.custom_attributes.get(key) == Some(value))
            && (self.emails.is_empty() || lower(&self.emails).contains(&user.email.to_lowercase()))
            && (self.statuses.is_empty() || self.statuses.iter().any(|s| s == user.status.as_str()))
            && (self.tenants.is_empty()
                || self.tenants.iter().any(|t| user.tenants.contains_key(t)))
            && (self.roles.is_empty()
                || self.roles.iter().any(|role| {
                    user.roles.contains(role)
                        || user.tenants.values().any(|t| t.roles.contains(role))
                }))
            && (text.is_empty()
                || [&user.login_id, &user.email, &user.name, &user.phone]
                    .iter()
                    .any(|field| field.to_lowercase().contains(&text)))
    }
}

/// A change to a user's roles, project-wide or in one tenant.
#[derive(Clone, Debug)]
pub(crate) enum RoleChange {
    Set(Vec<String>),
    Add(Vec<String>),
    Remove(Vec<String>),
}

impl RoleChange {
    fn apply(self, roles: &mut Vec<String>) {
        match self {
            Self::Set(new) => *roles = dedup(new),
            Self::Add(new) => {
                roles.extend(new);
                *roles = dedup(std::mem::take(roles));
            }
            Self::Remove(gone) => roles.retain(|r| !gone.contains(r)),
        }
    }
}

fn dedup(mut list: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    list.retain(|item| seen.insert(item.clone()));
    list
}

/// What the management API does to users.
#[derive(Clone)]
pub(crate) struct Users {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) hasher: Arc<Hasher>,
}

impl Users {
    /// Creates `user` (a test user if `user.test`), with `password` if one is given.
    pub(crate) async fn create(
        &self,
        login_id: LoginId,
        user: User,
        password: Option<String>,
    ) -> Result<User, Error> {
        let hash = match password {
            Some(password) => {
                self.hasher.check_policy(&password)?;
                Some(self.hasher.hash(password).await?)
            }
            None => None,
        };
        let now = self.clock.now();
        let user = User {
            managed: true,
            ..user
        };
        self.store
            .write(move |conn| users::create(conn, &login_id, user, hash.as_deref(), now))
            .await
    }

    pub(crate) async fn load(&self, who: UserRef) -> Result<User, Error> {
        self.store.read(move |conn| who.find(conn)).await
    }

    /// The users `filter` keeps, oldest first: the page of `limit` (at most 100; 0 means 100)
    /// starting at `page`, and how many there are in all.
    pub(crate) async fn search(
        &self,
        filter: Filter,
        limit: usize,
        page: usize,
    ) -> Result<(Vec<User>, usize), Error> {
        let limit = if limit == 0 { 100 } else { limit.min(100) };
        self.store
            .read(move |conn| -> Result<_, Error> {
                let kept: Vec<User> = stored::all(conn)?
                    .into_iter()
                    .filter(|u| filter.keeps(u))
                    .collect();
                let total = kept.len();
                let page = kept
                    .into_iter()
                    .skip(page.saturating_mul(limit))
                    .take(limit)
                    .collect();
                Ok((page, total))
            })
            .await
    }

    /// Applies `change` to the user and stores the result; the ID, login ID, test flag, origin
    /// and password are not `change`'s to alter. Disabling a user ends their sessions.
    pub(crate) async fn modify(
        &self,
        who: UserRef,
        change: impl FnOnce(&mut User) -> Result<(), Error> + Send + 'static,
    ) -> Result<User, Error> {
        self.store
            .write(move |conn| -> Result<_, Error> {
                let mut user = who.find(conn)?;
                let kept = user.clone();
                change(&mut user)?;
                user.id = kept.id;
                user.login_id = kept.login_id;
                user.test = kept.test;
                user.managed = kept.managed;
                user.created_at = kept.created_at;
                stored::update(conn, &user)?;
                if user.status == Status::Disabled {
                    sessions::revoke_user_families(conn, &user.id, None)?;
                }
                Ok(user)
            })
            .await
    }

    /// Changes roles, project-wide or in `tenant` (which the user must belong to).
    pub(crate) async fn change_roles(
        &self,
        who: UserRef,
        tenant: Option<String>,
        change: RoleChange,
    ) -> Result<User, Error> {
        self.modify(who, move |user| {
            match tenant {
                None => change.apply(&mut user.roles),
                Some(tenant) => {
                    let membership = user.tenants.get_mut(&tenant).ok_or_else(|| {
                        Error::Validation(format!("The user is not in tenant {tenant}."))
                    })?;
                    change.apply(&mut membership.roles);
                }
            }
            Ok(())
        })
        .await
    }

    /// Adds the user to `tenant` (keeping their roles there if already in it), or removes them.
    pub(crate) async fn set_membership(
        &self,
        who: UserRef,
        tenant: String,
        member: bool,
    ) -> Result<User, Error> {
        self.modify(who, move |user| {
            if member {
                user.tenants.entry(tenant).or_default();
            } else {
                user.tenants.remove(&tenant);
            }
            Ok(())
        })
        .await
    }

    /// Makes the user a member of exactly `tenants`, each of which must exist, keeping their
    /// roles in the tenants they stay in.
    pub(crate) async fn set_tenants(
        &self,
        who: UserRef,
        tenants: Vec<String>,
    ) -> Result<User, Error> {
        self.store
            .write(move |conn| -> Result<_, Error> {
                for tenant in &tenants {
                    if stored_authz::tenant(conn, tenant)?.is_none() {
                        return Err(Error::NotFound(format!("No tenant has the ID {tenant}.")));
                    }
                }
                let mut user = who.find(conn)?;
                user.tenants.retain(|t, _| tenants.contains(t));
                for tenant in tenants {
                    user.tenants.entry(tenant).or_default();
                }
                stored::update(conn, &user)?;
                Ok(user)
            })
            .await
    }

    /// Sets a password, ending every session of the user; an `expired` one must be replaced
    /// before it signs in.
    pub(crate) async fn set_password(
        &self,
        who: UserRef,
        password: String,
        expired: bool,
    ) -> Result<(), Error> {
        self.hasher.check_policy(&password)?;
        let hash = self.hasher.hash(password).await?;
        self.store
            .write(move |conn| -> Result<_, Error> {
                let user = who.find(conn)?;
                stored::set_password(conn, &user.id, &hash, expired)?;
                sessions::revoke_user_families(conn, &user.id, None)?;
                Ok(())
            })
            .await
    }

    /// Makes the user's password one that must be replaced before it signs in, and ends every
    /// session of theirs.
    pub(crate) async fn expire_password(&self, who: UserRef) -> Result<(), Error> {
        self.store
            .write(move |conn| -> Result<_, Error> {
                let mut user = who.find(conn)?;
                user.password_expired = user.has_password;
                stored::update(conn, &user)?;
                sessions::revoke_user_families(conn, &user.id, None)?;
                Ok(())
            })
            .await
    }

    /// Ends every session of the user.
    pub(crate) async fn log_out(&self, who: UserRef) -> Result<(), Error> {
        self.store
            .write(move |conn| -> Result<_, Error> {
                let user = who.find(conn)?;
                sessions::revoke_user_families(conn, &user.id, None)?;
                Ok(())
            })
            .await
    }

    /// Deletes the user with their sessions and pending codes; deleting no one is no error, as
    /// on Descope.
    pub(crate) async fn delete(&self, who: UserRef) -> Result<(), Error> {
        self.store
            .write(move |conn| -> Result<_, Error> {
                match who.find(conn) {
                    Ok(user) => {
                        stored::delete(conn, &user.id)?;
                        Ok(())
                    }
                    Err(Error::UserNotFound) => Ok(()),
                    Err(other) => Err(other),
                }
            })
            .await
    }

    /// The users with these IDs, in the order asked; unknown IDs are left out.
    pub(crate) async fn load_many(&self, ids: Vec<String>) -> Result<Vec<User>, Error> {
        self.store
            .read(move |conn| -> Result<_, Error> {
                let mut users = Vec::with_capacity(ids.len());
                for id in &ids {
                    users.extend(stored::by_id(conn, id)?);
                }
                Ok(users)
            })
            .await
    }

    /// Deletes the users with these IDs in one transaction; IDs of no one are no error.
    pub(crate) async fn delete_many(&self, ids: Vec<String>) -> Result<(), Error> {
        self.store
            .write(move |conn| -> Result<_, Error> {
                for id in &ids {
                    stored::delete(conn, id)?;
                }
                Ok(())
            })
            .await
    }

    /// Deletes every test user; answers how many.
    pub(crate) async fn delete_test_users(&self) -> Result<usize, Error> {
        self.store
            .write(|conn| -> Result<_, Error> {
                let ids = stored::test_user_ids(conn)?;
                for id in &ids {
                    stored::delete(conn, id)?;
                }
                Ok(ids.len())
            })
            .await
    }
}

/// The tenants map of a user made from tenant IDs with their roles.
pub(crate) fn tenants_from(
    memberships: impl IntoIterator<Item = (String, Vec<String>)>,
) -> BTreeMap<String, TenantRoles> {
    memberships
        .into_iter()
        .map(|(tenant, roles)| {
            let roles = TenantRoles {
                roles: dedup(roles),
                permissions: Vec::new(),
            };
            (tenant, roles)
        })
        .collect()
}

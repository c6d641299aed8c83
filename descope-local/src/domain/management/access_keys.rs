//! Access keys: created through the management API, and exchanged by a machine for a session
//! token (`/v1/auth/accesskey/exchange`). Only a digest of a key's secret is kept; the secret
//! is shown once, when the key is made.

use std::{net::IpAddr, sync::Arc};

use serde_json::{Map, Value};

use crate::{
    domain::{authz::grants_of, error::Error, limits::Limits, tokens::Tokens, users::Status},
    storage::{access_keys as stored, users as stored_users, Store},
    support::{
        clock::Clock,
        ids::{digest, random_id},
    },
};

pub(crate) use crate::storage::access_keys::AccessKey;

/// A session token an access key was exchanged for.
pub(crate) struct Exchanged {
    pub(crate) key_id: String,
    pub(crate) session_jwt: String,
    pub(crate) expiration: i64,
}

/// Access keys.
#[derive(Clone)]
pub(crate) struct AccessKeys {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) tokens: Arc<Tokens>,
    pub(crate) limits: Arc<Limits>,
}

fn missing(id: &str) -> Error {
    Error::NotFound(format!("There is no access key {id:?}."))
}

impl AccessKeys {
    /// Makes `key` with a new ID and secret; answers it and the secret, which is not kept.
    pub(crate) async fn create(&self, key: AccessKey) -> Result<(AccessKey, String), Error> {
        let secret = random_id(64);
        let key = AccessKey {
            id: format!("K2{}", random_id(26)),
            active: true,
            created_at: self.clock.now(),
            ..key
        };
        let hash = digest(&secret);
        self.store
            .write(move |conn| -> Result<_, Error> {
                stored::insert(conn, &key, &hash)?;
                Ok(key)
            })
            .await
            .map(|key| (key, secret))
    }

    pub(crate) async fn load(&self, id: String) -> Result<AccessKey, Error> {
        self.store
            .read(move |conn| stored::by_id(conn, &id)?.ok_or_else(|| missing(&id)))
            .await
    }

    /// Every key, oldest first: those in any of `tenants` when some are given, and those
    /// acting for `user` when one is.
    pub(crate) async fn search(
        &self,
        tenants: Vec<String>,
        user: Option<String>,
    ) -> Result<Vec<AccessKey>, Error> {
        self.store
            .read(move |conn| -> Result<_, Error> {
                Ok(stored::all(conn)?
                    .into_iter()
                    .filter(|k| {
                        tenants.is_empty() || tenants.iter().any(|t| k.tenants.contains_key(t))
                    })
                    .filter(|k| user.as_ref().is_none_or(|u| &k.user_id == u))
                    .collect())
            })
            .await
    }

    /// Applies `change` to the key and stores it; its ID and secret stay.
    pub(crate) async fn modify(
        &self,
        id: String,
        change: impl FnOnce(&mut AccessKey) + Send + 'static,
    ) -> Result<AccessKey, Error> {
        self.store
            .write(move |conn| -> Result<_, Error> {
                let mut key = stored::by_id(conn, &id)?.ok_or_else(|| missing(&id))?;
                change(&mut key);
                key.id = id;
                stored::update(conn, &key)?;
                Ok(key)
            })
            .await
    }

    pub(crate) async fn delete(&self, id: String) -> Result<(), Error> {
        self.store
            .write(move |conn| {
                if stored::delete(conn, &id)? {
                    Ok(())
                } else {
                    Err(missing(&id))
                }
            })
            .await
    }

    /// A session token for the key whose secret is `secret`, if it is active, unexpired,
    /// presented from a permitted address, and bound to no user or to an enabled one; `claims` go under `nsec`, and `tenant`, one of the
    /// key's, becomes `dct`. A wrong secret counts against the address like any wrong secret,
    /// and every refusal answers the same.
    pub(crate) async fn exchange(
        &self,
        secret: &str,
        address: IpAddr,
        claims: Map<String, Value>,
        tenant: Option<String>,
    ) -> Result<Exchanged, Error> {
        let guess = self.limits.guess(None, address)?;
        let hash = digest(secret);
        let now = self.clock.now();
        let tokens = self.tokens.clone();
        let exchanged = self
            .store
            .read(move |conn| -> Result<_, Error> {
                let usable = |k: &AccessKey| {
                    k.active
                        && (k.expires_at == 0 || now < k.expires_at)
                        && (k.permitted_ips.is_empty()
                            || k.permitted_ips
                                .iter()
                                .any(|ip| ip.parse::<IpAddr>() == Ok(address)))
                        && tenant.as_ref().is_none_or(|t| k.tenants.contains_key(t))
                };
                let key = stored::by_secret(conn, &hash)?
                    .filter(usable)
                    .ok_or(Error::InvalidCredentials)?;
                // A key that acts for a user acts no more once the user is gone or disabled.
                if !key.user_id.is_empty() {
                    let holder = stored_users::by_id(conn, &key.user_id)?;
                    if !holder.is_some_and(|u| u.status == Status::Enabled) {
                        return Err(Error::InvalidCredentials);
                    }
                }
                let grants = grants_of(conn, &key.roles, &key.tenants)?;
                let (session_jwt, expiration) =
                    tokens.access_key_session(&key, &grants, &claims, tenant.as_deref())?;
                Ok(Exchanged {
                    key_id: key.id,
                    session_jwt,
                    expiration,
                })
            })
            .await?;
        guess.succeeded();
        Ok(exchanged)
    }
}

//! What the console does that no Descope API does: the signing keys and their rotation, the
//! whole project exported, imported or emptied, and a session token minted for a `curl`.
//! Generating a key and hashing imported passwords run on the blocking pool.

use std::sync::Arc;

use super::{
    authz::grants,
    error::Error,
    inbox::Inbox,
    limits::Limits,
    project::{Imported, Project},
    seed::{self, SeedError},
    tokens::Tokens,
    users::{Status, User},
};
use crate::{
    storage::{self, keys::KeyRecord, users, Store},
    support::{clock::Clock, config::PasswordPolicy},
};

/// The amr of a minted token: no credential was shown for it.
const MINTED_AMR: &str = "console";

#[derive(Clone)]
pub(crate) struct Admin {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) tokens: Arc<Tokens>,
    pub(crate) inbox: Arc<Inbox>,
    pub(crate) limits: Arc<Limits>,
    pub(crate) policy: PasswordPolicy,
    /// Seconds a sign-in's refresh token would live: a minted token's `rexp`.
    pub(crate) refresh_ttl: i64,
}

impl Admin {
    /// Every signing key, the current one first.
    pub(crate) async fn keys(&self) -> Result<Vec<KeyRecord>, Error> {
        self.store
            .read(|conn| Ok::<_, Error>(storage::keys::all(conn)?))
            .await
    }

    /// Makes a new current signing key and signs with it from now on; returns its `kid`.
    pub(crate) async fn rotate_key(&self) -> Result<String, Error> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.tokens.rotate_key(&this.store))
            .await
            .map_err(|e| Error::Internal(format!("key rotation stopped: {e}")))?
            .map_err(|e| Error::Internal(format!("key rotation failed: {e}")))
    }

    /// The project as one JSON document. Read in a write transaction: nothing can change
    /// between its tables.
    pub(crate) async fn export(&self) -> Result<String, Error> {
        let project = self.store.write(Project::export).await?;
        serde_json::to_string_pretty(&project).map_err(|e| Error::Internal(e.to_string()))
    }

    /// Imports a project document (or a seed file's list of users): creates what is missing,
    /// and an invalid entry changes nothing.
    pub(crate) async fn import(&self, text: String) -> Result<Imported, Error> {
        let this = self.clone();
        let imported = tokio::task::spawn_blocking(move || {
            let project = seed::parse(&text)?;
            seed::import(&this.store, &this.clock, &this.policy, project)
        })
        .await
        .map_err(|e| Error::Internal(format!("the import stopped: {e}")))?;
        imported.map_err(|e| match e {
            SeedError::Parse(_) | SeedError::Invalid(_) => Error::Validation(e.to_string()),
            SeedError::Read(_) | SeedError::Failed(_) => Error::Internal(e.to_string()),
        })
    }

    /// Empties the project: users, sessions, codes, the authorization model, access keys, the
    /// inbox and the accounts' failure counts. The signing keys and the management key stay;
    /// session tokens already issued stay valid until they expire, as after a logout.
    pub(crate) async fn reset(&self) -> Result<(), Error> {
        self.store
            .write(|conn| Ok::<_, Error>(storage::clear_project(conn)?))
            .await?;
        self.inbox.clear();
        self.limits.forget_accounts();
        Ok(())
    }

    /// A session token for the user, with what their roles grant now, as a sign-in would
    /// give; no session is started, so nothing refreshes it. Answers the user, the token and
    /// its expiry.
    pub(crate) async fn mint(&self, user_id: String) -> Result<(User, String, i64), Error> {
        let this = self.clone();
        self.store
            .read(move |conn| {
                let user = users::by_id(conn, &user_id)?.ok_or(Error::UserNotFound)?;
                if user.status == Status::Disabled {
                    return Err(Error::UserDisabled);
                }
                let grants = grants(conn, &user)?;
                let refresh_expires_at = this.clock.now() + this.refresh_ttl;
                let (token, expires_at) = this.tokens.session(
                    &user,
                    &[MINTED_AMR.to_owned()],
                    &grants,
                    None,
                    refresh_expires_at,
                )?;
                Ok((user, token, expires_at))
            })
            .await
    }
}

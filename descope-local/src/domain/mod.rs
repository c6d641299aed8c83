//! Domain services: what the server knows and decides, apart from HTTP. Each service holds the
//! parts it needs (the store, the clock, the limits) and answers domain values and [`Error`]s;
//! the HTTP layer turns them into Descope's shapes.

pub(crate) mod admin;
pub(crate) mod authz;
pub(crate) mod credentials;
mod error;
pub(crate) mod inbox;
pub(crate) mod keys;
pub(crate) mod limits;
pub(crate) mod management;
pub(crate) mod project;
pub(crate) mod seed;
pub(crate) mod sessions;
pub(crate) mod tokens;
pub(crate) mod users;

use std::{sync::Arc, time::Duration};

pub(crate) use error::Error;

use admin::Admin;
use authz::Authz;
use credentials::{codes::Codes, hashing::Hasher, links::Links, passwords::Passwords, Mailer};
use inbox::Inbox;
use keys::Signer;
use limits::Limits;
use management::{access_keys::AccessKeys, users::Users};
use sessions::Sessions;
use tokens::Tokens;

use crate::{
    storage::Store,
    support::{clock::Clock, config::Config},
};

/// The services, wired to one store, clock and signing key.
pub(crate) struct Services {
    pub(crate) clock: Clock,
    pub(crate) admin: Admin,
    pub(crate) tokens: Arc<Tokens>,
    pub(crate) sessions: Sessions,
    pub(crate) passwords: Passwords,
    pub(crate) codes: Codes,
    pub(crate) links: Links,
    pub(crate) users: Users,
    pub(crate) authz: Authz,
    pub(crate) access_keys: AccessKeys,
    pub(crate) limits: Arc<Limits>,
    pub(crate) inbox: Arc<Inbox>,
}

impl Services {
    pub(crate) fn new(config: &Config, clock: Clock, store: Store, signer: Signer) -> Self {
        let seconds = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        let tokens = Arc::new(Tokens::new(
            signer,
            clock.clone(),
            config.project_id.clone(),
            seconds(config.session_ttl),
        ));
        let sessions = Sessions::new(
            store.clone(),
            tokens.clone(),
            clock.clone(),
            seconds(config.refresh_ttl),
            seconds(config.refresh_grace),
            config.rotate_refresh_tokens,
        );
        let limits = Arc::new(Limits::new(config, clock.clone()));
        let inbox = Arc::new(Inbox::new(&config.base_url));
        let mail = Mailer {
            store: store.clone(),
            clock: clock.clone(),
            limits: limits.clone(),
            inbox: inbox.clone(),
            sessions: sessions.clone(),
        };
        let hasher = Arc::new(Hasher::new(config.password_policy.clone()));
        let admin = Admin {
            store: store.clone(),
            clock: clock.clone(),
            tokens: tokens.clone(),
            inbox: inbox.clone(),
            limits: limits.clone(),
            policy: config.password_policy.clone(),
            refresh_ttl: seconds(config.refresh_ttl),
        };
        Self {
            admin,
            access_keys: AccessKeys {
                store: store.clone(),
                clock: clock.clone(),
                tokens: tokens.clone(),
                limits: limits.clone(),
            },
            authz: Authz {
                store: store.clone(),
                clock: clock.clone(),
            },
            users: Users {
                store: store.clone(),
                clock: clock.clone(),
                hasher: hasher.clone(),
            },
            passwords: Passwords {
                store: store.clone(),
                clock: clock.clone(),
                hasher,
                limits: limits.clone(),
                sessions: sessions.clone(),
            },
            codes: Codes { mail: mail.clone() },
            links: Links {
                mail,
                redirect_origins: config.redirect_origins.clone(),
                default_redirect: config.magic_link_redirect_url.clone(),
            },
            clock,
            tokens,
            sessions,
            limits,
            inbox,
        }
    }
}

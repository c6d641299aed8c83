//! Magic links by email. A link points at the app's `URI` with the token in `t`, as Descope's
//! do; the `URI` must be on an approved origin, as Descope refuses unapproved redirect domains,
//! so a link cannot carry a token to someone else's site.

use std::{net::IpAddr, sync::Arc};

use super::email::{sign_in_owner, store_secret, Audience};
use crate::{
    domain::{
        error::Error,
        inbox::{mask_email, Inbox, Message},
        limits::Limits,
        sessions::{Sessions, SignedIn},
    },
    storage::{
        codes::{self, CodeKind},
        Store,
    },
    support::{
        clock::Clock,
        ids::{digest, random_id},
        urls::{host_of, is_loopback_name, origin},
    },
};

/// Magic links.
#[derive(Clone)]
pub(crate) struct Links {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) limits: Arc<Limits>,
    pub(crate) inbox: Arc<Inbox>,
    pub(crate) sessions: Sessions,
    /// Origins a link may point at; empty: any loopback origin.
    pub(crate) redirect_origins: Vec<String>,
}

/// `uri` with the token added to its query as `t`, as Descope's links carry it; serialised
/// from the parsed URL, so the link is the URL whose origin was approved.
fn link(uri: &str, token: &str) -> Result<String, Error> {
    let mut url =
        url::Url::parse(uri).map_err(|_| Error::Validation("URI is not a URL.".into()))?;
    url.query_pairs_mut().append_pair("t", token);
    Ok(url.into())
}

/// The stored form of a link token, apart from every code's.
fn link_hash(token: &str) -> String {
    digest(&format!("magiclink\0{token}"))
}

impl Links {
    /// Whether a link may point at `uri`: an http(s) URL on one of the redirect origins, or
    /// on a loopback origin when none are configured.
    fn redirect_allowed(&self, uri: &str) -> bool {
        let Some(wanted) = origin(uri) else {
            return false;
        };
        if self.redirect_origins.is_empty() {
            return host_of(&wanted).is_some_and(|host| is_loopback_name(&host));
        }
        self.redirect_origins
            .iter()
            .any(|approved| origin(approved).as_deref() == Some(&*wanted))
    }

    /// Sends a link to `uri` to `login_id` if `audience` allows; answers the masked address.
    pub(crate) async fn send(
        &self,
        login_id: String,
        uri: &str,
        name: String,
        audience: Audience,
        address: IpAddr,
    ) -> Result<String, Error> {
        if !self.redirect_allowed(uri) {
            return Err(Error::Validation(
                "The URI is not on an approved redirect origin (DESCOPE_LOCAL_REDIRECT_ORIGINS)."
                    .into(),
            ));
        }
        self.limits.sign_up(address)?;
        let token = random_id(40);
        let kind = CodeKind::MagicLink;
        let hash = link_hash(&token);
        if store_secret(
            &self.store,
            &self.clock,
            &login_id,
            kind,
            hash,
            name,
            audience,
        )
        .await?
        {
            self.inbox.deliver(Message {
                to: login_id.clone(),
                kind: kind.as_str(),
                code: None,
                link: Some(link(uri, &token)?),
                sent_at: self.clock.now(),
            });
        }
        Ok(mask_email(&login_id))
    }

    /// Signs in the owner of the live link with this token; the token is then used up.
    pub(crate) async fn verify(&self, token: &str, address: IpAddr) -> Result<SignedIn, Error> {
        let hash = link_hash(token);
        let guess = self.limits.guess(None, address)?;
        let now = self.clock.now();
        let pending = self
            .store
            .write(move |conn| -> Result<_, Error> {
                let pending = codes::live_by_hash(conn, CodeKind::MagicLink, &hash, now)?
                    .ok_or(Error::CodeExhausted)?;
                codes::consume(conn, pending.id)?;
                Ok(pending)
            })
            .await?;
        guess.succeeded();
        sign_in_owner(&self.store, &self.clock, &self.sessions, pending).await
    }
}

//! Magic links by email. A link points at the app's `URI` with the token in `t`, as Descope's
//! do; the `URI` must be on an approved origin, as Descope refuses unapproved redirect domains,
//! so a link cannot carry a token to someone else's site.

use std::net::IpAddr;

use super::email::{Audience, Mailer, NewEmail, Outgoing};
use crate::{
    domain::{error::Error, sessions::SignedIn, users::LoginId},
    storage::codes::{self, CodeKind},
    support::{
        ids::{digest, random_id},
        urls::{host_of, is_loopback_name, origin},
    },
};

/// Magic links.
pub(crate) struct Links {
    pub(crate) mail: Mailer,
    /// Origins a link may point at; empty: any loopback origin.
    pub(crate) redirect_origins: Vec<String>,
    /// Where a link leads when the request names no URL.
    pub(crate) default_redirect: Option<String>,
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

    /// A new link to `uri` (an approved origin; none or empty: the project's default): what
    /// is stored and, if `sent`, what the message shows; and the link itself.
    fn new_link(&self, uri: Option<&str>, sent: bool) -> Result<(Outgoing, String), Error> {
        let uri = match uri.map(str::trim).filter(|u| !u.is_empty()) {
            Some(uri) => uri,
            None => self
                .default_redirect
                .as_deref()
                .ok_or(Error::NoLinkTarget)?,
        };
        if !self.redirect_allowed(uri) {
            return Err(Error::Validation(
                "The URI is not on an approved redirect origin (DESCOPE_LOCAL_REDIRECT_ORIGINS)."
                    .into(),
            ));
        }
        let token = random_id(40);
        let link = link(uri, &token)?;
        let outgoing = Outgoing {
            kind: CodeKind::MagicLink,
            hash: link_hash(&token),
            code: None,
            link: sent.then(|| link.clone()),
        };
        Ok((outgoing, link))
    }

    /// A new link to `uri` for the test user `login_id`, answered instead of sent.
    pub(crate) async fn generate_for_test_user(
        &self,
        login_id: LoginId,
        uri: Option<&str>,
    ) -> Result<String, Error> {
        let (outgoing, link) = self.new_link(uri, false)?;
        self.mail.issue_to_test_user(login_id, outgoing).await?;
        Ok(link)
    }

    /// Sends a link to `uri` to the new address that makes it the email of the user holding
    /// `refresh_token`; answers the masked new address.
    pub(crate) async fn send_email_change(
        &self,
        change: NewEmail,
        uri: Option<&str>,
        refresh_token: Option<&str>,
        address: IpAddr,
    ) -> Result<String, Error> {
        let (outgoing, _) = self.new_link(uri, true)?;
        self.mail
            .send_email_change(change, refresh_token, address, outgoing)
            .await
    }

    /// Sends a link to `uri` to `login_id` if `audience` allows; answers the masked address.
    pub(crate) async fn send(
        &self,
        login_id: LoginId,
        uri: Option<&str>,
        name: String,
        audience: Audience,
        address: IpAddr,
    ) -> Result<String, Error> {
        let (outgoing, _) = self.new_link(uri, true)?;
        self.mail
            .send(login_id, name, audience, address, outgoing)
            .await
    }

    /// Signs in the owner of the live link with this token, completing the email change it was
    /// sent for, if any; the token is then used up.
    pub(crate) async fn verify(&self, token: &str, address: IpAddr) -> Result<SignedIn, Error> {
        let hash = link_hash(token);
        let guess = self.mail.limits.guess(None, address)?;
        let now = self.mail.clock.now();
        let pending = self
            .mail
            .store
            .write(move |conn| -> Result<_, Error> {
                let pending = codes::live_by_hash(conn, CodeKind::MagicLink, &hash, now)?
                    .ok_or(Error::CodeExhausted)?;
                codes::consume(conn, pending.id)?;
                Ok(pending)
            })
            .await?;
        guess.succeeded();
        self.mail.redeem(pending, address).await
    }
}

//! Who the signed-in user is, for the pages the server renders whole (`/profile`).
//!
//! From the embedded local server, read in-process; with real Descope, from the management API
//! when `DESCOPE_MANAGEMENT_KEY` is set (current, and it knows the login ID), else from the
//! session's own claims when the project's JWT template adds `name` and `email`. Otherwise
//! the page leaves the details to the browser, which asks Descope with the refresh token.

use std::time::Duration;

use app::session::UserDetails;
use descope::{
    api::{mgmt::UserEnvelope, UserResponse},
    session::SessionClaims,
};
use http::HeaderValue;

/// How long a page render waits for the management API before leaving the details to the
/// browser.
const MANAGEMENT_TIMEOUT: Duration = Duration::from_secs(2);

/// Where the server looks users up.
#[derive(Clone)]
pub enum UserDirectory {
    /// The embedded local server.
    #[cfg(feature = "local")]
    Local(descope_local::LocalDescope),
    /// Real Descope (or another server at `DESCOPE_BASE_URL`): the management API if there is
    /// a key, else the claims.
    Remote(Option<Management>),
}

/// Descope's management API, as far as loading a user goes.
#[derive(Clone)]
pub struct Management {
    client: reqwest::Client,
    /// `GET` this with `userId`.
    url: String,
    /// `Bearer <project ID>:<management key>`, marked sensitive.
    authorization: HeaderValue,
}

impl Management {
    /// A client for the project's management API at `base_url`; `None` when the key cannot be
    /// sent in a header.
    pub fn new(base_url: &str, project_id: &str, key: &str) -> Option<Self> {
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {project_id}:{key}")).ok()?;
        authorization.set_sensitive(true);
        let client = reqwest::Client::builder()
            .timeout(MANAGEMENT_TIMEOUT)
            .build()
            .ok()?;
        Some(Self {
            client,
            url: format!("{base_url}{}", descope::api::mgmt::path::USER_LOAD),
            authorization,
        })
    }

    async fn user(&self, user_id: &str) -> Result<UserResponse, reqwest::Error> {
        let envelope: UserEnvelope = self
            .client
            .get(&self.url)
            .query(&[("userId", user_id)])
            .header(http::header::AUTHORIZATION, self.authorization.clone())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(envelope.user)
    }
}

impl UserDirectory {
    /// The details of the session's user, or `None` when this server cannot tell (the browser
    /// then asks Descope). Failures are logged without the key.
    pub async fn details(&self, claims: &SessionClaims) -> Option<UserDetails> {
        match self {
            #[cfg(feature = "local")]
            Self::Local(local) => match local.user(&claims.user_id).await {
                Ok(user) => user.map(UserDetails::from),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the user from the local server");
                    None
                }
            },
            Self::Remote(Some(management)) => match management.user(&claims.user_id).await {
                Ok(user) => Some(user.into()),
                Err(e) => {
                    tracing::warn!(error = %e.without_url(), "cannot load the user from Descope's management API");
                    None
                }
            },
            Self::Remote(None) => match (&claims.name, &claims.email) {
                // The app signs users up with their email as login ID.
                (Some(name), Some(email)) => Some(UserDetails {
                    name: name.clone(),
                    email: email.clone(),
                    login_id: email.clone(),
                }),
                _ => None,
            },
        }
    }
}

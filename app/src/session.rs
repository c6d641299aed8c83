//! Who is signed in, on both sides of the wire.
//!
//! - On the server, the session middleware validates the `DS` cookie of every page request and
//!   leaves a [`PageSession`] in the request, so the first HTML is the finished page: the
//!   header, and on `/profile` the user's details and the secret message.
//! - In the browser, [`browser`] keeps the tokens (localStorage `DS`, plus the `DS` cookie for
//!   the server; the refresh token in Descope's httpOnly cookie, or in localStorage `DSR`, as
//!   Descope's web SDK does), refreshes them before they expire, one tab at a time, and tells
//!   other tabs about sign-outs. It runs once per page, outside any island.
//!
//! Islands read the shared [`Auth`] state: provided by the root component on the server, and
//! by [`browser::start`] to every island of the page in the browser.

#[cfg(feature = "hydrate")]
pub mod browser;

use std::sync::Arc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The verified session of a page request, from its `DS` cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageSession {
    /// The signed-in user.
    pub user_id: String,
    /// Who they are, when the server could tell (see [`UserDetails`]).
    pub details: Option<UserDetails>,
}

/// What the profile shows of a user. The server fills it in when it can (the embedded local
/// server, the session's claims, or Descope's management API); otherwise the browser asks
/// Descope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetails {
    /// Display name; may be empty.
    pub name: String,
    /// Email address.
    pub email: String,
    /// The login ID the user signs in with (the first one).
    pub login_id: String,
}

impl From<descope::api::UserResponse> for UserDetails {
    fn from(user: descope::api::UserResponse) -> Self {
        Self {
            login_id: user.login_ids.into_iter().next().unwrap_or_default(),
            name: user.name,
            email: user.email,
        }
    }
}

/// Where the browser reaches Descope, rendered into the page head by the server. Shared
/// strings: the server provides it as context to every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescopeSettings {
    /// The API's base URL as the browser sees it.
    pub base_url: Arc<str>,
    /// The project ID.
    pub project_id: Arc<str>,
}

/// The head meta tags that carry the server's knowledge to the browser.
pub(crate) mod meta {
    pub(crate) const BASE_URL: &str = "descope-base-url";
    pub(crate) const PROJECT_ID: &str = "descope-project-id";
    /// The user the page was rendered for; empty when nobody is signed in.
    pub(crate) const SESSION_USER: &str = "session-user";
}

/// The signed-in state every island reads.
#[derive(Clone, Copy, Debug)]
pub struct Auth {
    /// Whether a session exists; the server's verdict at first, then the browser's.
    pub signed_in: RwSignal<bool>,
    /// Set when a sign-out could not reach Descope to revoke the refresh token, which then
    /// stays valid until it expires: the layout tells the user and offers to try again.
    pub unrevoked: RwSignal<bool>,
}

impl Auth {
    /// The page's auth state.
    pub fn get() -> Self {
        expect_context()
    }

    /// The state as the server rendered the page; the browser starts from the same, so that
    /// every island hydrates what the HTML shows.
    fn provide(signed_in: bool) -> Self {
        let auth = Auth {
            signed_in: RwSignal::new(signed_in),
            unrevoked: RwSignal::new(false),
        };
        provide_context(auth);
        auth
    }
}

/// Provides the [`Auth`] state of the page being rendered.
#[cfg(feature = "ssr")]
pub(crate) fn provide_auth() {
    Auth::provide(page_session().is_some());
}

/// The verified session of the request being rendered.
#[cfg(feature = "ssr")]
pub fn page_session() -> Option<PageSession> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<PageSession>()
        .cloned()
}

/// Only same-origin ASCII paths are followed after sign-in, so `next` cannot send a user
/// elsewhere, and always makes a valid `Location` header.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.is_ascii()
                && !path.chars().any(|c| c.is_ascii_control()) =>
        {
            path
        }
        _ => "/profile".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_accepts_same_origin_paths() {
        assert_eq!(safe_next(Some("/profile?tab=1".into())), "/profile?tab=1");
        for hostile in [
            "https://evil.test",
            "//evil.test",
            "/\\evil.test",
            "javascript:alert(1)",
            "/\nx",
            "/é",
            "/\u{FFFD}",
            "/\u{7f}",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile.into())), "/profile", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/profile");
    }
}

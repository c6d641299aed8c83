//! Who is signed in, on both sides of the wire.
//!
//! - On the server, the session middleware validates the `DS` cookie of every page request and
//!   leaves a [`PageSession`] in the request, so the first paint is already right.
//! - In the browser, [`browser`] keeps the tokens (localStorage `DS`/`DSR`, as Descope's web
//!   SDK does, plus the `DS` cookie for the server), refreshes them before they expire, one tab
//!   at a time, and tells other tabs about sign-outs.
//!
//! Components read the shared [`Auth`] context.

#[cfg(feature = "hydrate")]
pub mod browser;

use std::sync::Arc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The verified session of a page request, from its `DS` cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSession {
    /// The signed-in user.
    pub user_id: String,
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
    pub(crate) const SIGNED_IN: &str = "session-signed-in";
}

/// The signed-in state every component reads.
#[derive(Clone, Copy, Debug)]
pub struct Auth {
    /// Whether a session exists; the server's verdict at first, then the browser's.
    pub signed_in: RwSignal<bool>,
    /// Set when a sign-out could not reach Descope to revoke the refresh token, which then
    /// stays valid until it expires: the layout tells the user and offers to try again.
    pub unrevoked: RwSignal<bool>,
}

impl Auth {
    /// The auth context provided by the root component.
    pub fn get() -> Self {
        expect_context()
    }
}

/// Creates and provides the [`Auth`] context; both sides start from the server's verdict, so
/// hydration sees the same page that was rendered.
pub(crate) fn provide_auth() -> Auth {
    let auth = Auth {
        signed_in: RwSignal::new(initially_signed_in()),
        unrevoked: RwSignal::new(false),
    };
    provide_context(auth);
    #[cfg(feature = "hydrate")]
    browser::start(auth);
    auth
}

#[cfg(feature = "ssr")]
fn initially_signed_in() -> bool {
    page_session().is_some()
}

#[cfg(not(feature = "ssr"))]
fn initially_signed_in() -> bool {
    browser::meta_content(meta::SIGNED_IN).as_deref() == Some("true")
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

//! `/verify`: where a sign-in link from the email leads. It trades the link's token (`t`) for a
//! session and goes on to `next`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::session::safe_next;
#[cfg(feature = "hydrate")]
use crate::session::Auth;

/// The URL an emailed link leads to: `page` on this origin, carrying `next` (a path).
#[cfg(feature = "hydrate")]
pub(super) fn link_target(page: &str, next: &str) -> String {
    let origin = leptos::prelude::window()
        .location()
        .origin()
        .unwrap_or_default();
    let query = web_sys::UrlSearchParams::new()
        .map(|params| {
            params.append("next", next);
            String::from(params.to_string())
        })
        .unwrap_or_default();
    format!("{origin}{page}?{query}")
}

/// What the page says when it was opened without a link's token.
const NO_TOKEN: &str = "This page needs the link from your email.";

/// Trades a link's token for a session, stored and refreshing from now on; or says, in plain
/// words, why not.
#[cfg(feature = "hydrate")]
pub(super) async fn sign_in_with_link(
    auth: Auth,
    token: &str,
) -> Result<descope::api::JwtResponse, String> {
    let client = crate::session::browser::client();
    let response = client
        .magic_link_verify(token)
        .await
        .map_err(|e| super::login::explain(&e))?;
    crate::session::browser::signed_in(auth, &response);
    Ok(response)
}

/// From the page's query: where to go after the link (`next`), and why the page cannot work
/// when it has no link token (`t`).
pub(super) fn link_query() -> (String, Option<String>) {
    let query = use_query_map();
    let query = query.read_untracked();
    let failed = query
        .get("t")
        .is_none_or(|t| t.is_empty())
        .then(|| NO_TOKEN.to_owned());
    (safe_next(query.get("next")), failed)
}

/// The link's token, read in the browser: it stays out of the page's HTML.
#[cfg(feature = "hydrate")]
pub(super) fn link_token() -> Option<String> {
    let search = leptos::prelude::window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("t")
        .filter(|t| !t.is_empty())
}

/// Why a link did not work, and the way back to sign-in (and on to `next`).
#[component]
pub(super) fn LinkFailed(why: String, next: String) -> impl IntoView {
    view! {
        <h1>"This link did not work"</h1>
        <p role="alert">{why}</p>
        <a href=format!("/login?next={next}") class="button">
            "Back to sign in"
        </a>
    }
}

/// The page: "Signing you in…" while the token is traded, then `next`, or why not.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let (next, failed) = link_query();
    view! {
        <Title text="Signing in" />
        <section class="card narrow center">
            <LinkSignIn next failed />
        </section>
    }
}

/// Trades the link's token for a session and loads `next`; or says why it could not.
#[island]
fn LinkSignIn(next: String, failed: Option<String>) -> impl IntoView {
    let error = RwSignal::new(failed);
    #[cfg(feature = "hydrate")]
    if error.get_untracked().is_none() {
        let auth = Auth::get();
        let next = next.clone();
        leptos::task::spawn_local(async move {
            let token = link_token().unwrap_or_default();
            match sign_in_with_link(auth, &token).await {
                // Replaces this page: Back must not offer a spent link.
                Ok(_) => {
                    let _ = leptos::prelude::window().location().replace(&next);
                }
                Err(why) => error.set(Some(why)),
            }
        });
    }
    view! {
        <Show
            when=move || error.get().is_some()
            fallback=|| view! {
                <h1>"Signing you in…"</h1>
                <p role="status">"One moment while we check your link."</p>
            }
        >
            <LinkFailed why=error.get().unwrap_or_default() next=next.clone() />
        </Show>
    }
}

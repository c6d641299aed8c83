//! `/verify`: where a sign-in link from the email leads. It trades the link's token (`t`) for a
//! session and goes on to `next`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

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
pub(super) const NO_TOKEN: &str = "This page needs the link from your email.";

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

/// Why a link did not work, and the way back to sign-in (and on to `next`).
#[component]
pub(super) fn LinkFailed(why: String, next: Memo<String>) -> impl IntoView {
    view! {
        <h1>"This link did not work"</h1>
        <p role="alert">{why}</p>
        <A href=move || format!("/login?next={}", next.get()) attr:class="button">
            "Back to sign in"
        </A>
    }
}

/// The page: "Signing you in…" while the token is traded, then `next`, or why not.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| safe_next(query.read().get("next")));
    let token = query.read_untracked().get("t").unwrap_or_default();
    let error = RwSignal::new(token.is_empty().then(|| NO_TOKEN.to_owned()));

    #[cfg(feature = "hydrate")]
    if !token.is_empty() {
        let auth = Auth::get();
        let navigate = leptos_router::hooks::use_navigate();
        leptos::task::spawn_local(async move {
            match sign_in_with_link(auth, &token).await {
                Ok(_) => {
                    let options = leptos_router::NavigateOptions {
                        replace: true,
                        ..Default::default()
                    };
                    navigate(&next.get_untracked(), options);
                }
                Err(why) => error.set(Some(why)),
            }
        });
    }

    view! {
        <Title text="Signing in" />
        <section class="card narrow center">
            <Show
                when=move || error.get().is_some()
                fallback=|| view! {
                    <h1>"Signing you in…"</h1>
                    <p role="status">"One moment while we check your link."</p>
                }
            >
                <LinkFailed why=error.get().unwrap_or_default() next />
            </Show>
        </section>
    }
}

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

/// The page: "Signing you in…" while the token is traded, then `next`, or why not.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| safe_next(query.read().get("next")));
    let error = RwSignal::new(None::<String>);

    #[cfg(feature = "hydrate")]
    {
        let auth = Auth::get();
        let navigate = leptos_router::hooks::use_navigate();
        let token = query.read_untracked().get("t").unwrap_or_default();
        leptos::task::spawn_local(async move {
            if token.is_empty() {
                error.set(Some("This page needs the link from your email.".into()));
                return;
            }
            let client = crate::session::browser::client();
            match client.magic_link_verify(&token).await {
                Ok(response) => {
                    crate::session::browser::signed_in(auth, &response);
                    let options = leptos_router::NavigateOptions {
                        replace: true,
                        ..Default::default()
                    };
                    navigate(&next.get_untracked(), options);
                }
                Err(e) => error.set(Some(super::login::explain(&e))),
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
                <h1>"This link did not work"</h1>
                <p role="alert">{move || error.get()}</p>
                <A href=move || format!("/login?next={}", next.get()) attr:class="button">
                    "Back to sign in"
                </A>
            </Show>
        </section>
    }
}

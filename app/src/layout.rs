//! The frame around every page: a header with navigation, the main content and a footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{session::Auth, PRODUCT_NAME};

/// Wraps a page in the shared header, navigation and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let auth = Auth::get();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="container header-row">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    {PRODUCT_NAME}
                </A>
                <nav aria-label="Main">
                    <ul class="nav-list">
                        <li><A href="/">"Home"</A></li>
                        <Show
                            when=move || auth.signed_in.get()
                            fallback=|| view! { <li><A href="/login" attr:class="button button-small">"Log in"</A></li> }
                        >
                            <li><A href="/profile">"Profile"</A></li>
                            <li><LogoutButton class="button button-small button-secondary" /></li>
                        </Show>
                    </ul>
                </nav>
            </div>
        </header>
        <main id="main" class="container">
            <Show when=move || auth.unrevoked.get()>
                <UnrevokedNotice />
            </Show>
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                "Rust all the way down: Leptos, axum and a Descope-compatible identity server."
            </div>
        </footer>
    }
}

/// Signs out everywhere (this tab, other tabs, and the refresh token at Descope), then shows
/// the login page.
#[component]
pub fn LogoutButton(#[prop(into)] class: String) -> impl IntoView {
    let auth = Auth::get();
    let pending = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let on_click = move |_| {
        pending.set(true);
        #[cfg(feature = "hydrate")]
        {
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                let revoked = crate::session::browser::sign_out(auth).await;
                auth.unrevoked.set(revoked.is_err());
                pending.set(false);
                navigate("/login", Default::default());
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&navigate, auth);
    };
    view! {
        <button type="button" class=class on:click=on_click disabled=move || pending.get()>
            {move || if pending.get() { "Logging out…" } else { "Log out" }}
        </button>
    }
}

/// Says that the last sign-out could not reach Descope, so the session's refresh token is
/// still valid there, and offers to try the revocation again.
#[component]
fn UnrevokedNotice() -> impl IntoView {
    let auth = Auth::get();
    let pending = RwSignal::new(false);
    let retry = move |_| {
        pending.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let revoked = crate::session::browser::retry_revoke().await;
            auth.unrevoked.set(revoked.is_err());
            pending.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = auth;
    };
    view! {
        <div class="notice" role="alert" data-testid="unrevoked">
            <p>
                "You are signed out on this device, but we could not reach the sign-in service "
                "to end the session there: it stays valid until it expires."
            </p>
            <button
                type="button"
                class="button button-small button-secondary"
                on:click=retry
                disabled=move || pending.get()
            >
                {move || if pending.get() { "Trying…" } else { "Try again" }}
            </button>
        </div>
    }
}

//! The frame around every page: a header with navigation, the main content and a footer.
//!
//! Rendered on the server; the navigation (which follows the session) and the notice of an
//! unfinished sign-out are islands.

use leptos::prelude::*;

use crate::{session::Auth, PRODUCT_NAME};

/// Wraps a page in the shared header, navigation and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="container header-row">
                <a href="/" class="brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    {PRODUCT_NAME}
                </a>
                <Navigation />
            </div>
        </header>
        <main id="main" class="container">
            <UnrevokedNotice />
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                "Rust all the way down: Leptos, axum and a Descope-compatible identity server."
            </div>
        </footer>
    }
}

/// The main navigation: "Log in", or the profile and "Log out", as the session changes.
#[island]
fn Navigation() -> impl IntoView {
    let auth = Auth::get();
    view! {
        <nav aria-label="Main">
            <ul class="nav-list">
                <li><a href="/">"Home"</a></li>
                <Show
                    when=move || auth.signed_in.get()
                    fallback=|| view! { <li><a href="/login" class="button button-small">"Log in"</a></li> }
                >
                    <li><a href="/profile">"Profile"</a></li>
                    <li><LogoutButton class="button button-small button-secondary" /></li>
                </Show>
            </ul>
        </nav>
    }
}

/// Signs out everywhere (this tab, other tabs, and the refresh token at Descope), then loads
/// the login page.
#[component]
pub fn LogoutButton(#[prop(into)] class: String) -> impl IntoView {
    let auth = Auth::get();
    let pending = RwSignal::new(false);
    let on_click = move |_| {
        pending.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            // A revocation that did not reach Descope is retried, and told, by the next page.
            let _ = crate::session::browser::sign_out(auth).await;
            crate::session::browser::go("/login");
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = auth;
    };
    view! {
        <button type="button" class=class on:click=on_click disabled=move || pending.get()>
            {move || if pending.get() { "Logging out…" } else { "Log out" }}
        </button>
    }
}

/// Says that the last sign-out could not reach Descope, so the session's refresh token is
/// still valid there, and offers to try the revocation again.
#[island]
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
    };
    view! {
        <Show when=move || auth.unrevoked.get()>
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
        </Show>
    }
}

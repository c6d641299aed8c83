//! The frame around every page: a header with navigation, the main content and a footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::PRODUCT_NAME;

/// Wraps a page in the shared header, navigation and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
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
                        <li><A href="/profile">"Profile"</A></li>
                        <li><A href="/login" attr:class="button button-small">"Log in"</A></li>
                    </ul>
                </nav>
            </div>
        </header>
        <main id="main" class="container">{children()}</main>
        <footer class="site-footer">
            <div class="container">
                "Rust all the way down: Leptos, axum and a Descope-compatible identity server."
            </div>
        </footer>
    }
}

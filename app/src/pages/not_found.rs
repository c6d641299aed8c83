//! The page for any path the router does not know.

use leptos::prelude::*;
use leptos_meta::Title;

/// Answers unknown paths with a friendly page and, on the server, status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }

    view! {
        <Title text="Page not found" />
        <section class="card narrow center">
            <p class="eyebrow">"404"</p>
            <h1>"Page not found"</h1>
            <p>"The page you asked for does not exist or has moved."</p>
            <a href="/" class="button">"Back to home"</a>
        </section>
    }
}

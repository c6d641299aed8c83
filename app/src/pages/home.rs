//! `/`: what the app is and where to go next.

use leptos::prelude::*;
use leptos_meta::Title;

/// The landing page.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home" />
        <section class="hero">
            <h1>"Descope authentication for full-stack Rust"</h1>
            <p class="lead">
                "Sign up, log in and call a protected API from a Leptos app compiled to WebAssembly. "
                "Sessions are Descope JWTs, verified on an axum server before it answers."
            </p>
            <div class="actions">
                <a href="/login" class="button">"Get started"</a>
                <a href="/profile" class="button button-secondary">"Your profile"</a>
            </div>
        </section>
        <section class="features" aria-label="Features">
            <article class="card">
                <h2>"No account needed"</h2>
                <p>"A local, Descope-compatible identity server runs inside the app by default."</p>
            </article>
            <article class="card">
                <h2>"Real tokens"</h2>
                <p>"RS256 session and refresh JWTs, validated against the project's key set."</p>
            </article>
            <article class="card">
                <h2>"Server-checked"</h2>
                <p>"The secret message only leaves the server for a valid session token."</p>
            </article>
        </section>
    }
}

//! `/profile`: the signed-in user's name, email and the server's secret message.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The profile page. Until a session exists it invites the visitor to sign in.
#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Profile" />
        <section class="card narrow">
            <h1>"Profile"</h1>
            <p class="muted">"You are not signed in."</p>
            <p>"Sign in to see your name, your email and the secret message from the server."</p>
            <div class="actions">
                <A href="/login" attr:class="button">"Log in"</A>
                <A href="/" attr:class="button button-secondary">"Home"</A>
            </div>
        </section>
    }
}

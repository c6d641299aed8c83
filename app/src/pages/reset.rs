//! `/reset-password`: where a password-reset link from the email leads. The link's token (`t`)
//! signs the user in; they then choose a new password, which ends every other session of
//! theirs, and go on to `next`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::verify::{link_query, LinkFailed};
#[cfg(feature = "hydrate")]
use crate::session::Auth;

/// Where the page is.
#[derive(Clone, PartialEq)]
enum Step {
    /// The link's token is being traded for a session.
    Checking,
    /// Signed in as this login ID: choose a new password. Only the browser gets here.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Choose(String),
    /// The link did not work, or the new password was refused: why.
    Failed(String),
}

/// The page around [`ChoosePassword`].
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let (next, failed) = link_query();
    view! {
        <Title text="Choose a new password" />
        <section class="card narrow">
            <ChoosePassword next failed />
        </section>
    }
}

/// Trades the link's token for a session, asks for a new password, then loads `next`.
#[island]
fn ChoosePassword(next: String, failed: Option<String>) -> impl IntoView {
    let step = RwSignal::new(match failed {
        Some(why) => Step::Failed(why),
        None => Step::Checking,
    });
    let next = StoredValue::new(next);
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    #[cfg(feature = "hydrate")]
    if step.get_untracked() == Step::Checking {
        let auth = Auth::get();
        leptos::task::spawn_local(async move {
            let token = super::verify::link_token().unwrap_or_default();
            match super::verify::sign_in_with_link(auth, &token).await {
                Ok(response) => {
                    let login_id = response
                        .user
                        .and_then(|u| u.login_ids.into_iter().next())
                        .unwrap_or_default();
                    step.set(Step::Choose(login_id));
                }
                Err(why) => step.set(Step::Failed(why)),
            }
        });
    }

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Step::Choose(login_id) = step.get_untracked() else {
            return;
        };
        if super::begin_submit(pending, error) {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                let client = crate::session::browser::client();
                let refresh = crate::session::browser::tokens().map(|t| t.refresh);
                let token = refresh.as_ref().and_then(|r| r.token());
                let outcome = client
                    .password_update(&login_id, &password.get_untracked(), token)
                    .await;
                match outcome {
                    // Stays pending while `next` loads.
                    Ok(()) => crate::session::browser::go(&next.get_value()),
                    Err(e) => {
                        pending.set(false);
                        error.set(Some(super::login::explain(&e)));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = login_id;
    };

    view! {
        {move || match step.get() {
            Step::Checking => view! {
                <h1>"Checking your link…"</h1>
                <p role="status">"One moment."</p>
            }
            .into_any(),
            Step::Choose(login_id) => view! {
                <h1>"Choose a new password"</h1>
                <p class="form-hint">"For " {login_id} ". Your other sessions will end."</p>
                <form class="form" on:submit=submit aria-busy=move || pending.get().to_string()>
                    <label for="new-password">"New password"</label>
                    <input
                        id="new-password"
                        name="new-password"
                        type="password"
                        minlength="8"
                        autocomplete="new-password"
                        required
                        bind:value=password
                    />
                    <button type="submit" class="button" disabled=move || pending.get()>
                        {move || if pending.get() { "Please wait…" } else { "Save password" }}
                    </button>
                    <p class="form-error" role="alert">{move || error.get()}</p>
                </form>
            }
            .into_any(),
            Step::Failed(why) => view! { <LinkFailed why next=next.get_value() /> }.into_any(),
        }}
    }
}

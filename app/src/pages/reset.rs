//! `/reset-password`: where a password-reset link from the email leads. The link's token (`t`)
//! signs the user in; they then choose a new password, which ends every other session of
//! theirs, and go on to `next`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::verify::{LinkFailed, NO_TOKEN};
use crate::session::safe_next;
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

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| safe_next(query.read().get("next")));
    let token = query.read_untracked().get("t").unwrap_or_default();
    let step = RwSignal::new(if token.is_empty() {
        Step::Failed(NO_TOKEN.into())
    } else {
        Step::Checking
    });
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    #[cfg(feature = "hydrate")]
    let auth = Auth::get();
    // Stored, so that the form's submit handler stays `Copy` for the view.
    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new(leptos_router::hooks::use_navigate());
    #[cfg(feature = "hydrate")]
    if !token.is_empty() {
        leptos::task::spawn_local(async move {
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
        if pending.get_untracked() {
            return;
        }
        let Step::Choose(login_id) = step.get_untracked() else {
            return;
        };
        pending.set(true);
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            let navigate = navigate.get_value();
            leptos::task::spawn_local(async move {
                let client = crate::session::browser::client();
                let refresh = crate::session::browser::tokens().map(|t| t.refresh);
                let token = refresh.as_ref().and_then(|r| r.token());
                let outcome = client
                    .password_update(&login_id, &password.get_untracked(), token)
                    .await;
                pending.set(false);
                match outcome {
                    Ok(()) => navigate(&next.get_untracked(), Default::default()),
                    Err(e) => error.set(Some(super::login::explain(&e))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = login_id;
    };

    view! {
        <Title text="Choose a new password" />
        <section class="card narrow">
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
                Step::Failed(why) => view! { <LinkFailed why next /> }.into_any(),
            }}
        </section>
    }
}

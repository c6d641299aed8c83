//! `/profile`: the signed-in user's name, email and the server's secret message.
//!
//! The server only renders this page for a valid `DS` cookie (others are redirected to
//! `/login?next=/profile` with an empty body); the details load in the browser, where the
//! refresh token lives.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_navigate};

use crate::{layout::LogoutButton, session::Auth};

/// Name and email, as `/v1/auth/me` tells them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Details {
    name: String,
    email: String,
}

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let auth = Auth::get();
    let navigate = use_navigate();
    Effect::new(move || {
        if !auth.signed_in.get() {
            navigate("/login?next=/profile", Default::default());
        }
    });
    let details = LocalResource::new(move || load_details(auth));
    let secret = LocalResource::new(move || load_secret(auth));

    view! {
        <Title text="Profile" />
        <section class="card narrow profile">
            <h1>"Profile"</h1>
            <Suspense fallback=|| view! { <p class="muted loading">"Loading your details…"</p> }>
                {move || details.get().map(|result| match result {
                    Ok(d) => view! {
                        <dl class="details">
                            <dt>"Name"</dt>
                            <dd data-testid="name">{if d.name.is_empty() { "—".to_owned() } else { d.name }}</dd>
                            <dt>"Email"</dt>
                            <dd data-testid="email">{d.email}</dd>
                        </dl>
                    }.into_any(),
                    Err(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                })}
            </Suspense>
            <h2>"Secret message"</h2>
            <Suspense fallback=|| view! { <p class="muted loading">"Asking the server…"</p> }>
                {move || secret.get().map(|result| match result {
                    Ok(message) => view! { <p class="secret" data-testid="secret">{message}</p> }.into_any(),
                    Err(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                })}
            </Suspense>
            <div class="actions">
                <LogoutButton class="button" />
                <A href="/" attr:class="button button-secondary">"Home"</A>
            </div>
        </section>
    }
}

/// Asks Descope who the user is, with the stored refresh token.
#[cfg(feature = "hydrate")]
async fn load_details(auth: Auth) -> Result<Details, String> {
    use crate::session::browser;
    let Some(tokens) = browser::tokens() else {
        return Err("You are not signed in.".into());
    };
    match browser::client().me(&tokens.refresh).await {
        Ok(user) => Ok(Details {
            name: user.name,
            email: user.email,
        }),
        Err(e) if e.ends_session() => {
            // The session is over either way; a revocation that fails changes nothing.
            let _ = browser::sign_out(auth).await;
            Err("Your session has ended. Please sign in again.".into())
        }
        Err(_) => Err("We cannot load your details right now. Please reload in a moment.".into()),
    }
}

/// Asks our server for the secret; a refused session token is refreshed once and retried.
#[cfg(feature = "hydrate")]
async fn load_secret(auth: Auth) -> Result<String, String> {
    use crate::{
        secret::{get_secret_message, SecretError},
        session::browser,
    };
    let mut refreshed = false;
    loop {
        let sent = browser::session_token().unwrap_or_default();
        match get_secret_message().await {
            Ok(message) => return Ok(message),
            Err(SecretError::Expired | SecretError::Unauthenticated) if !refreshed => {
                refreshed = true;
                let due = browser::Due::Refused(sent);
                if browser::refresh(auth, due).await.is_err() && browser::tokens().is_none() {
                    return Err("Your session has ended. Please sign in again.".into());
                }
            }
            Err(SecretError::Expired | SecretError::Unauthenticated) => {
                // The session is over either way; a revocation that fails changes nothing.
                let _ = browser::sign_out(auth).await;
                return Err("Your session has ended. Please sign in again.".into());
            }
            Err(other) => return Err(other.to_string()),
        }
    }
}

#[cfg(not(feature = "hydrate"))]
async fn load_details(_auth: Auth) -> Result<Details, String> {
    std::future::pending().await
}

#[cfg(not(feature = "hydrate"))]
async fn load_secret(_auth: Auth) -> Result<String, String> {
    std::future::pending().await
}

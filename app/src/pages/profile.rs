//! `/profile`: the signed-in user's name, email and the server's secret message, and a way to
//! change the email: a code goes to the new address, and entering it here makes the address
//! the user's email and one of their login IDs.
//!
//! The server only renders this page for a valid `DS` cookie (others are redirected to
//! `/login?next=/profile` with an empty body), so the first HTML is the finished page: the
//! secret, and the details whenever the server could look them up (otherwise the browser asks
//! Descope, with the refresh token).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    layout::LogoutButton,
    session::{Auth, UserDetails},
};

/// The profile page, rendered on the server only.
#[component]
pub fn ProfilePage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let session = crate::session::page_session();
    #[cfg(not(feature = "ssr"))]
    let session = None::<crate::session::PageSession>;
    // The server renders this page for a valid session only (page_session.rs); the secret
    // checks once more.
    let secret = session
        .is_some()
        .then(|| crate::secret::SECRET_MESSAGE.to_owned());
    let details = session.and_then(|s| s.details);

    view! {
        <Title text="Profile" />
        <section class="card narrow profile">
            <h1>"Profile"</h1>
            <Details details />
            <h2>"Secret message"</h2>
            <Secret secret />
            <Actions />
        </section>
    }
}

/// Name and email, and "Change email"; loaded in the browser when the server had no details.
#[island]
fn Details(details: Option<UserDetails>) -> impl IntoView {
    match details {
        Some(details) => view! { <DetailsList details /> }.into_any(),
        None => {
            let auth = Auth::get();
            let loaded = LocalResource::new(move || load_details(auth));
            view! {
                <Suspense fallback=|| view! { <p class="muted loading">"Loading your details…"</p> }>
                    {move || loaded.get().map(|result| match result {
                        Ok(details) => view! { <DetailsList details /> }.into_any(),
                        Err(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                    })}
                </Suspense>
            }
            .into_any()
        }
    }
}

#[component]
fn DetailsList(details: UserDetails) -> impl IntoView {
    // Set by a change of email, which shows without loading the details again.
    let changed_email = RwSignal::new(None::<String>);
    let UserDetails {
        name,
        email,
        login_id,
    } = details;
    view! {
        <dl class="details">
            <dt>"Name"</dt>
            <dd data-testid="name">{if name.is_empty() { "—".to_owned() } else { name }}</dd>
            <dt>"Email"</dt>
            <dd data-testid="email">{move || changed_email.get().unwrap_or_else(|| email.clone())}</dd>
        </dl>
        <ChangeEmail login_id changed_email />
    }
}

/// The secret message as the page came with it, and "Ask again", which asks the server
/// function with the session token (refreshed once if the server refuses it).
#[island]
fn Secret(secret: Option<String>) -> impl IntoView {
    let auth = Auth::get();
    let answer = RwSignal::new(secret.ok_or_else(|| SIGNED_OUT.to_owned()));
    let pending = RwSignal::new(false);
    let ask = move |_| {
        pending.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            answer.set(load_secret(auth).await);
            pending.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = auth;
    };
    view! {
        {move || match answer.get() {
            Ok(message) => view! { <p class="secret" data-testid="secret">{message}</p> }.into_any(),
            Err(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
        }}
        <button type="button" class="link-button" on:click=ask disabled=move || pending.get()>
            {move || if pending.get() { "Asking the server…" } else { "Ask the server again" }}
        </button>
    }
}

/// What the profile says once the session is over.
const SIGNED_OUT: &str = "Your session has ended. Please sign in again.";

/// Log out and home; leaves for the login page when the session ends in this browser (unless
/// the page is already leaving, as after "Log out").
#[island]
fn Actions() -> impl IntoView {
    let auth = Auth::get();
    Effect::new(move || {
        if !auth.signed_in.get() {
            #[cfg(feature = "hydrate")]
            if !crate::session::browser::leaving() {
                crate::session::browser::go("/login?next=/profile");
            }
        }
    });
    view! {
        <div class="actions">
            <LogoutButton class="button" />
            <a href="/" class="button button-secondary">"Home"</a>
        </div>
    }
}

/// Where a change of email is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum EmailStep {
    /// Nothing asked yet; or done, saying so.
    Closed(Option<String>),
    /// Asking for the new address.
    Address,
    /// A code went to the new address (masked here); asking for it. Only the browser gets here.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Code(String),
}

/// "Change email": sends a code to a new address, and makes the address the user's email (and
/// a login ID) once they enter it, setting `changed_email`. The code's sign-in becomes this
/// tab's session.
#[component]
fn ChangeEmail(login_id: String, changed_email: RwSignal<Option<String>>) -> impl IntoView {
    let step = RwSignal::new(EmailStep::Closed(None));
    let address = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let login_id = StoredValue::new(login_id);
    #[cfg(feature = "hydrate")]
    let auth = Auth::get();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if super::begin_submit(pending, error) {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                let outcome = change_email_step(
                    auth,
                    &login_id.get_value(),
                    &step.get_untracked(),
                    &address.get_untracked(),
                    &code.get_untracked(),
                )
                .await;
                pending.set(false);
                match outcome {
                    Ok((next, email)) => {
                        if email.is_some() {
                            changed_email.set(email);
                        }
                        code.set(String::new());
                        step.set(next);
                    }
                    Err(why) => error.set(Some(why)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (login_id, changed_email);
    };
    let open = move |_| {
        error.set(None);
        step.set(EmailStep::Address);
    };
    let cancel = move |_| {
        error.set(None);
        step.set(EmailStep::Closed(None));
    };

    // A step's form: its field, then the buttons and the error line every step shares.
    let form = move |field: AnyView, action: &'static str| {
        view! {
            <form class="form change-email" on:submit=submit aria-busy=move || pending.get().to_string()>
                {field}
                <div class="actions">
                    <button type="submit" class="button" disabled=move || pending.get()>
                        {move || if pending.get() { "Please wait…" } else { action }}
                    </button>
                    <button type="button" class="button button-secondary" on:click=cancel>"Cancel"</button>
                </div>
                <p class="form-error" role="alert">{move || error.get()}</p>
            </form>
        }
        .into_any()
    };

    view! {
        {move || match step.get() {
            EmailStep::Closed(done) => view! {
                <p class="form-hint" role="status" data-testid="email-changed">{done}</p>
                <button type="button" class="link-button" on:click=open>"Change email"</button>
            }
            .into_any(),
            EmailStep::Address => form(
                view! {
                    <label for="new-email">"New email"</label>
                    <input
                        id="new-email"
                        name="new-email"
                        type="email"
                        autocomplete="email"
                        required
                        bind:value=address
                    />
                    <p class="form-hint">"We will email a code to the new address."</p>
                }
                .into_any(),
                "Send code",
            ),
            EmailStep::Code(masked) => form(
                view! {
                    <label for="email-code">"Code"</label>
                    <input
                        id="email-code"
                        name="email-code"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        pattern="[0-9]{6}"
                        maxlength="6"
                        required
                        bind:value=code
                    />
                    <p class="form-hint">"We sent a 6-digit code to " {masked} "."</p>
                }
                .into_any(),
                "Confirm new email",
            ),
        }}
    }
}

/// One step of an email change: sends the code to `address`, or checks `code` and keeps the
/// session it starts. Answers the next step (and, once changed, the new email), or why this
/// one failed.
#[cfg(feature = "hydrate")]
async fn change_email_step(
    auth: Auth,
    login_id: &str,
    step: &EmailStep,
    address: &str,
    code: &str,
) -> Result<(EmailStep, Option<String>), String> {
    use crate::session::browser;
    use descope::{api::code as codes, browser::ClientError};
    let explain = |e: ClientError| match &e {
        ClientError::Api { body, .. } if body.error_code == codes::USER_EXISTS => {
            "Another account already signs in with this email.".to_owned()
        }
        _ => super::login::explain(&e),
    };
    let client = browser::client();
    match step {
        EmailStep::Address => {
            let tokens = browser::tokens().ok_or("You are not signed in.")?;
            let sent = client
                .otp_update_email(login_id, address.trim(), true, tokens.refresh.token())
                .await
                .map_err(explain)?;
            Ok((EmailStep::Code(sent.masked_email), None))
        }
        EmailStep::Code(_) => {
            let replaced = browser::tokens().map(|t| t.refresh);
            let response = client
                .otp_verify(login_id, code.trim())
                .await
                .map_err(explain)?;
            browser::signed_in(auth, &response);
            // The code's sign-in replaces the tab's session, which is no longer needed; a
            // revocation that fails leaves it to expire. A replaced cookie is out of reach
            // anyway: the new session's took its place.
            if let Some(browser::Refresh::Stored(replaced)) = replaced {
                let _ = client.logout(Some(&replaced)).await;
            }
            let email = response.user.map(|u| u.email).unwrap_or_default();
            let done = format!("Your email is now {email}.");
            Ok((EmailStep::Closed(Some(done)), Some(email)))
        }
        EmailStep::Closed(_) => Ok((step.clone(), None)),
    }
}

/// Asks Descope who the user is, with the stored refresh token.
#[cfg(feature = "hydrate")]
async fn load_details(auth: Auth) -> Result<UserDetails, String> {
    use crate::session::browser;
    let Some(tokens) = browser::tokens() else {
        return Err("You are not signed in.".into());
    };
    match browser::client().me(tokens.refresh.token()).await {
        Ok(user) => Ok(user.into()),
        Err(e) if e.ends_session() => {
            // The session is over either way; a revocation that fails changes nothing.
            let _ = browser::sign_out(auth).await;
            Err(SIGNED_OUT.into())
        }
        Err(_) => Err("We cannot load your details right now. Please reload in a moment.".into()),
    }
}

/// Asks our server for the secret; a refused session token is refreshed once and retried.
#[cfg(feature = "hydrate")]
async fn load_secret(auth: Auth) -> Result<String, String> {
    use crate::{
        secret::{ask, SecretError},
        session::browser,
    };
    let mut refreshed = false;
    loop {
        let sent = browser::session_token();
        match ask(sent.as_deref()).await {
            Ok(message) => return Ok(message),
            Err(SecretError::Expired | SecretError::Unauthenticated) if !refreshed => {
                refreshed = true;
                let due = browser::Due::Refused(sent.unwrap_or_default());
                if browser::refresh(auth, due).await.is_err() && browser::tokens().is_none() {
                    return Err(SIGNED_OUT.into());
                }
            }
            Err(SecretError::Expired | SecretError::Unauthenticated) => {
                // The session is over either way; a revocation that fails changes nothing.
                let _ = browser::sign_out(auth).await;
                return Err(SIGNED_OUT.into());
            }
            Err(other) => return Err(other.to_string()),
        }
    }
}

#[cfg(not(feature = "hydrate"))]
async fn load_details(_auth: Auth) -> Result<UserDetails, String> {
    std::future::pending().await
}

//! `/login`: sign in with a password, sign up, or get a one-time code or a sign-in link by email.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::session::{safe_next, Auth};

/// The ways a visitor can authenticate; each has its own form.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    SignIn,
    SignUp,
    EmailCode,
    EmailLink,
    /// "Forgot password?": a link to set a new one. Reached from sign-in, not a tab.
    ResetPassword,
}

impl Mode {
    const ALL: [Mode; 4] = [Mode::SignIn, Mode::SignUp, Mode::EmailCode, Mode::EmailLink];

    fn label(self) -> &'static str {
        match self {
            Mode::SignIn => "Sign in",
            Mode::SignUp => "Sign up",
            Mode::EmailCode => "Email code",
            Mode::EmailLink => "Email link",
            Mode::ResetPassword => "Reset password",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Mode::SignIn => "signin",
            Mode::SignUp => "signup",
            Mode::EmailCode => "code",
            Mode::EmailLink => "link",
            Mode::ResetPassword => "reset",
        }
    }

    /// Whether the form asks for a password.
    fn with_password(self) -> bool {
        matches!(self, Mode::SignIn | Mode::SignUp)
    }
}

/// What the form fields hold.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    email: RwSignal<String>,
    password: RwSignal<String>,
    code: RwSignal<String>,
}

/// The login page; signed-in visitors are sent on to `next` by the server.
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = safe_next(use_query_map().read_untracked().get("next"));
    view! {
        <Title text="Log in" />
        <section class="card narrow auth-card">
            <h1>"Welcome"</h1>
            <LoginForm next />
        </section>
    }
}

/// A tab per [`Mode`] and the form of the selected one; once signed in, loads `next`.
#[island]
fn LoginForm(next: String) -> impl IntoView {
    let auth = Auth::get();
    let mode = RwSignal::new(Mode::SignIn);
    let fields = Fields {
        name: RwSignal::new(String::new()),
        email: RwSignal::new(String::new()),
        password: RwSignal::new(String::new()),
        code: RwSignal::new(String::new()),
    };
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // The masked address a code was sent to; the form then asks for the code.
    let code_sent_to = RwSignal::new(None::<String>);
    let next = StoredValue::new(next);
    #[cfg(not(feature = "hydrate"))]
    let _ = next;

    // Signed in here, or by a session this browser already had: nothing more to do here.
    Effect::new(move || {
        if auth.signed_in.get() {
            #[cfg(feature = "hydrate")]
            crate::session::browser::go(&next.get_value());
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if super::begin_submit(pending, error) {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                let next = next.get_value();
                match authenticate(mode.get_untracked(), fields, code_sent_to, &next).await {
                    // Stays pending while `next` loads.
                    Ok(Some(response)) => crate::session::browser::signed_in(auth, &response),
                    Ok(None) => pending.set(false),
                    Err(e) => {
                        pending.set(false);
                        error.set(Some(explain(&e)));
                    }
                }
            });
        }
    };

    view! {
        <div class="tabs" role="tablist" aria-label="How to authenticate">
            {Mode::ALL
                .into_iter()
                .map(|m| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=format!("tab-{}", m.id())
                            aria-selected=move || (mode.get() == m).to_string()
                            aria-controls="auth-panel"
                            class:active=move || mode.get() == m
                            on:click=move |_| {
                                mode.set(m);
                                error.set(None);
                                code_sent_to.set(None);
                            }
                        >
                            {m.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <form
            id="auth-panel"
            role="tabpanel"
            class="form"
            aria-labelledby=move || format!("tab-{}", mode.get().id())
            aria-busy=move || pending.get().to_string()
            on:submit=submit
        >
            <Show when=move || mode.get() == Mode::SignUp>
                <label for="name">"Name"</label>
                <input id="name" name="name" type="text" autocomplete="name" required bind:value=fields.name />
            </Show>
            <label for="email">"Email"</label>
            <input
                id="email"
                name="email"
                type="email"
                autocomplete="email"
                required
                readonly=move || code_sent_to.get().is_some()
                bind:value=fields.email
            />
            <Show when=move || mode.get().with_password()>
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    minlength="8"
                    autocomplete=move || {
                        if mode.get() == Mode::SignUp { "new-password" } else { "current-password" }
                    }
                    required
                    bind:value=fields.password
                />
            </Show>
            <Show when=move || mode.get() == Mode::EmailCode && code_sent_to.get().is_some()>
                <p class="form-hint" role="status">
                    "We sent a 6-digit code to " {move || code_sent_to.get().unwrap_or_default()} "."
                </p>
                <label for="code">"Code"</label>
                <input
                    id="code"
                    name="code"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    pattern="[0-9]{6}"
                    maxlength="6"
                    required
                    bind:value=fields.code
                />
            </Show>
            <Show when=move || mode.get() == Mode::SignIn>
                <button
                    type="button"
                    class="link-button"
                    on:click=move |_| {
                        mode.set(Mode::ResetPassword);
                        error.set(None);
                        code_sent_to.set(None);
                    }
                >
                    "Forgot password?"
                </button>
            </Show>
            <Show when=move || mode.get() == Mode::ResetPassword>
                <p class="form-hint" role="status">
                    {move || match code_sent_to.get() {
                        Some(to) => format!(
                            "If {to} has an account, we sent it a link to choose a new password."
                        ),
                        None => "We will email you a link to choose a new password.".into(),
                    }}
                </p>
            </Show>
            <Show when=move || mode.get() == Mode::EmailLink && code_sent_to.get().is_some()>
                <p class="form-hint" role="status">
                    "We sent a sign-in link to " {move || code_sent_to.get().unwrap_or_default()}
                    ". Open it in this browser to continue."
                </p>
            </Show>
            <button type="submit" class="button" disabled=move || pending.get()>
                {move || match (mode.get(), code_sent_to.get().is_some(), pending.get()) {
                    (_, _, true) => "Please wait…",
                    (Mode::SignIn, _, _) => "Sign in",
                    (Mode::SignUp, _, _) => "Sign up",
                    (Mode::EmailCode, false, _) => "Send code",
                    (Mode::EmailCode, true, _) => "Verify",
                    (Mode::EmailLink, false, _) => "Send link",
                    (Mode::EmailLink, true, _) => "Send another link",
                    (Mode::ResetPassword, false, _) => "Email me a reset link",
                    (Mode::ResetPassword, true, _) => "Send another reset link",
                }}
            </button>
            <Show when=move || mode.get() == Mode::ResetPassword>
                <button
                    type="button"
                    class="link-button"
                    on:click=move |_| {
                        mode.set(Mode::SignIn);
                        error.set(None);
                        code_sent_to.set(None);
                    }
                >
                    "Back to sign in"
                </button>
            </Show>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </form>
    }
}

/// Runs the selected flow: `Some(tokens)` when signed in, `None` when a code or a link was
/// sent. A link leads to `/verify`, which goes on to `next`.
#[cfg(feature = "hydrate")]
async fn authenticate(
    mode: Mode,
    fields: Fields,
    code_sent_to: RwSignal<Option<String>>,
    next: &str,
) -> Result<Option<descope::api::JwtResponse>, descope::browser::ClientError> {
    let client = crate::session::browser::client();
    let email = fields.email.get_untracked().trim().to_owned();
    let password = fields.password.get_untracked();
    match mode {
        Mode::SignIn => client.password_sign_in(&email, &password).await.map(Some),
        Mode::SignUp => {
            let name = fields.name.get_untracked().trim().to_owned();
            client
                .password_sign_up(&email, &password, &name)
                .await
                .map(Some)
        }
        Mode::EmailCode if code_sent_to.get_untracked().is_none() => {
            let sent = client.otp_sign_up_or_in(&email).await?;
            code_sent_to.set(Some(sent.masked_email));
            Ok(None)
        }
        Mode::EmailCode => {
            let code = fields.code.get_untracked().trim().to_owned();
            client.otp_verify(&email, &code).await.map(Some)
        }
        Mode::EmailLink => {
            let uri = super::verify::link_target("/verify", next);
            let sent = client.magic_link_sign_up_or_in(&email, &uri).await?;
            code_sent_to.set(Some(sent.masked_email));
            Ok(None)
        }
        Mode::ResetPassword => {
            let uri = super::verify::link_target("/reset-password", next);
            let sent = client.password_reset(&email, &uri).await?;
            code_sent_to.set(Some(sent.masked_email));
            Ok(None)
        }
    }
}

/// Plain words for what went wrong.
#[cfg(feature = "hydrate")]
pub(super) fn explain(error: &descope::browser::ClientError) -> String {
    use descope::{api::code, browser::ClientError};
    match error {
        ClientError::Network(_) => {
            "We cannot reach the sign-in service. Check your connection and try again.".into()
        }
        ClientError::Api {
            status: 429,
            retry_after,
            ..
        } => {
            let minutes = retry_after.unwrap_or(60).div_ceil(60);
            format!("Too many attempts. Please try again in {minutes} minute(s).")
        }
        ClientError::Api { body, .. } => match body.error_code.as_str() {
            code::INVALID_CREDENTIALS => "Wrong email or password.".into(),
            code::USER_EXISTS => {
                "An account with this email already exists. Sign in instead.".into()
            }
            code::WRONG_CODE => "That code is not right. Check the email and try again.".into(),
            code::CODE_EXHAUSTED => {
                "That code or link has expired, was used, or was tried too often. Ask for a new one."
                    .into()
            }
            code::INVALID_REQUEST | code::MISSING_ARGUMENTS => body.error_message.clone(),
            _ => "Something went wrong. Please try again.".into(),
        },
    }
}

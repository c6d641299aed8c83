//! `/login`: sign in with a password, sign up, or get a one-time code by email.

use leptos::prelude::*;
use leptos_meta::Title;

/// The ways a visitor can authenticate; each has its own form.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    SignIn,
    SignUp,
    EmailCode,
}

impl Mode {
    const ALL: [Mode; 3] = [Mode::SignIn, Mode::SignUp, Mode::EmailCode];

    fn label(self) -> &'static str {
        match self {
            Mode::SignIn => "Sign in",
            Mode::SignUp => "Sign up",
            Mode::EmailCode => "Email code",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Mode::SignIn => "signin",
            Mode::SignUp => "signup",
            Mode::EmailCode => "code",
        }
    }
}

/// The login page: a tab per [`Mode`] and the form of the selected one.
#[component]
pub fn LoginPage() -> impl IntoView {
    let mode = RwSignal::new(Mode::SignIn);
    let notice = RwSignal::new(None::<&'static str>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(Some(
            "The identity server is not connected yet: nothing was sent.",
        ));
    };

    view! {
        <Title text="Log in" />
        <section class="card narrow auth-card">
            <h1>"Welcome"</h1>
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
                                    notice.set(None);
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
                on:submit=submit
            >
                <Show when=move || mode.get() == Mode::SignUp>
                    <label for="name">"Name"</label>
                    <input id="name" name="name" type="text" autocomplete="name" required />
                </Show>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required />
                <Show when=move || mode.get() != Mode::EmailCode>
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
                    />
                </Show>
                <button type="submit" class="button">
                    {move || match mode.get() {
                        Mode::SignIn => "Sign in",
                        Mode::SignUp => "Sign up",
                        Mode::EmailCode => "Send code",
                    }}
                </button>
                <p class="form-notice" role="status" aria-live="polite">
                    {move || notice.get()}
                </p>
            </form>
        </section>
    }
}

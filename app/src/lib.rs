//! The Leptos UI, compiled twice: with `ssr` into the server, with `hydrate` into the WASM.
//!
//! Leptos islands: the server renders every page whole, and the WASM holds only the islands
//! (`#[island]`: the login forms, the navigation, the profile's live parts, log out) and the
//! session keeper ([`session::browser`]). Links load pages from the server.
//!
//! # Layout
//! - [`shell`]: the HTML document the server streams around the app.
//! - [`App`]: meta tags, the router and the shared layout.
//! - [`layout`]: the header, navigation and footer around every page.
//! - [`pages`]: one module per route (home, login, profile, verify, reset password, not found).
//! - [`secret`]: the protected secret message, as a server function the profile asks again.
//! - [`session`]: who is signed in, on the server (cookie) and in the browser (tokens).

pub mod layout;
pub mod pages;
pub mod secret;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    StaticSegment,
};

use crate::{
    layout::Layout,
    pages::{HomePage, LoginPage, NotFound, ProfilePage, ResetPasswordPage, VerifyPage},
};

/// The product name, shown in the header and the page titles.
pub const PRODUCT_NAME: &str = "Descope × Leptos";

/// The HTML document around the app; the server renders it for every page request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <SessionMeta />
                <AutoReload options=options.clone() />
                <IslandsLoader options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Loads the WASM as soon as the page is parsed and hydrates its islands (`islands.js`).
/// Leptos's own islands loader first waits for the browser to be idle, which here came
/// 100–150 ms after it was asked for (BENCHMARKS.md has what that bought). Files are named as
/// Leptos names them without file hashing (`hash-files` is off in Cargo.toml).
#[component]
fn IslandsLoader(options: LeptosOptions) -> impl IntoView {
    let glue = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // cargo-leptos sets LEPTOS_OUTPUT_NAME when it builds, and then names the module as the glue.
    let wasm = match option_env!("LEPTOS_OUTPUT_NAME") {
        Some(_) => glue.clone(),
        None => format!("{glue}_bg"),
    };
    view! {
        <link rel="modulepreload" href=format!("{glue}.js") crossorigin="anonymous" />
        <link
            rel="preload"
            href=format!("{wasm}.wasm")
            r#as="fetch"
            r#type="application/wasm"
            crossorigin="anonymous"
        />
        <script type="module" nonce=leptos::nonce::use_nonce()>
            {format!("{}({glue:?}, {wasm:?});", include_str!("islands.js").trim_end())}
        </script>
    }
}

/// What the browser needs from the server: where Descope is, and whom the page was rendered for
/// (so that the islands start from the same, and the session keeper can tell whether this
/// browser's session is the one the server saw).
#[component]
fn SessionMeta() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (settings, user) = (
        use_context::<session::DescopeSettings>(),
        session::page_session().map(|s| s.user_id),
    );
    #[cfg(not(feature = "ssr"))]
    let (settings, user) = (None::<session::DescopeSettings>, None::<String>);
    let (base_url, project_id) = settings
        .map(|s| (s.base_url, s.project_id))
        .unwrap_or_default();
    view! {
        <meta name=session::meta::BASE_URL content=base_url />
        <meta name=session::meta::PROJECT_ID content=project_id />
        <meta name=session::meta::SESSION_USER content=user.unwrap_or_default() />
    }
}

/// The root component: routes every path to its page inside the shared layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    {
        content_security_policy();
        session::provide_auth();
    }

    view! {
        <Stylesheet id="leptos" href="/pkg/descope-leptos.css" />
        <Title formatter=|page: String| format!("{page} · {PRODUCT_NAME}") />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                    <Route path=StaticSegment("login") view=LoginPage />
                    <Route path=StaticSegment("profile") view=ProfilePage />
                    <Route path=StaticSegment("verify") view=VerifyPage />
                    <Route path=StaticSegment("reset-password") view=ResetPasswordPage />
                </Routes>
            </Layout>
        </Router>
    }
}

/// Sends a Content-Security-Policy whose script nonce is fresh for each response: only the
/// nonce-bearing scripts Leptos renders (and what they load) may run, plus the WASM; nothing
/// inline without the nonce, no plugins, no framing.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // The browser calls Descope directly: allow its origin when it is not this one.
    let descope = use_context::<session::DescopeSettings>()
        .map(|s| s.base_url)
        .filter(|url| url.starts_with("http"))
        .and_then(|url| {
            let (scheme, rest) = url.split_once("://")?;
            let host = rest.split('/').next()?;
            Some(format!(" {scheme}://{host}"))
        })
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{descope}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

//! The browser half of the session: token storage, refresh and cross-tab coordination.
//!
//! - The session token lives where Descope's web SDK keeps it (localStorage `DS`), mirrored in
//!   a `DS` cookie (`SameSite=Strict`, `Secure` over https) so the server renders the right page
//!   on first paint. The refresh token is in an httpOnly cookie that script never sees when the
//!   project delivers it so ("manage in cookies": a sign-in answer without `refreshJwt`);
//!   otherwise it is in localStorage `DSR`, as with the web SDK's `persistTokens`.
//! - The session is refreshed 20 s before it expires, by this machine's clock: the deadline is
//!   the token's lifetime (`exp - iat`, both the server's) counted from when it arrived, so a
//!   clock that is off does not make every token look due. It is stored beside the tokens for
//!   every tab. A timer that fires while the tab is hidden waits until the tab is visible.
//! - One refresh at a time across tabs: the refresh runs under a Web Lock, and decides inside
//!   it, from the stored tokens, whether one is still needed. A tab whose timer fires after
//!   another tab refreshed finds a session that is not due and adopts it.
//! - A refused refresh (any 4xx) ends the session; network errors and 5xx keep it and retry
//!   with backoff (2 s doubling to 60 s).
//! - Sign-out revokes the refresh token, clears storage and tells every other tab; when the
//!   revocation cannot reach Descope, the next page says so, tries again and offers to.

use std::cell::{Cell, RefCell};

use descope::{
    api::JwtResponse,
    browser::{Client, ClientError},
};
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

use super::{meta, Auth};

const SESSION_KEY: &str = "DS";
const REFRESH_KEY: &str = "DSR";
/// Set while the refresh token is in the project's httpOnly cookie: a marker, not a token.
const REFRESH_IN_COOKIE_KEY: &str = "DSR_IN_COOKIE";
/// Set while a sign-out's revocation has not reached Descope: the refresh token (or, for the
/// cookie, an empty marker), so that this tab's next page tries again. In sessionStorage: it
/// ends with the tab.
const UNREVOKED_KEY: &str = "DSR_UNREVOKED";
/// When this tab last reloaded a page to show it with the session the server had not seen.
const RESYNC_AT_KEY: &str = "DS_RESYNC_AT";
/// At most one such reload in this many seconds: a server that cannot validate sessions must
/// not make pages reload without end.
const RESYNC_EVERY_SECS: i64 = 30;
const REFRESH_LOCK: &str = "descope-refresh";
const CHANNEL_NAME: &str = "descope-session";
/// How long before expiry the session is refreshed, as Descope's web SDK does.
const REFRESH_EARLY_SECS: i64 = 20;
/// The shortest wait before a new session is refreshed, however short it is.
const MIN_REFRESH_DELAY_SECS: i64 = 5;
/// Where the refresh deadline (Unix seconds, this machine's clock) is stored for all tabs.
const REFRESH_AT_KEY: &str = "DS_REFRESH_AT";
const MAX_BACKOFF_SECS: u64 = 60;

thread_local! {
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
    /// Set when a refresh came due while the tab was hidden.
    static DUE_WHILE_HIDDEN: Cell<bool> = const { Cell::new(false) };
    static FAILURES: Cell<u32> = const { Cell::new(0) };
    /// Set once this page started loading another: effects that would navigate stand down.
    static LEAVING: Cell<bool> = const { Cell::new(false) };
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `navigator.locks.request(name, callback)`: runs `callback` holding the named lock until
    /// the promise it returns settles (web-sys exposes Web Locks only as an unstable API).
    #[wasm_bindgen(js_namespace = ["navigator", "locks"], js_name = request, catch)]
    fn request_lock(name: &str, callback: &js_sys::Function) -> Result<js_sys::Promise, JsValue>;
}

/// The `content` of `<meta name="{name}">` in the page head.
pub(crate) fn meta_content(name: &str) -> Option<String> {
    document()
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??
        .get_attribute("content")
}

/// Loads `path` (a same-origin path): every page is rendered by the server.
pub fn go(path: &str) {
    LEAVING.set(true);
    let _ = window().location().assign(path);
}

/// Whether this page is already loading another.
pub fn leaving() -> bool {
    LEAVING.get()
}

/// A Descope client for the base URL and project the server announced.
pub fn client() -> Client {
    let base = meta_content(meta::BASE_URL).unwrap_or_default();
    let base = if base.starts_with('/') {
        format!("{}{base}", window().location().origin().unwrap_or_default())
    } else {
        base
    };
    Client::new(base, meta_content(meta::PROJECT_ID).unwrap_or_default())
}

/// Where the session's refresh token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// In storage (`DSR`): the project returns it in the body.
    Stored(String),
    /// In the project's httpOnly cookie, which only the browser sends.
    Cookie,
}

impl Refresh {
    /// The token to send with a call that acts on the session; none when the cookie carries
    /// it.
    pub fn token(&self) -> Option<&str> {
        match self {
            Self::Stored(token) => Some(token),
            Self::Cookie => None,
        }
    }
}

/// The session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    /// The session token (`DS`).
    pub session: String,
    /// Where the refresh token is.
    pub refresh: Refresh,
}

/// The stored session, if there is one.
pub fn tokens() -> Option<Tokens> {
    let storage = LocalStorage::raw();
    let session = storage.get_item(SESSION_KEY).ok()??;
    let refresh = match storage.get_item(REFRESH_KEY).ok()? {
        Some(token) => Refresh::Stored(token),
        None if storage.get_item(REFRESH_IN_COOKIE_KEY).ok()?.is_some() => Refresh::Cookie,
        None => return None,
    };
    Some(Tokens { session, refresh })
}

/// The stored session token, for `Authorization: Bearer` on the app's own API (the server
/// function).
pub fn session_token() -> Option<String> {
    LocalStorage::raw().get_item(SESSION_KEY).ok()?
}

fn save(response: &JwtResponse) {
    let storage = LocalStorage::raw();
    let _ = storage.set_item(SESSION_KEY, &response.session_jwt);
    match &response.refresh_jwt {
        Some(refresh) => {
            let _ = storage.set_item(REFRESH_KEY, refresh);
            let _ = storage.remove_item(REFRESH_IN_COOKIE_KEY);
        }
        None => {
            let _ = storage.remove_item(REFRESH_KEY);
            let _ = storage.set_item(REFRESH_IN_COOKIE_KEY, "1");
            // The new session's cookie replaced any cookie a failed sign-out left: retrying
            // that revocation would end the new session.
            if unrevoked() == Some(Refresh::Cookie) {
                let _ = SessionStorage::raw().remove_item(UNREVOKED_KEY);
            }
        }
    }
    let lifetime = lifetime(&response.session_jwt).unwrap_or(0);
    let refresh_in = (lifetime - REFRESH_EARLY_SECS).max(MIN_REFRESH_DELAY_SECS);
    let _ = storage.set_item(REFRESH_AT_KEY, &(now() + refresh_in).to_string());
    set_cookie(Some(&response.session_jwt), lifetime);
}

fn clear() {
    let storage = LocalStorage::raw();
    let _ = storage.remove_item(SESSION_KEY);
    let _ = storage.remove_item(REFRESH_KEY);
    let _ = storage.remove_item(REFRESH_IN_COOKIE_KEY);
    let _ = storage.remove_item(REFRESH_AT_KEY);
    set_cookie(None, 0);
    cancel_timer();
}

/// When the stored session is due for a refresh, by this machine's clock.
fn refresh_due_at() -> Option<i64> {
    LocalStorage::raw()
        .get_item(REFRESH_AT_KEY)
        .ok()??
        .parse()
        .ok()
}

/// Mirrors the session token in the `DS` cookie the server reads on page requests, for
/// `max_age` seconds.
fn set_cookie(value: Option<&str>, max_age: i64) {
    let secure = window().location().protocol().is_ok_and(|p| p == "https:");
    let max_age = if value.is_some() { max_age.max(0) } else { 0 };
    let cookie = format!(
        "DS={}; Path=/; SameSite=Strict; Max-Age={max_age}{}",
        value.unwrap_or(""),
        if secure { "; Secure" } else { "" }
    );
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&cookie);
    }
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A refused refresh, for a session that turned out to be another user's.
fn foreign_session() -> ClientError {
    ClientError::Api {
        status: 401,
        body: descope::api::ErrorBody {
            error_code: descope::api::code::INVALID_REFRESH_TOKEN.into(),
            error_description: "Invalid refresh token".into(),
            error_message: "the refreshed session belongs to another user".into(),
        },
        retry_after: None,
    }
}

/// Whose session a JWT is (`dsub`, else `sub`, as the server reads it), read without verifying
/// it: only to compare sessions that Descope issued.
fn subject(jwt: &str) -> Option<String> {
    let claims = claims(jwt)?;
    let user = claims.get("dsub").or_else(|| claims.get("sub"))?;
    Some(user.as_str()?.to_owned())
}

/// How long a JWT lives (`exp - iat`), read without verifying it: only to schedule a refresh.
fn lifetime(jwt: &str) -> Option<i64> {
    let claims = claims(jwt)?;
    Some(claims.get("exp")?.as_i64()? - claims.get("iat")?.as_i64()?)
}

/// A JWT's claims, decoded but not verified.
fn claims(jwt: &str) -> Option<serde_json::Value> {
    let payload = jwt.split('.').nth(1)?;
    let mut base64 = payload.replace('-', "+").replace('_', "/");
    while base64.len() % 4 != 0 {
        base64.push('=');
    }
    let json = window().atob(&base64).ok()?;
    serde_json::from_str(&json).ok()
}

/// Starts the session keeper of this page and provides [`Auth`] to its islands, from the
/// server's verdict. Once the islands have hydrated, it reconciles that verdict with the
/// stored tokens, schedules the refresh, retries a revocation the last sign-out left, and
/// listens to other tabs and to visibility.
pub fn start() {
    let rendered_for = meta_content(meta::SESSION_USER).unwrap_or_default();
    let auth = Auth::provide(!rendered_for.is_empty());
    // The loader hydrates the islands after this returns (in this task's microtasks); changes
    // wait for the next task, when every island matches the server's HTML.
    let _ = set_timeout_with_handle(
        move || settle(auth, &rendered_for),
        std::time::Duration::ZERO,
    );
}

/// `rendered_for`: the user the server rendered the page for (empty: nobody).
fn settle(auth: Auth, rendered_for: &str) {
    match tokens() {
        Some(stored) if subject(&stored.session).as_deref() == Some(rendered_for) => {
            schedule_refresh(auth)
        }
        Some(_) => spawn_local(resync(auth)),
        None => {
            set_cookie(None, 0);
            auth.signed_in.set(false);
        }
    }
    if let Some(refresh) = unrevoked() {
        spawn_local(async move {
            auth.unrevoked.set(revoke(refresh).await.is_err());
        });
    }
    listen_to_other_tabs(auth);
    catch_up_when_visible(auth);
    if let Some(root) = document().document_element() {
        // Tells tests (and curious people in the inspector) that the islands are live.
        let _ = root.set_attribute("data-hydrated", "true");
    }
}

/// The page was rendered without this browser's session: its `DS` cookie expired, was not sent
/// (`SameSite=Strict` on an arrival from another site), or another app on this host replaced
/// it (cookies do not tell ports apart). Sets the cookie again, refreshing first when the
/// session is due, and reloads the page, which the server then renders for this session; at
/// most once in [`RESYNC_EVERY_SECS`].
async fn resync(auth: Auth) {
    let storage = SessionStorage::raw();
    let last = storage
        .get_item(RESYNC_AT_KEY)
        .ok()
        .flatten()
        .and_then(|at| at.parse::<i64>().ok());
    if last.is_some_and(|at| (now() - at).abs() < RESYNC_EVERY_SECS) {
        schedule_refresh(auth);
        return;
    }
    let _ = storage.set_item(RESYNC_AT_KEY, &now().to_string());
    match refresh_due_at() {
        Some(due) if due > now() + 1 => {
            if let Some(stored) = tokens() {
                set_cookie(Some(&stored.session), due - now() + REFRESH_EARLY_SECS);
                schedule_refresh(auth);
            }
        }
        _ => {
            if refresh(auth, Due::Expiring).await.is_err() {
                return;
            }
        }
    }
    let _ = window().location().reload();
}

/// Stores the tokens of a successful sign-in and starts refreshing them.
pub fn signed_in(auth: Auth, response: &JwtResponse) {
    save(response);
    FAILURES.set(0);
    auth.signed_in.set(true);
    auth.unrevoked.set(false);
    schedule_refresh(auth);
}

/// Signs out everywhere: revokes the refresh token, clears storage and tells the other tabs.
/// The session ends here even when Descope cannot be reached; the error says that the refresh
/// token then stays valid, and [`retry_revoke`] tries again.
pub async fn sign_out(auth: Auth) -> Result<(), ClientError> {
    let revoked = match tokens() {
        Some(tokens) => revoke(tokens.refresh).await,
        None => Ok(()),
    };
    end_session(auth, true);
    revoked
}

/// Revokes `refresh` (in cookie mode, Descope also expires the cookie). When Descope cannot be
/// reached, keeps it for [`retry_revoke`] and this tab's next page (a refusal means it is no
/// longer valid anyway).
async fn revoke(refresh: Refresh) -> Result<(), ClientError> {
    let storage = SessionStorage::raw();
    match client().logout(refresh.token()).await {
        Err(e) if !e.ends_session() => {
            let _ = storage.set_item(UNREVOKED_KEY, refresh.token().unwrap_or_default());
            Err(e)
        }
        _ => {
            let _ = storage.remove_item(UNREVOKED_KEY);
            Ok(())
        }
    }
}

/// The refresh token of a sign-out whose revocation did not reach Descope.
fn unrevoked() -> Option<Refresh> {
    let token = SessionStorage::raw().get_item(UNREVOKED_KEY).ok()??;
    Some(if token.is_empty() {
        Refresh::Cookie
    } else {
        Refresh::Stored(token)
    })
}

/// Tries again to revoke the refresh token of the last sign-out that could not reach Descope.
pub async fn retry_revoke() -> Result<(), ClientError> {
    match unrevoked() {
        Some(refresh) => revoke(refresh).await,
        None => Ok(()),
    }
}

fn end_session(auth: Auth, tell_other_tabs: bool) {
    clear();
    auth.signed_in.set(false);
    if tell_other_tabs {
        broadcast("logout");
    }
}

fn cancel_timer() {
    TIMER.with_borrow_mut(|timer| {
        if let Some(handle) = timer.take() {
            handle.clear();
        }
    });
}

fn schedule_in(auth: Auth, seconds: i64) {
    cancel_timer();
    let delay = std::time::Duration::from_secs(seconds.max(0) as u64);
    let handle = set_timeout_with_handle(
        move || {
            if document().hidden() {
                DUE_WHILE_HIDDEN.set(true);
            } else {
                spawn_local(async move {
                    let _ = refresh(auth, Due::Expiring).await;
                });
            }
        },
        delay,
    );
    TIMER.with_borrow_mut(|timer| *timer = handle.ok());
}

fn schedule_refresh(auth: Auth) {
    // Tokens stored without a deadline (by an older version of this page) are due now.
    let due = refresh_due_at().unwrap_or_else(now);
    schedule_in(auth, due - now());
}

/// Why a refresh is asked for.
pub enum Due {
    /// The session token nears its expiry: the timer, or a tab shown again.
    Expiring,
    /// The server refused this session token.
    Refused(String),
}

impl Due {
    /// Whether the stored session still calls for a refresh. Decided under the lock from what
    /// is stored then, so that whichever tab comes second finds the first one's tokens.
    fn applies_to(&self, stored: &Tokens) -> bool {
        match self {
            Self::Expiring => refresh_due_at().is_none_or(|due| due <= now() + 1),
            Self::Refused(token) => *token == stored.session,
        }
    }
}

/// Refreshes the session now, under the cross-tab lock, unless another tab already did.
pub async fn refresh(auth: Auth, due: Due) -> Result<(), ClientError> {
    if tokens().is_none() {
        end_session(auth, false);
        return Err(ClientError::Network("no session".into()));
    }
    let result = with_refresh_lock(async move {
        match tokens() {
            Some(current) if !due.applies_to(&current) => Ok(()),
            None => Err(ClientError::Network("signed out in another tab".into())),
            Some(current) => {
                let response = client().refresh(current.refresh.token()).await?;
                if subject(&response.session_jwt) != subject(&current.session) {
                    // Another user's session: a refresh cookie planted beside or over ours
                    // (cookies do not tell ports apart). Keep none of it.
                    return Err(foreign_session());
                }
                save(&response);
                broadcast("refreshed");
                Ok(())
            }
        }
    })
    .await;
    match &result {
        Ok(()) => {
            FAILURES.set(0);
            schedule_refresh(auth);
        }
        Err(e) if e.ends_session() => end_session(auth, true),
        Err(_) if tokens().is_none() => end_session(auth, false),
        Err(_) => {
            let failures = FAILURES.get() + 1;
            FAILURES.set(failures);
            let backoff = (1u64 << failures.min(6)).min(MAX_BACKOFF_SECS);
            schedule_in(auth, backoff as i64);
        }
    }
    result
}

/// Runs `work` holding the Web Lock shared by all tabs of this origin (directly where the
/// browser has no Web Locks).
async fn with_refresh_lock<F>(work: F) -> Result<(), ClientError>
where
    F: std::future::Future<Output = Result<(), ClientError>> + 'static,
{
    let outcome = std::rc::Rc::new(RefCell::new(None));
    let slot = outcome.clone();
    let mut work = Some(work);
    let callback = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_lock| {
        let work = work.take();
        let slot = slot.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(work) = work {
                *slot.borrow_mut() = Some(work.await);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    match request_lock(REFRESH_LOCK, callback.as_ref().unchecked_ref()) {
        Ok(promise) => {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        Err(_) => {
            // No Web Locks: run unlocked.
            let _ = wasm_bindgen_futures::JsFuture::from(
                callback
                    .as_ref()
                    .unchecked_ref::<js_sys::Function>()
                    .call1(&JsValue::NULL, &JsValue::NULL)
                    .map(js_sys::Promise::from)
                    .unwrap_or_else(|_| js_sys::Promise::resolve(&JsValue::NULL)),
            )
            .await;
        }
    }
    drop(callback);
    let result = outcome.borrow_mut().take();
    result.unwrap_or_else(|| Err(ClientError::Network("the refresh did not run".into())))
}

fn broadcast(message: &str) {
    CHANNEL.with_borrow(|channel| {
        if let Some(channel) = channel {
            let _ = channel.post_message(&JsValue::from_str(message));
        }
    });
}

fn listen_to_other_tabs(auth: Auth) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL_NAME) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match event.data().as_string().as_deref() {
                Some("logout") => {
                    end_session(auth, false);
                    go("/login");
                }
                Some("refreshed") => {
                    auth.signed_in.set(tokens().is_some());
                    schedule_refresh(auth);
                }
                _ => {}
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the page
    CHANNEL.with_borrow_mut(|slot| *slot = Some(channel));
}

fn catch_up_when_visible(auth: Auth) {
    let on_visible = Closure::<dyn FnMut()>::new(move || {
        if document().hidden() {
            return;
        }
        let due = session_token().is_some() && refresh_due_at().is_none_or(|due| due <= now());
        if DUE_WHILE_HIDDEN.replace(false) || due {
            spawn_local(async move {
                let _ = refresh(auth, Due::Expiring).await;
            });
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    on_visible.forget(); // lives as long as the page
}

//! Faults injected on purpose, so that a developer's tests can watch their app cope with an
//! identity service that fails (`POST /_dev/faults`, see `dev`): for the next `times` requests
//! of one endpoint family, or for `seconds`, answer 500, 503 or 429 instead, or hang first.
//!
//! Held in memory and lost on restart. Windows run on real time, not the server's movable
//! clock: a test that moves the clock does not end its own faults.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, MutexGuard,
    },
    time::{Duration, Instant},
};

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use descope::api::path;
use serde::Serialize;
use tokio::sync::Notify;

use super::error::HttpError;

/// The most faults waiting at once: enough for any test, and a bound on what one may store.
pub(crate) const MAX_FAULTS: usize = 100;

/// A family of endpoints a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Target {
    /// `refresh` and `try-refresh`.
    Refresh,
    /// Password sign-in and sign-up.
    Signin,
    /// Every one-time-code endpoint.
    Otp,
    /// Every magic-link endpoint.
    Magiclink,
    /// `me`, with its tenants and history.
    Me,
    /// `logout` and `logoutall`.
    Logout,
    /// The key sets (`/v2/keys/…`).
    Keys,
}

impl Target {
    /// The name the API gives the family.
    fn name(self) -> &'static str {
        match self {
            Self::Refresh => "refresh",
            Self::Signin => "signin",
            Self::Otp => "otp",
            Self::Magiclink => "magiclink",
            Self::Me => "me",
            Self::Logout => "logout",
            Self::Keys => "keys",
        }
    }

    /// The family of the request path `path`, if it is in one.
    fn of(path: &str) -> Option<Self> {
        Some(match path {
            path::REFRESH | path::TRY_REFRESH => Self::Refresh,
            path::PASSWORD_SIGN_IN | path::PASSWORD_SIGN_UP => Self::Signin,
            p if p.starts_with("/v1/auth/otp/") => Self::Otp,
            p if p.starts_with("/v1/auth/magiclink/") => Self::Magiclink,
            p if p == path::ME || p.starts_with("/v1/auth/me/") => Self::Me,
            path::LOGOUT | path::LOGOUT_ALL => Self::Logout,
            p if p.starts_with("/v2/keys/") => Self::Keys,
            _ => return None,
        })
    }
}

/// What a matching request gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// This status instead of the answer (500, 503 or 429; the last two with `Retry-After`).
    Status(StatusCode),
    /// The real answer, this much later.
    Delay(Duration),
}

/// How long a fault lasts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lasts {
    /// For this many more matching requests.
    Times(u32),
    /// Until then.
    Until(Instant),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Fault {
    pub(crate) target: Target,
    pub(crate) effect: Effect,
    pub(crate) lasts: Lasts,
}

impl Fault {
    fn live(&self, now: Instant) -> bool {
        match self.lasts {
            Lasts::Times(n) => n > 0,
            Lasts::Until(end) => now < end,
        }
    }

    /// Whole seconds left of a window at `now`, rounded up: a fault still waiting never shows
    /// 0. None for a fault that counts requests.
    pub(crate) fn seconds_left(&self, now: Instant) -> Option<u64> {
        match self.lasts {
            Lasts::Times(_) => None,
            Lasts::Until(end) => Some(
                end.saturating_duration_since(now)
                    .as_millis()
                    .div_ceil(1000) as u64,
            ),
        }
    }

    /// The fault in words, as the console lists it: `refresh: answer 503 for the next 2
    /// request(s)`.
    pub(crate) fn describe(&self, now: Instant) -> String {
        let effect = match self.effect {
            Effect::Status(status) => format!("answer {}", status.as_u16()),
            Effect::Delay(delay) => format!("wait {} ms", delay.as_millis()),
        };
        let lasts = match self.lasts {
            Lasts::Times(n) => format!("for the next {n} request(s)"),
            Lasts::Until(_) => format!(
                "for {} more second(s)",
                self.seconds_left(now).unwrap_or_default()
            ),
        };
        format!("{}: {effect} {lasts}", self.target.name())
    }
}

/// The faults waiting for their requests.
#[derive(Default)]
pub(crate) struct Faults {
    /// Whether any fault waits: requests check this alone while none does.
    armed: AtomicBool,
    list: Mutex<Vec<Fault>>,
    /// Wakes the requests an injected delay holds when the faults are cleared.
    cleared: Notify,
}

impl Faults {
    /// Adds `fault`; false when [`MAX_FAULTS`] are already waiting.
    pub(crate) fn add(&self, fault: Fault) -> bool {
        let mut list = self.pruned();
        if list.len() >= MAX_FAULTS {
            return false;
        }
        list.push(fault);
        self.armed.store(true, Ordering::Release);
        true
    }

    /// The faults still waiting.
    pub(crate) fn list(&self) -> Vec<Fault> {
        self.pruned().clone()
    }

    /// Removes every fault, and ends the delays already running; answers how many waited.
    pub(crate) fn clear(&self) -> usize {
        let mut list = self.pruned();
        let waiting = list.len();
        list.clear();
        self.armed.store(false, Ordering::Release);
        self.cleared.notify_waiters();
        waiting
    }

    /// The effect for a request of `target`, spending one of the times of the first fault armed
    /// for it (faults of one family are served in the order they were armed).
    fn take(&self, target: Target) -> Option<Effect> {
        let mut list = self.pruned();
        let fault = list.iter_mut().find(|f| f.target == target)?;
        if let Lasts::Times(n) = &mut fault.lasts {
            *n -= 1;
        }
        Some(fault.effect)
    }

    /// The list without the faults used up or ended; the check is disarmed when none is left.
    fn pruned(&self) -> MutexGuard<'_, Vec<Fault>> {
        // A panic while holding the lock leaves a valid list: take it as is.
        let mut list = self.list.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        list.retain(|f| f.live(now));
        if list.is_empty() {
            self.armed.store(false, Ordering::Release);
        }
        list
    }
}

/// Answers a request with the fault that waits for its family, if any; every injected fault is
/// logged at `warn`, so that a test's log says why a call failed.
pub(crate) async fn inject(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response {
    if !faults.armed.load(Ordering::Acquire) {
        return next.run(request).await;
    }
    let Some(target) = Target::of(request.uri().path()) else {
        return next.run(request).await;
    };
    match faults.take(target) {
        None => next.run(request).await,
        Some(Effect::Status(status)) => {
            tracing::warn!(?target, status = status.as_u16(), "injected fault: status");
            HttpError::Injected(status).into_response()
        }
        Some(Effect::Delay(delay)) => {
            tracing::warn!(
                ?target,
                delay_ms = delay.as_millis() as u64,
                "injected fault: delay"
            );
            // Clearing the faults ends the delays already running too.
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = faults.cleared.notified() => {}
            }
            next.run(request).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_their_families() {
        for (path, target) in [
            ("/v1/auth/refresh", Some(Target::Refresh)),
            ("/v1/auth/try-refresh", Some(Target::Refresh)),
            ("/v1/auth/password/signin", Some(Target::Signin)),
            ("/v1/auth/password/update", None),
            ("/v1/auth/otp/verify/email", Some(Target::Otp)),
            ("/v1/auth/magiclink/verify", Some(Target::Magiclink)),
            ("/v1/auth/me", Some(Target::Me)),
            ("/v1/auth/me/tenants", Some(Target::Me)),
            ("/v1/auth/meh", None),
            ("/v1/auth/logoutall", Some(Target::Logout)),
            ("/v2/keys/P2LocalDescopeCompatible0000", Some(Target::Keys)),
            ("/_dev/faults", None),
            ("/inbox.json", None),
        ] {
            assert_eq!(Target::of(path), target, "{path}");
        }
    }

    #[test]
    fn a_fault_serves_its_times_then_goes() {
        let faults = Faults::default();
        let effect = Effect::Status(StatusCode::SERVICE_UNAVAILABLE);
        assert!(faults.add(Fault {
            target: Target::Refresh,
            effect,
            lasts: Lasts::Times(2),
        }));
        assert_eq!(faults.take(Target::Me), None);
        assert_eq!(faults.take(Target::Refresh), Some(effect));
        assert_eq!(faults.take(Target::Refresh), Some(effect));
        assert_eq!(faults.take(Target::Refresh), None);
        assert!(
            !faults.armed.load(Ordering::Acquire),
            "spent faults disarm the check"
        );
    }
}

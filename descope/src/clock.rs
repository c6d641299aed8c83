//! Time as Unix seconds, behind a trait so that tests (and a local server's clock control) can
//! move it.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time in Unix seconds. The validator reads it for `exp`, `nbf` and `iat`; a
/// local identity server reads the same shape, so one clock can drive both.
pub trait Clock: Send + Sync + 'static {
    /// Seconds since the Unix epoch.
    fn now(&self) -> u64;
}

impl<F: Fn() -> u64 + Send + Sync + 'static> Clock for F {
    fn now(&self) -> u64 {
        self()
    }
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

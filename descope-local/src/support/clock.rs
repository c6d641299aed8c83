//! The server's clock: the system's, shifted by an offset that can be moved while the server
//! runs. Tokens, codes, links, refresh expiry and rate-limit windows all read it, so tests
//! move time here instead of editing stored rows.

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

use descope::clock::{Clock as _, SystemClock};

/// Unix time as the server sees it. Clones share one offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock, with no offset.
    pub fn system() -> Self {
        Self::default()
    }

    /// Seconds since the Unix epoch, offset included.
    pub fn now(&self) -> i64 {
        i64::try_from(SystemClock.now()).unwrap_or(i64::MAX) + self.offset()
    }

    /// Moves the clock forward by `seconds` (backward if negative).
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::Relaxed);
    }

    /// Moves the clock forward by `seconds` unless that would take it more than `limit`
    /// seconds ahead of the system's; answers whether it moved. One atomic step, so that
    /// concurrent moves cannot pass the limit together.
    pub fn advance_within(&self, seconds: i64, limit: i64) -> bool {
        self.offset
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                offset.checked_add(seconds).filter(|o| *o <= limit)
            })
            .is_ok()
    }

    /// How far the clock is from the system's, in seconds.
    pub fn offset(&self) -> i64 {
        self.offset.load(Ordering::Relaxed)
    }

    /// Back to the system's time.
    pub fn reset(&self) {
        self.offset.store(0, Ordering::Relaxed);
    }
}

/// The same time for the validator, so an app and its local server can share one clock.
impl descope::clock::Clock for Clock {
    fn now(&self) -> u64 {
        u64::try_from(Clock::now(self)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_offset() {
        let clock = Clock::system();
        let other = clock.clone();
        let before = clock.now();
        other.advance(600);
        assert!(clock.now() >= before + 600);
        assert_eq!(clock.offset(), 600);
        clock.reset();
        assert_eq!(other.offset(), 0);
    }
}

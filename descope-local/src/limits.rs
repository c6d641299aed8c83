//! Rate limits on sign-in attempts, per account and per client address.
//!
//! Fixed windows: failures per account (so one account cannot be guessed at), and attempts per
//! address (so one client cannot spray many accounts). A success resets the account's count.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::ApiError;

/// The length of a window.
pub(crate) const WINDOW: Duration = Duration::from_secs(600);

pub(crate) struct Limits {
    account_failures: u32,
    address_attempts: u32,
    accounts: Mutex<HashMap<String, Window>>,
    addresses: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

impl Window {
    fn current(entry: Option<&Window>, now: Instant) -> Window {
        match entry {
            Some(w) if now.duration_since(w.started) < WINDOW => *w,
            _ => Window {
                started: now,
                count: 0,
            },
        }
    }

    fn retry_after(&self, now: Instant) -> Duration {
        WINDOW.saturating_sub(now.duration_since(self.started))
    }
}

impl Limits {
    /// At most `account_failures` failed sign-ins per account and `address_attempts` attempts
    /// per client address in each 10-minute window.
    pub(crate) fn new(account_failures: u32, address_attempts: u32) -> Self {
        Self {
            account_failures,
            address_attempts,
            accounts: Mutex::default(),
            addresses: Mutex::default(),
        }
    }

    /// Counts an attempt from `address` for `account`; refuses it if either is over its limit.
    pub(crate) fn check(&self, account: &str, address: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        {
            let accounts = self.accounts.lock().expect("limits lock poisoned");
            let window = Window::current(accounts.get(account), now);
            if window.count >= self.account_failures {
                return Err(ApiError::RateLimited(window.retry_after(now)));
            }
        }
        let mut addresses = self.addresses.lock().expect("limits lock poisoned");
        if addresses.len() > 100_000 {
            addresses.retain(|_, w| now.duration_since(w.started) < WINDOW);
        }
        let mut window = Window::current(addresses.get(&address), now);
        if window.count >= self.address_attempts {
            return Err(ApiError::RateLimited(window.retry_after(now)));
        }
        window.count += 1;
        addresses.insert(address, window);
        Ok(())
    }

    /// Records a failed attempt for `account`.
    pub(crate) fn failed(&self, account: &str) {
        let now = Instant::now();
        let mut accounts = self.accounts.lock().expect("limits lock poisoned");
        if accounts.len() > 100_000 {
            accounts.retain(|_, w| now.duration_since(w.started) < WINDOW);
        }
        let mut window = Window::current(accounts.get(account), now);
        window.count += 1;
        accounts.insert(account.to_owned(), window);
    }

    /// Forgets the failures of `account` after a successful sign-in.
    pub(crate) fn succeeded(&self, account: &str) {
        self.accounts
            .lock()
            .expect("limits lock poisoned")
            .remove(account);
    }
}

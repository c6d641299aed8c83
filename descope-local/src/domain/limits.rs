//! Limits on guessing secrets and on signing up, per account and per client address.
//!
//! Fixed 10-minute windows. A secret check first reserves a slot in the window of its client
//! address and in that of its account (one per kind of secret). The slot is taken before the
//! expensive work, so any number of concurrent guesses evaluates at most the limit in a window;
//! a check that succeeds gives its slot back, one that fails keeps it. Sign-ups, and requests
//! for codes and links, draw on a budget per address of their own, and so do management keys.
//!
//! Addresses are counted as clients hold them: an IPv4 address, or an IPv6 /64 (what one
//! subscriber is usually given). Memory is bounded: expired windows are swept out, and while
//! the table is full a key not in it is refused.

use std::{collections::HashMap, hash::Hash, net::IpAddr, sync::Mutex, time::Duration};

use super::error::Error;
use crate::support::{
    clock::Clock,
    config::{Config, LIMIT_WINDOW_SECONDS as WINDOW},
};

/// Windows kept per table before the expired ones are swept out; a table that is still this
/// full after a sweep takes no new key until one expires, so floods cannot grow memory.
const MAX_KEYS: usize = 100_000;

/// The kinds of secret counted per account, each in a window of its own, so that a locked
/// password leaves the email code as a way in. (Link tokens and refresh tokens name no account
/// before they are looked up: they count per address only.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Secret {
    Password,
    Code,
}

pub(crate) struct Limits {
    clock: Clock,
    account_failures: u32,
    address_failures: u32,
    address_signups: u32,
    accounts: Windows<(Secret, String)>,
    addresses: Windows<Client>,
    signups: Windows<Client>,
    management_keys: Windows<Client>,
}

/// A client as limits count it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Client(u128);

impl Client {
    fn of(address: IpAddr) -> Self {
        match address.to_canonical() {
            IpAddr::V4(v4) => Self(u32::from(v4).into()),
            // The /64 prefix, marked apart from every IPv4 address.
            IpAddr::V6(v6) => Self((u128::from(v6) >> 64) | (1 << 127)),
        }
    }
}

impl Limits {
    /// Forgets every account's failures: for a project emptied, whose login IDs may come back
    /// as new accounts. What clients' addresses spent stays counted.
    pub(crate) fn forget_accounts(&self) {
        self.accounts.clear();
    }

    pub(crate) fn new(config: &Config, clock: Clock) -> Self {
        Self {
            clock,
            account_failures: config.account_failures,
            address_failures: config.address_failures,
            address_signups: config.address_signups,
            accounts: Windows::default(),
            addresses: Windows::default(),
            signups: Windows::default(),
            management_keys: Windows::default(),
        }
    }

    /// Reserves one guess from `address`, at a secret of an account (a normalised login ID)
    /// when the request names one, or refuses it ([`Error::RateLimited`]) when either has no
    /// slot left.
    pub(crate) fn guess(
        &self,
        account: Option<(Secret, &str)>,
        address: IpAddr,
    ) -> Result<Guess<'_>, Error> {
        let now = self.clock.now();
        let client = Client::of(address);
        let address_slot = self.addresses.take(&client, self.address_failures, now)?;
        let account = match account {
            Some((secret, login)) => {
                let key = (secret, login.to_owned());
                match self.accounts.take(&key, self.account_failures, now) {
                    Ok(slot) => Some((key, slot)),
                    Err(refused) => {
                        self.addresses.give_back(&client, address_slot);
                        return Err(refused);
                    }
                }
            }
            None => None,
        };
        Ok(Guess {
            limits: self,
            account,
            address: (client, address_slot),
        })
    }

    /// Counts a management key presented from `address`, in a budget of its own (as many
    /// wrong keys as wrong secrets of other kinds), so neither locks the other out. Once the
    /// budget is spent even the right key waits, or the limit would not slow a guesser; a right
    /// key costs nothing.
    pub(crate) fn management_key(&self, address: IpAddr, right: bool) -> Result<(), Error> {
        let client = Client::of(address);
        let slot = self
            .management_keys
            .take(&client, self.address_failures, self.clock.now())?;
        if right {
            self.management_keys.give_back(&client, slot);
        }
        Ok(())
    }

    /// Counts a sign-up, or a request for a code or link, from `address`; refused
    /// ([`Error::RateLimited`]) beyond the budget.
    pub(crate) fn sign_up(&self, address: IpAddr) -> Result<(), Error> {
        self.signups
            .take(&Client::of(address), self.address_signups, self.clock.now())
            .map(drop)
    }
}

/// A reserved guess. Dropped as it is, it stays counted as a failure.
#[must_use = "a guess counts as a failure unless it succeeded"]
pub(crate) struct Guess<'a> {
    limits: &'a Limits,
    account: Option<((Secret, String), i64)>,
    address: (Client, i64),
}

impl Guess<'_> {
    /// The secret was right: the guess gives its slots back.
    pub(crate) fn succeeded(self) {
        if let Some((key, slot)) = &self.account {
            self.limits.accounts.give_back(key, *slot);
        }
        self.limits
            .addresses
            .give_back(&self.address.0, self.address.1);
    }
}

/// Counts per key in fixed windows.
struct Windows<K> {
    table: Mutex<Table<K>>,
}

struct Table<K> {
    windows: HashMap<K, Window>,
    /// When expired windows were last swept out, so a full table is not scanned per request.
    swept: Option<i64>,
}

impl<K> Default for Windows<K> {
    fn default() -> Self {
        Self {
            table: Mutex::new(Table {
                windows: HashMap::new(),
                swept: None,
            }),
        }
    }
}

#[derive(Clone, Copy)]
struct Window {
    started: i64,
    count: u32,
}

impl Window {
    /// Whether the window is still open at `now`. One that starts after `now` (the clock was
    /// moved back) is over too, so a window never outlasts its length.
    fn current(&self, now: i64) -> bool {
        (0..WINDOW).contains(&(now - self.started))
    }
}

impl<K> Windows<K> {
    fn clear(&self) {
        let mut table = self.table.lock().expect("limits lock poisoned");
        table.windows.clear();
        table.swept = None;
    }
}

impl<K: Hash + Eq + Clone> Windows<K> {
    /// Takes a slot in `key`'s current window if fewer than `limit` are taken; answers the
    /// window's start, which identifies the slot for [`Windows::give_back`].
    fn take(&self, key: &K, limit: u32, now: i64) -> Result<i64, Error> {
        let mut table = self.table.lock().expect("limits lock poisoned");
        let Table { windows, swept } = &mut *table;
        if !windows.contains_key(key) && windows.len() >= MAX_KEYS {
            if swept.is_none_or(|at| now - at >= 1) {
                windows.retain(|_, w| w.current(now));
                *swept = Some(now);
            }
            if windows.len() >= MAX_KEYS {
                return Err(Error::RateLimited(Duration::from_secs(1)));
            }
        }
        let window = windows.entry(key.clone()).or_insert(Window {
            started: now,
            count: 0,
        });
        if !window.current(now) {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        if window.count >= limit {
            let wait = WINDOW - (now - window.started);
            return Err(Error::RateLimited(Duration::from_secs(wait.unsigned_abs())));
        }
        window.count += 1;
        Ok(window.started)
    }

    /// Returns a slot taken in the window that started at `started`, if it is still current.
    fn give_back(&self, key: &K, started: i64) {
        let mut table = self.table.lock().expect("limits lock poisoned");
        if let Some(window) = table.windows.get_mut(key) {
            if window.started == started {
                window.count = window.count.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(account_failures: u32, address_failures: u32) -> Limits {
        let mut config = Config::new("P", "unused");
        config.account_failures = account_failures;
        config.address_failures = address_failures;
        config.address_signups = 2;
        Limits::new(&config, Clock::system())
    }

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn guesses_in_flight_hold_their_slots_and_successes_give_them_back() {
        let limits = limits(3, 100);
        let held: Vec<_> = (0..3)
            .map(|_| {
                limits
                    .guess(Some((Secret::Password, "ada@x.com")), HOME)
                    .unwrap()
            })
            .collect();
        // All three still in flight: a fourth is refused.
        assert!(limits
            .guess(Some((Secret::Password, "ada@x.com")), HOME)
            .is_err());
        // Another kind of secret has a window of its own.
        drop(
            limits
                .guess(Some((Secret::Code, "ada@x.com")), HOME)
                .unwrap(),
        );
        let mut held = held.into_iter();
        held.next().unwrap().succeeded();
        let fourth = limits
            .guess(Some((Secret::Password, "ada@x.com")), HOME)
            .unwrap();
        drop(held);
        drop(fourth);
        assert!(limits
            .guess(Some((Secret::Password, "ada@x.com")), HOME)
            .is_err());
    }

    #[test]
    fn a_full_account_gives_the_address_slot_back() {
        let limits = limits(1, 2);
        drop(
            limits
                .guess(Some((Secret::Password, "ada@x.com")), HOME)
                .unwrap(),
        );
        assert!(limits
            .guess(Some((Secret::Password, "ada@x.com")), HOME)
            .is_err());
        // The refused guess did not spend the address's second slot.
        drop(limits.guess(None, HOME).unwrap());
        assert!(limits.guess(None, HOME).is_err());
    }

    #[test]
    fn a_refused_address_leaves_no_account_window_behind() {
        let limits = limits(10, 1);
        drop(limits.guess(None, HOME).unwrap());
        for i in 0..100 {
            let login = format!("user{i}@x.com");
            assert!(limits
                .guess(Some((Secret::Password, &login)), HOME)
                .is_err());
        }
        assert_eq!(limits.accounts.table.lock().unwrap().windows.len(), 0);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        let limits = limits(10, 1);
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_prefix: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other_prefix: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        drop(limits.guess(None, one).unwrap());
        assert!(limits.guess(None, same_prefix).is_err());
        drop(limits.guess(None, other_prefix).unwrap());
        // An IPv4-mapped address is its IPv4 address.
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        drop(limits.guess(None, mapped).unwrap());
        assert!(limits.guess(None, HOME).is_err());
    }

    #[test]
    fn a_full_table_takes_no_new_key_until_a_sweep_frees_one() {
        let table = Windows::<u32>::default();
        let start = Clock::system().now();
        for key in 0..MAX_KEYS as u32 {
            table.take(&key, 1, start).unwrap();
        }
        assert!(table.take(&u32::MAX, 1, start).is_err(), "full");
        assert!(table.take(&0, 2, start).is_ok(), "known keys still count");
        // A window later, the sweep frees the table.
        assert!(table.take(&u32::MAX, 1, start + WINDOW).is_ok());
    }

    #[test]
    fn windows_follow_the_server_clock_both_ways() {
        let clock = Clock::system();
        let mut config = Config::new("P", "unused");
        config.address_failures = 1;
        let limits = Limits::new(&config, clock.clone());
        drop(limits.guess(None, HOME).unwrap());
        assert!(limits.guess(None, HOME).is_err());
        clock.advance(WINDOW);
        drop(limits.guess(None, HOME).unwrap());
        // Moved back, the window that started "in the future" is over, and no wait exceeds
        // a window.
        clock.advance(-WINDOW - 5);
        drop(limits.guess(None, HOME).unwrap());
        let Err(Error::RateLimited(wait)) = limits.guess(None, HOME) else {
            panic!("the second guess in a window is refused");
        };
        assert!(wait <= Duration::from_secs(WINDOW as u64), "{wait:?}");
    }

    #[test]
    fn sign_ups_have_a_budget_of_their_own() {
        let limits = limits(1, 1);
        limits.sign_up(HOME).unwrap();
        limits.sign_up(HOME).unwrap();
        let Err(Error::RateLimited(wait)) = limits.sign_up(HOME) else {
            panic!("the third sign-up is refused");
        };
        assert!(wait > Duration::from_secs(WINDOW as u64 - 5));
        drop(limits.guess(None, HOME).unwrap());
    }
}

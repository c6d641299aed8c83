//! Tokens already verified, so that a repeated token costs no signature check.
//!
//! Keyed by the whole token (never a prefix or a hash alone, which an attacker could collide),
//! bounded in entries, and each entry dies with its token. Hashed with foldhash, seeded per
//! process: a lookup hashes the whole token (about 800 bytes) several times faster than std's
//! SipHash, and only tokens that verified are ever inserted, so nobody can choose the keys.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use super::claims::SessionClaims;

type Entries = HashMap<Box<str>, Entry, foldhash::fast::RandomState>;

pub(crate) struct VerifiedTokens {
    entries: RwLock<Entries>,
    capacity: usize,
}

struct Entry {
    claims: Arc<SessionClaims>,
    /// Unix second from which the token no longer validates.
    valid_until: u64,
    /// The key cache's revocation epoch when the token was verified.
    epoch: u64,
}

impl VerifiedTokens {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(Entries::with_capacity_and_hasher(
                capacity.min(1024),
                Default::default(),
            )),
            capacity,
        }
    }

    /// The claims of `token` if it was verified, is still valid at `now` and its key was not
    /// removed since (`epoch`).
    pub(crate) fn get(&self, token: &str, now: u64, epoch: u64) -> Option<Arc<SessionClaims>> {
        let entries = self
            .entries
            .read()
            .expect("verified-token cache lock poisoned");
        entries
            .get(token)
            .filter(|e| now < e.valid_until && e.epoch == epoch)
            .map(|e| e.claims.clone())
    }

    pub(crate) fn insert(
        &self,
        token: &str,
        claims: Arc<SessionClaims>,
        valid_until: u64,
        now: u64,
        epoch: u64,
    ) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self
            .entries
            .write()
            .expect("verified-token cache lock poisoned");
        if entries.len() >= self.capacity {
            entries.retain(|_, e| now < e.valid_until && e.epoch == epoch);
        }
        if entries.len() >= self.capacity {
            // Full of live tokens: drop an arbitrary eighth rather than scanning on every insert.
            let victims: Vec<_> = entries
                .keys()
                .take(self.capacity.div_ceil(8))
                .cloned()
                .collect();
            for key in victims {
                entries.remove(&key);
            }
        }
        entries.insert(
            token.into(),
            Entry {
                claims,
                valid_until,
                epoch,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Arc<SessionClaims> {
        Arc::new(SessionClaims {
            user_id: "u".into(),
            roles: vec![],
            permissions: vec![],
            tenants: HashMap::new(),
            current_tenant: None,
            amr: vec![],
            iat: 0,
            exp: 100,
            name: None,
            email: None,
        })
    }

    #[test]
    fn an_entry_lives_until_its_token_expires() {
        let cache = VerifiedTokens::new(10);
        cache.insert("t", claims(), 100, 0, 0);
        assert!(cache.get("t", 99, 0).is_some());
        assert!(cache.get("t", 100, 0).is_none());
        assert!(cache.get("other", 50, 0).is_none());
    }

    #[test]
    fn an_entry_dies_when_a_key_is_removed() {
        let cache = VerifiedTokens::new(10);
        cache.insert("t", claims(), 100, 0, 0);
        assert!(cache.get("t", 1, 1).is_none());
    }

    #[test]
    fn the_cache_never_grows_past_its_capacity() {
        let cache = VerifiedTokens::new(16);
        for i in 0..1000 {
            cache.insert(&format!("t{i}"), claims(), 100, 0, 0);
            assert!(cache.len() <= 16);
        }
        assert!(
            cache.get("t999", 1, 0).is_some(),
            "the newest entry is kept"
        );
    }
}

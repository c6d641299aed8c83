//! The validator: configuration, the order of checks, and the two caches.

use std::{sync::Arc, time::Duration};

use crate::clock::{Clock, SystemClock};

use super::{
    claims::{RawClaims, SessionClaims},
    error::{KeySetError, ValidationError},
    keys::{KeyCache, KeyPolicy},
    token,
    verified::VerifiedTokens,
};

/// Validates Descope session tokens for one project. Cheap to clone; clones share caches.
#[derive(Clone)]
pub struct Validator {
    inner: Arc<Inner>,
}

struct Inner {
    project_id: String,
    leeway: u64,
    max_token_len: usize,
    clock: Box<dyn Clock>,
    keys: KeyCache,
    verified: VerifiedTokens,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("project_id", &self.inner.project_id)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`Validator`]; every default is the secure one.
#[must_use]
pub struct ValidatorBuilder {
    project_id: String,
    pinned: Option<KeyCache>,
    base_url: String,
    leeway: Duration,
    max_token_len: usize,
    cache_capacity: usize,
    policy: KeyPolicy,
    clock: Box<dyn Clock>,
}

impl ValidatorBuilder {
    /// Where the project's API lives. Defaults to the URL the official SDKs derive from the
    /// project ID ([`crate::api::base_url_for_project`]). A trailing `/` is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to 5 s, as Descope's SDKs.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Longest token accepted, checked before any parsing. Defaults to 8 KiB.
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// How many verified tokens are remembered. Defaults to 10,000 (a few MiB at most).
    pub fn cache_capacity(mut self, entries: usize) -> Self {
        self.cache_capacity = entries;
        self
    }

    /// Timeout of one key set fetch. Defaults to 2 s, so a request waits at most that long.
    pub fn key_fetch_timeout(mut self, timeout: Duration) -> Self {
        self.policy.fetch_timeout = timeout;
        self
    }

    /// Least time between two fetches caused by unknown `kid`s. Defaults to 30 s.
    pub fn unknown_key_cooldown(mut self, cooldown: Duration) -> Self {
        self.policy.unknown_kid_cooldown = cooldown;
        self
    }

    /// Least time between a failed fetch and the next attempt. Defaults to 2 s.
    pub fn key_failure_backoff(mut self, backoff: Duration) -> Self {
        self.policy.failure_backoff = backoff;
        self
    }

    /// Age after which [`Validator::keep_keys_fresh`] refetches the key set. Defaults to 10
    /// minutes.
    pub fn key_max_age(mut self, age: Duration) -> Self {
        self.policy.max_age = age;
        self
    }

    /// Validates against this key set (a JWKS document) and never fetches one: for offline
    /// use, like the `DESCOPE_PUBLIC_KEY` option of Descope's SDKs. Fails when the document
    /// holds no usable RS256 key.
    pub fn pinned_key_set(mut self, jwks: &str) -> Result<Self, KeySetError> {
        self.pinned = Some(KeyCache::pinned(jwks)?);
        Ok(self)
    }

    /// The source of the current time. Defaults to the system clock.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Builds the validator. No request is made until [`Validator::prefetch_keys`] or the
    /// first validation.
    pub fn build(self) -> Validator {
        Validator {
            inner: Arc::new(Inner {
                keys: self.pinned.unwrap_or_else(|| {
                    KeyCache::new(&self.base_url, &self.project_id, self.policy)
                }),
                project_id: self.project_id,
                leeway: self.leeway.as_secs(),
                max_token_len: self.max_token_len,
                clock: self.clock,
                verified: VerifiedTokens::new(self.cache_capacity),
            }),
        }
    }
}

impl Validator {
    /// Starts configuring a validator for `project_id`.
    pub fn builder(project_id: impl Into<String>) -> ValidatorBuilder {
        let project_id = project_id.into();
        ValidatorBuilder {
            base_url: crate::api::base_url_for_project(&project_id),
            project_id,
            pinned: None,
            leeway: Duration::from_secs(5),
            max_token_len: 8 * 1024,
            cache_capacity: 10_000,
            policy: KeyPolicy {
                fetch_timeout: Duration::from_secs(2),
                unknown_kid_cooldown: Duration::from_secs(30),
                failure_backoff: Duration::from_secs(2),
                max_age: Duration::from_secs(600),
            },
            clock: Box::new(SystemClock),
        }
    }

    /// The project whose tokens this validator accepts.
    pub fn project_id(&self) -> &str {
        &self.inner.project_id
    }

    /// Fetches the key set now, so the first request does not wait for it. Failures are
    /// logged, never returned: the server starts anyway and fetches again when needed.
    pub async fn prefetch_keys(&self) {
        self.inner.keys.prefetch().await;
    }

    /// Keeps the key set fresh: fetches it now if missing, then again whenever it reaches
    /// its maximum age (or after the failure backoff), so keys removed from the set stop
    /// validating. Runs forever; spawn it once at start-up:
    /// `tokio::spawn(validator.clone().keep_keys_fresh())`.
    pub async fn keep_keys_fresh(self) {
        self.inner.keys.keep_fresh().await;
    }

    /// How many key set fetches were attempted so far.
    pub fn key_fetch_count(&self) -> u64 {
        self.inner.keys.fetch_count()
    }

    /// Validates a session token and returns its claims.
    ///
    /// Structure, header and claims are checked before the key is looked up, so a malformed,
    /// expired or foreign token is refused without touching the network; only a token whose
    /// key cannot be obtained yields [`ValidationError::KeysUnavailable`].
    pub async fn validate(&self, token: &str) -> Result<Arc<SessionClaims>, ValidationError> {
        let inner = &*self.inner;
        if token.len() > inner.max_token_len {
            return Err(ValidationError::TooLarge);
        }
        let now = inner.clock.now();
        let epoch = inner.keys.revocation_epoch();
        if let Some(claims) = inner.verified.get(token, now, epoch) {
            return Ok(claims);
        }

        let decoded = token::decode(token)?;
        let claims = self.check_claims(decoded.claims, now)?;
        let key = inner.keys.get(&decoded.kid).await?;
        token::verify(&decoded.signed, &key)?;

        let claims = Arc::new(claims);
        let valid_until = claims.exp.saturating_add(inner.leeway);
        inner
            .verified
            .insert(token, claims.clone(), valid_until, now, epoch);
        Ok(claims)
    }

    fn check_claims(&self, raw: RawClaims, now: u64) -> Result<SessionClaims, ValidationError> {
        let leeway = self.inner.leeway;
        if raw.drn.as_deref() != Some("DS") {
            return Err(ValidationError::NotASessionToken);
        }
        if !raw
            .iss
            .as_deref()
            .is_some_and(|iss| self.issuer_matches(iss))
        {
            return Err(ValidationError::WrongIssuer);
        }
        if let Some(aud) = &raw.aud {
            if !aud.iter().any(|a| a == &self.inner.project_id) {
                return Err(ValidationError::WrongAudience);
            }
        }
        let (Some(exp), Some(iat)) = (raw.exp, raw.iat) else {
            return Err(ValidationError::InvalidClaims);
        };
        // RFC 7519 §4.1.4: the token is expired from `exp` on.
        if now >= exp.saturating_add(leeway) {
            return Err(ValidationError::Expired);
        }
        if raw.nbf.is_some_and(|nbf| nbf > now.saturating_add(leeway)) {
            return Err(ValidationError::NotYetValid);
        }
        if iat > now.saturating_add(leeway) {
            return Err(ValidationError::IssuedInFuture);
        }
        let Some(user_id) = raw.dsub.or(raw.sub).filter(|s| !s.is_empty()) else {
            return Err(ValidationError::InvalidClaims);
        };
        Ok(SessionClaims {
            user_id,
            roles: raw.roles,
            permissions: raw.permissions,
            tenants: raw.tenants,
            current_tenant: raw.dct,
            amr: raw.amr,
            iat,
            exp,
            name: raw.name,
            email: raw.email,
        })
    }

    /// The project ID itself, or an http(s) URL whose last or second-to-last path segment is
    /// the project ID (`https://api.descope.com/v1/apps/<pid>`), as Descope's node SDK accepts.
    fn issuer_matches(&self, iss: &str) -> bool {
        let pid = self.inner.project_id.as_str();
        if iss == pid {
            return true;
        }
        let Some(rest) = iss
            .strip_prefix("https://")
            .or_else(|| iss.strip_prefix("http://"))
        else {
            return false;
        };
        let path = rest.split_once('/').map_or("", |(_host, path)| path);
        let mut segments = path.rsplit('/').filter(|s| !s.is_empty());
        segments.next() == Some(pid) || segments.next() == Some(pid)
    }
}

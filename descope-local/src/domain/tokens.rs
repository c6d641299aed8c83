//! Minting session (`drn: DS`) and refresh (`drn: DSR`) JWTs.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde_json::{json, Map, Value};

use super::{
    authz::Grants,
    error::Error,
    keys::{self, KeyError, Signer},
    users::User,
};
use crate::{
    storage::{access_keys::AccessKey, Store},
    support::{
        clock::Clock,
        ids::{digest, random_id},
    },
};

/// When a client should refresh a session of `ttl` seconds: 20 s before expiry, as Descope's
/// web SDK does by default, but never sooner than 21 s in, because that SDK sets no timer for
/// shorter delays (so short test sessions still refresh, a few seconds before expiry).
pub(crate) fn next_refresh_seconds(ttl: i64) -> i64 {
    (ttl - 20).max(21).min(ttl - 1).max(0)
}

/// Claims Descope sets itself: custom claims may not replace them.
const RESERVED_CLAIMS: &[&str] = &[
    "drn",
    "sub",
    "iss",
    "aud",
    "iat",
    "exp",
    "nbf",
    "jti",
    "amr",
    "roles",
    "permissions",
    "tenants",
    "dct",
    "rexp",
    "nsec",
    "dsub",
    "fam",
];

/// `seconds` since the Unix epoch as an RFC 3339 UTC time, e.g. `2025-12-01T11:38:42Z`.
pub(crate) fn rfc3339(seconds: i64) -> String {
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A freshly minted refresh token and what the store must remember of it.
pub(crate) struct NewRefresh {
    pub(crate) token: String,
    /// The stored form (see [`digest`]).
    pub(crate) hash: String,
    pub(crate) expires_at: i64,
}

/// Signs the project's tokens with the current key, at the server's time.
pub(crate) struct Tokens {
    /// Replaced whole when the key is rotated; a token being signed keeps the key it began
    /// with.
    signer: RwLock<Arc<Signer>>,
    /// Held through a rotation, so that the key signing is the one the store calls current.
    rotation: Mutex<()>,
    clock: Clock,
    project_id: String,
    session_ttl: i64,
}

impl Tokens {
    pub(crate) fn new(signer: Signer, clock: Clock, project_id: String, session_ttl: i64) -> Self {
        Self {
            signer: RwLock::new(Arc::new(signer)),
            rotation: Mutex::new(()),
            clock,
            project_id,
            session_ttl,
        }
    }

    fn signer(&self) -> Arc<Signer> {
        self.signer
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The public keys, as a JWKS document.
    pub(crate) fn jwks(&self) -> Value {
        self.signer().jwks().clone()
    }

    /// Makes a new current signing key in `store` and signs with it from now on; the previous
    /// key stays published. Blocking: generates an RSA key and writes the store.
    pub(crate) fn rotate_key(&self, store: &Store) -> Result<String, KeyError> {
        let _rotating = self.rotation.lock().unwrap_or_else(PoisonError::into_inner);
        let kid = keys::rotate(store, &self.clock)?;
        let signer = Signer::load_or_create(store, &self.clock)?;
        *self.signer.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(signer);
        Ok(kid)
    }

    /// Seconds a session token lives.
    pub(crate) fn session_ttl(&self) -> i64 {
        self.session_ttl
    }

    /// A session token for `user`, authenticated by `amr`, with what their roles `grants`, the
    /// tenant their session selected (`dct`) and when its refresh token expires (`rexp`, an
    /// RFC 3339 time as Descope writes it); and when the session token expires.
    pub(crate) fn session(
        &self,
        user: &User,
        amr: &[String],
        grants: &Grants,
        tenant: Option<&str>,
        refresh_expires_at: i64,
    ) -> Result<(String, i64), Error> {
        let iat = self.clock.now();
        let exp = iat + self.session_ttl;
        let mut claims = json!({
            "drn": "DS", "sub": user.id, "iss": self.project_id,
            "iat": iat, "exp": exp, "amr": amr,
            "roles": user.roles, "permissions": grants.permissions, "tenants": grants.tenants,
            "rexp": rfc3339(refresh_expires_at),
        });
        if let Some(tenant) = tenant {
            claims["dct"] = json!(tenant);
        }
        Ok((self.sign(&claims)?, exp))
    }

    /// A session token for an access key: its ID as `sub`, what its roles `grants`, its own
    /// custom claims at the top level and those of this exchange under `nsec`, as Descope puts
    /// them, and `dct` if the exchange selected a tenant; and when it expires.
    pub(crate) fn access_key_session(
        &self,
        key: &AccessKey,
        grants: &Grants,
        exchange_claims: &Map<String, Value>,
        tenant: Option<&str>,
    ) -> Result<(String, i64), Error> {
        let iat = self.clock.now();
        let exp = iat + self.session_ttl;
        let mut claims = Map::new();
        for (name, value) in &key.custom_claims {
            if !RESERVED_CLAIMS.contains(&name.as_str()) {
                claims.insert(name.clone(), value.clone());
            }
        }
        let fixed = json!({
            "drn": "DS", "sub": key.id, "iss": self.project_id, "iat": iat, "exp": exp,
            "amr": ["accesskey"], "roles": key.roles, "permissions": grants.permissions,
            "tenants": grants.tenants,
        });
        claims.extend(fixed.as_object().cloned().unwrap_or_default());
        if !exchange_claims.is_empty() {
            claims.insert("nsec".into(), Value::Object(exchange_claims.clone()));
        }
        if let Some(tenant) = tenant {
            claims.insert("dct".into(), json!(tenant));
        }
        Ok((self.sign(&Value::Object(claims))?, exp))
    }

    /// The claims of `token` if it is a live session token of this project, signed by one of
    /// its published keys.
    pub(crate) fn live_session_claims(&self, token: &str) -> Result<Map<String, Value>, Error> {
        let invalid =
            || Error::Validation("The JWT is not a live session token of this project.".into());
        let claims = self.signer().verify(token).ok_or_else(invalid)?;
        let now = self.clock.now();
        let live = claims["drn"] == "DS"
            && claims["iss"] == self.project_id.as_str()
            && claims["exp"].as_i64().is_some_and(|exp| exp > now);
        match claims {
            Value::Object(claims) if live => Ok(claims),
            _ => Err(invalid()),
        }
    }

    /// `claims` signed again with `custom` claims added (claims of Descope's own are left as
    /// they are) and, given `lifetime` seconds, a new expiry that far from now.
    pub(crate) fn with_custom_claims(
        &self,
        mut claims: Map<String, Value>,
        custom: &Map<String, Value>,
        lifetime: Option<i64>,
    ) -> Result<String, Error> {
        for (name, value) in custom {
            if !RESERVED_CLAIMS.contains(&name.as_str()) {
                claims.insert(name.clone(), value.clone());
            }
        }
        if let Some(lifetime) = lifetime {
            let now = self.clock.now();
            claims.insert("iat".into(), json!(now));
            claims.insert("exp".into(), json!(now.saturating_add(lifetime)));
        }
        self.sign(&Value::Object(claims))
    }

    /// A refresh token for `user` in `family`, expiring at the family's absolute expiry.
    pub(crate) fn refresh(
        &self,
        user: &User,
        family: &str,
        expires_at: i64,
    ) -> Result<NewRefresh, Error> {
        let claims = json!({
            "drn": "DSR", "sub": user.id, "iss": self.project_id,
            "iat": self.clock.now(), "exp": expires_at, "jti": random_id(22),
            "tenants": user.tenants, "fam": family,
        });
        let token = self.sign(&claims)?;
        Ok(NewRefresh {
            hash: digest(&token),
            token,
            expires_at,
        })
    }

    fn sign(&self, claims: &Value) -> Result<String, Error> {
        self.signer()
            .sign(claims)
            .map_err(|_| Error::Internal("signing a token failed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::next_refresh_seconds;

    #[test]
    fn refresh_expiry_is_written_as_descope_writes_it() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_764_588_722), "2025-12-01T11:32:02Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn refreshes_are_due_20_s_early_but_not_before_21_s() {
        assert_eq!(next_refresh_seconds(600), 580);
        assert_eq!(next_refresh_seconds(45), 25);
        assert_eq!(next_refresh_seconds(30), 21);
        assert_eq!(next_refresh_seconds(10), 9);
    }
}

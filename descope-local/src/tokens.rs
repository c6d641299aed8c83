//! Session and refresh tokens, and the JWT response that carries them.
//!
//! Refresh tokens are remembered by the SHA-256 of the whole token, so a token is ours only if
//! we stored its hash: no signature check is needed to look one up, and the database never
//! holds a usable token.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::digest;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};

use crate::{error::ApiError, store::User, Inner};

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// When a client should refresh a session of `ttl` seconds: 20 s before expiry, as Descope's
/// web SDK does by default, but never sooner than 21 s in, because that SDK sets no timer for
/// shorter delays (so short test sessions still refresh, a few seconds before expiry).
pub(crate) fn next_refresh_seconds(ttl: i64) -> i64 {
    (ttl - 20).max(21).min(ttl - 1).max(0)
}

/// The stored form of a refresh token.
pub(crate) fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, token.as_bytes()))
}

/// A freshly minted refresh token and what the store must remember of it.
pub(crate) struct NewRefresh {
    pub(crate) token: String,
    pub(crate) hash: String,
    pub(crate) expires_at: i64,
}

impl Inner {
    /// A session token for `user`, authenticated by `amr`.
    pub(crate) fn session_token(
        &self,
        user: &User,
        amr: &[String],
    ) -> Result<(String, i64), ApiError> {
        let iat = now();
        let exp = iat + self.config.session_ttl.as_secs() as i64;
        let claims = json!({
            "drn": "DS", "sub": user.id, "iss": self.config.project_id,
            "iat": iat, "exp": exp, "amr": amr,
            "roles": user.roles, "permissions": [], "tenants": user.tenants,
        });
        let token = self.signer.sign(&claims).map_err(ApiError::Internal)?;
        Ok((token, exp))
    }

    /// A refresh token for `user` in `family`, expiring at the family's absolute expiry.
    pub(crate) fn refresh_token(
        &self,
        user: &User,
        family: &str,
        expires_at: i64,
    ) -> Result<NewRefresh, ApiError> {
        let claims = json!({
            "drn": "DSR", "sub": user.id, "iss": self.config.project_id,
            "iat": now(), "exp": expires_at, "jti": crate::keys::random_id(22),
            "tenants": user.tenants, "fam": family,
        });
        let token = self.signer.sign(&claims).map_err(ApiError::Internal)?;
        Ok(NewRefresh {
            hash: token_hash(&token),
            token,
            expires_at,
        })
    }

    /// Descope's JWTResponse for a sign-in or refresh.
    pub(crate) fn jwt_response(
        &self,
        user: &User,
        amr: &[String],
        refresh: &NewRefresh,
        first_seen: bool,
    ) -> Result<Value, ApiError> {
        let (session, session_exp) = self.session_token(user, amr)?;
        Ok(json!({
            "sessionJwt": session,
            "refreshJwt": refresh.token,
            "cookieDomain": "",
            "cookiePath": "/",
            "cookieMaxAge": (refresh.expires_at - now()).max(0),
            "cookieExpiration": refresh.expires_at,
            "cookieName": "DSR",
            "sessionExpiration": session_exp,
            "user": user.to_response(),
            "firstSeen": first_seen,
            "claims": {"amr": amr},
            "nextRefreshSeconds": next_refresh_seconds(self.config.session_ttl.as_secs() as i64),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::next_refresh_seconds;

    #[test]
    fn refreshes_are_due_20_s_early_but_not_before_21_s() {
        assert_eq!(next_refresh_seconds(600), 580);
        assert_eq!(next_refresh_seconds(45), 25);
        assert_eq!(next_refresh_seconds(30), 21);
        assert_eq!(next_refresh_seconds(10), 9);
    }
}

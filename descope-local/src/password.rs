//! Passwords: argon2id hashing (OWASP parameters) with a cap on concurrent hashes, and the
//! policy new passwords must meet.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Memory cost in KiB, iterations and lanes: OWASP's first recommendation for argon2id.
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// Shortest password accepted (ASVS 5: at least 8).
pub(crate) const MIN_LENGTH: usize = 8;
/// Longest password accepted, in bytes: long enough for passphrases, short enough that
/// hashing cannot be abused.
pub(crate) const MAX_LENGTH: usize = 1024;

/// How many hashes may run at once: each takes 19 MiB and a core for ~20 ms.
const MAX_CONCURRENT_HASHES: usize = 4;

pub(crate) struct Hasher {
    permits: Semaphore,
    /// A real hash of a random password, verified against when the user does not exist, so an
    /// unknown user costs the same time as a wrong password.
    dummy: String,
}

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(M_COST, T_COST, P_COST, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on the calling thread: for start-up work such as seeding.
pub(crate) fn hash_now(password: &str) -> Result<String, String> {
    argon2()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

impl Hasher {
    pub(crate) fn new() -> Self {
        let dummy = argon2()
            .hash_password(
                crate::keys::random_id(32).as_bytes(),
                &SaltString::generate(&mut OsRng),
            )
            .expect("hashing a random password works")
            .to_string();
        Self {
            permits: Semaphore::new(MAX_CONCURRENT_HASHES),
            dummy,
        }
    }

    /// The PHC string of `password` with a fresh 16-byte salt.
    pub(crate) async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            hash_now(&password).map_err(|e| ApiError::Internal(format!("hashing: {e}")))
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
    }

    /// Whether `password` matches `hash`; with no hash, checks the dummy and answers false.
    pub(crate) async fn verify(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.clone());
        let matched = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| {
                    argon2()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(known && matched)
    }
}

/// Checks a new password against the policy: length only, no composition rules (ASVS 5).
pub(crate) fn check_policy(password: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(ApiError::Validation(format!(
            "The password must have at least {MIN_LENGTH} characters."
        )));
    }
    if password.len() > MAX_LENGTH {
        return Err(ApiError::Validation(format!(
            "The password must have at most {MAX_LENGTH} bytes."
        )));
    }
    Ok(())
}

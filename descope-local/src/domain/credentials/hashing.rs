//! Password hashing: argon2id (OWASP parameters) with a cap on concurrent hashes, and the
//! policy new passwords must meet.

use std::sync::{Arc, Mutex};

use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use tokio::sync::Semaphore;

use crate::{
    domain::error::Error,
    support::{
        config::{PasswordPolicy, MIN_PASSWORD_LENGTH},
        ids::random_id,
    },
};

/// Memory cost in KiB, iterations and lanes: OWASP's first recommendation for argon2id.
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// Longest password accepted, in bytes: long enough for passphrases, short enough that
/// hashing cannot be abused.
const MAX_LENGTH: usize = 1024;

/// How many password checks (sign-in) may run at once: each takes 19 MiB and a core for
/// ~20 ms.
const MAX_CONCURRENT_CHECKS: usize = 4;
/// How many new passwords (sign-up, change) may be hashed at once. Apart from the checks, so
/// that a flood of sign-ups queues behind itself and sign-in keeps its own permits and a core.
const MAX_CONCURRENT_NEW_HASHES: usize = 1;

/// Argon2's working memory: one 19 MiB buffer per permit, reused. `argon2`'s own
/// `hash_password` allocates a fresh buffer per hash, and the allocator keeps each freed one
/// on its blocking thread, so concurrent sign-ups grew the server by hundreds of megabytes
/// (BENCHMARKS.md, "Changes the figures led to").
type Memory = Vec<Block>;

pub(crate) struct Hasher {
    /// What new passwords must have.
    policy: PasswordPolicy,
    checks: Arc<Semaphore>,
    new_hashes: Arc<Semaphore>,
    /// Working memory, one buffer per permit once all have been used.
    memory: Arc<Mutex<Vec<Memory>>>,
    /// A real hash of a random password, verified against when the user does not exist, so an
    /// unknown user costs the same time as a wrong password.
    dummy: String,
}

fn params() -> Params {
    Params::new(M_COST, T_COST, P_COST, None).expect("constant argon2 parameters are valid")
}

fn new_memory(params: &Params) -> Memory {
    vec![Block::default(); params.block_count()]
}

/// The PHC string of `password` under a fresh 16-byte salt, computed in `memory`.
fn hash_with(password: &[u8], memory: &mut [Block]) -> Result<String, String> {
    let params = params();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| e.to_string())?;
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut *memory)?)
    })
    .map_err(|e| e.to_string())?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `phc`, computed in `memory` (or in a buffer of
/// its own if `phc` asks for more memory than ours). The comparison is constant-time.
/// The most a stored hash may ask of a check: 64 MiB, 10 passes, 4 lanes. A hash that asks
/// for more (an imported one, say) never matches rather than take the memory or the time.
fn affordable(params: &Params) -> bool {
    params.m_cost() <= 65_536 && params.t_cost() <= 10 && params.p_cost() <= 4
}

/// Whether `phc` is an argon2id hash this server can check: well formed and [`affordable`].
pub(crate) fn is_usable_hash(phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        hash.algorithm == Algorithm::Argon2id.ident()
            && hash.salt.is_some()
            && hash.hash.is_some()
            && Params::try_from(&hash).is_ok_and(|params| affordable(&params))
    })
}

fn verify_with(password: &[u8], phc: &str, memory: &mut [Block]) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(hash.algorithm), Params::try_from(&hash))
    else {
        return false;
    };
    if !affordable(&params) {
        return false;
    }
    let version = hash
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let Ok(version) = version else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut own;
    let memory = if memory.len() >= params.block_count() {
        memory
    } else {
        own = new_memory(&params);
        &mut own[..]
    };
    let argon2 = Argon2::new(algorithm, version, params);
    Output::init_with(expected.len(), |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut *memory)?)
    })
    .is_ok_and(|computed| computed == expected)
}

/// Hashes on the calling thread with memory of its own: for start-up work such as seeding.
pub(crate) fn hash_now(password: &str) -> Result<String, String> {
    hash_with(password.as_bytes(), &mut new_memory(&params()))
}

impl Hasher {
    pub(crate) fn new(policy: PasswordPolicy) -> Self {
        let mut memory = new_memory(&params());
        let dummy = hash_with(random_id(32).as_bytes(), &mut memory)
            .expect("hashing a random password works");
        Self {
            policy,
            checks: Arc::new(Semaphore::new(MAX_CONCURRENT_CHECKS)),
            new_hashes: Arc::new(Semaphore::new(MAX_CONCURRENT_NEW_HASHES)),
            memory: Arc::new(Mutex::new(vec![memory])),
            dummy,
        }
    }

    /// The project's password policy.
    pub(crate) fn policy(&self) -> &PasswordPolicy {
        &self.policy
    }

    /// Checks a new password against the project's policy.
    pub(crate) fn check_policy(&self, password: &str) -> Result<(), Error> {
        check_policy(&self.policy, password)
    }

    /// Runs `work` on a blocking thread with a permit of `permits` and a working-memory buffer.
    /// The blocking task holds the permit and hands the buffer back itself, so a client that
    /// disconnects mid-hash frees neither before the hash is done.
    async fn with_memory<T: Send + 'static>(
        &self,
        permits: &Arc<Semaphore>,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, Error> {
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        let pool = self.memory.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = pool.lock().expect("memory pool lock").pop();
            let mut memory = pooled.unwrap_or_else(|| new_memory(&params()));
            let result = work(&mut memory);
            pool.lock().expect("memory pool lock").push(memory);
            drop(permit);
            result
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))
    }

    /// The PHC string of `password` with a fresh 16-byte salt.
    pub(crate) async fn hash(&self, password: String) -> Result<String, Error> {
        self.with_memory(&self.new_hashes, move |memory| {
            hash_with(password.as_bytes(), memory)
        })
        .await?
        .map_err(|e| Error::Internal(format!("hashing: {e}")))
    }

    /// Whether `password` matches `hash`; with no hash, checks the dummy and answers false.
    pub(crate) async fn verify(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, Error> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.clone());
        let matched = self
            .with_memory(&self.checks, move |memory| {
                verify_with(password.as_bytes(), &hash, memory)
            })
            .await?;
        Ok(known && matched)
    }
}

/// Checks a new password against the project's `policy`: its length (by default the only
/// rule, as ASVS 5 recommends) and the kinds of character it asks for.
pub(crate) fn check_policy(policy: &PasswordPolicy, password: &str) -> Result<(), Error> {
    let chars = password.chars().count();
    let min = policy.min_length.max(MIN_PASSWORD_LENGTH);
    if chars < min {
        return Err(Error::Validation(format!(
            "The password must have at least {min} characters."
        )));
    }
    if password.len() > MAX_LENGTH {
        return Err(Error::Validation(format!(
            "The password must have at most {MAX_LENGTH} bytes."
        )));
    }
    let missing = [
        (
            policy.lowercase,
            "a lowercase letter",
            password.chars().any(char::is_lowercase),
        ),
        (
            policy.uppercase,
            "an uppercase letter",
            password.chars().any(char::is_uppercase),
        ),
        (
            policy.number,
            "a digit",
            password.chars().any(|c| c.is_numeric()),
        ),
        (
            policy.non_alphanumeric,
            "a character that is neither letter nor digit",
            password.chars().any(|c| !c.is_alphanumeric()),
        ),
    ]
    .into_iter()
    .find(|(required, _, present)| *required && !present);
    match missing {
        Some((_, what, _)) => Err(Error::Validation(format!("The password must have {what}."))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHash, PasswordVerifier};

    use super::*;

    #[test]
    fn a_hash_that_asks_too_much_never_matches_and_is_not_usable() {
        let greedy = "$argon2id$v=19$m=4294967295,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
        let slow = "$argon2id$v=19$m=19456,t=4000000,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
        for hash in [greedy, slow] {
            assert!(!is_usable_hash(hash), "{hash}");
            assert!(!verify_with(b"anything", hash, &mut new_memory(&params())));
        }
        let ours = hash_now("correct horse battery").unwrap();
        assert!(is_usable_hash(&ours));
        assert!(!is_usable_hash(
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA"
        ));
    }

    #[test]
    fn pooled_hashes_agree_with_the_argon2_crate_both_ways() {
        let mut memory = new_memory(&params());
        let ours = hash_with(b"correct horse battery", &mut memory).unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());

        // The same (dirty) buffer again, and a hash made by the crate with other parameters.
        assert!(verify_with(b"correct horse battery", &ours, &mut memory));
        assert!(!verify_with(b"correct horse batterY", &ours, &mut memory));
        let theirs = argon2::password_hash::PasswordHasher::hash_password(
            &Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(47_104, 1, 1, None).unwrap(),
            ),
            b"another password",
            &SaltString::generate(&mut OsRng),
        )
        .unwrap()
        .to_string();
        assert!(verify_with(b"another password", &theirs, &mut memory));
        assert!(!verify_with(
            b"another password",
            "not a phc string",
            &mut memory
        ));
    }
}

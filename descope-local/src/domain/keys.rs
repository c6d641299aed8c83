//! The RS256 signing keys: generated on first start and by `rotate-key`, kept in the store,
//! the two newest published as a JWKS.

use aws_lc_rs::{
    encoding::{AsDer, Pkcs8V1Der},
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{
        KeyPair as _, RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256,
    },
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};

use crate::{
    storage::{keys, Store, StoreError},
    support::{clock::Clock, ids::random_id},
};

/// Why a signing key cannot be made, loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key pair cannot be generated or encoded.
    #[error("cannot generate an RSA key pair")]
    Generate,
    /// A stored key is not a usable RSA private key (PKCS#8).
    #[error("the stored signing key {kid} is not a usable RSA key: {reason}")]
    Stored {
        /// The key's ID.
        kid: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Signs tokens with the current key; knows the public half of every key still published.
pub(crate) struct Signer {
    kid: String,
    pair: KeyPair,
    jwks: Value,
    /// The published keys by `kid`: modulus and exponent, big-endian.
    published: Vec<(String, Vec<u8>, Vec<u8>)>,
    rng: SystemRandom,
}

/// A new 2048-bit key pair, its `kid` and its PKCS#8 form, not yet stored. Generated outside
/// any transaction: generation takes long enough that holding the write lock through it would
/// stall a running server (`rotate-key` runs beside one).
struct NewKey {
    kid: String,
    pair: KeyPair,
    pkcs8: Vec<u8>,
}

impl NewKey {
    fn generate() -> Result<Self, KeyError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
        let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&pair)
            .map_err(|_| KeyError::Generate)?
            .as_ref()
            .to_vec();
        Ok(Self {
            kid: format!("K{}", random_id(24)),
            pair,
            pkcs8,
        })
    }
}

fn parse(kid: &str, der: &[u8]) -> Result<KeyPair, KeyError> {
    KeyPair::from_pkcs8(der).map_err(|e| KeyError::Stored {
        kid: kid.to_owned(),
        reason: e.to_string(),
    })
}

/// Makes a new current signing key; the previous one stays published (the JWKS holds the two
/// newest keys), so tokens it signed validate until they expire.
pub(crate) fn rotate(store: &Store, clock: &Clock) -> Result<String, KeyError> {
    let key = NewKey::generate()?;
    store.write_now(|conn| keys::insert_current(conn, &key.kid, &key.pkcs8, clock.now()))?;
    tracing::info!(kid = %key.kid, "rotated the signing key");
    Ok(key.kid)
}

impl Signer {
    /// Loads the current key, or makes and stores one on first start.
    pub(crate) fn load_or_create(store: &Store, clock: &Clock) -> Result<Self, KeyError> {
        let (kid, pair) = match store.read_now(keys::current)? {
            Some((kid, der)) => {
                let pair = parse(&kid, &der)?;
                (kid, pair)
            }
            None => {
                let key = NewKey::generate()?;
                store.write_now(|conn| {
                    keys::insert_current(conn, &key.kid, &key.pkcs8, clock.now())
                })?;
                tracing::info!(kid = %key.kid, "generated a new signing key");
                (key.kid, key.pair)
            }
        };
        // The current key and the one before it are published, so tokens signed before the
        // last rotation stay valid until they expire. An unreadable old key is left out rather
        // than stopping the server.
        let pairs: Vec<(String, KeyPair)> = store
            .read_now(keys::newest_two)?
            .into_iter()
            .filter_map(|(kid, der)| parse(&kid, &der).ok().map(|p| (kid, p)))
            .collect();
        let jwks =
            json!({ "keys": pairs.iter().map(|(kid, p)| public_jwk(kid, p)).collect::<Vec<_>>() });
        let published = pairs
            .iter()
            .map(|(kid, p)| {
                let public = p.public_key();
                (
                    kid.clone(),
                    public.modulus().big_endian_without_leading_zero().to_vec(),
                    public.exponent().big_endian_without_leading_zero().to_vec(),
                )
            })
            .collect();
        Ok(Self {
            kid,
            pair,
            jwks,
            published,
            rng: SystemRandom::new(),
        })
    }

    pub(crate) fn jwks(&self) -> &Value {
        &self.jwks
    }

    /// A compact RS256 JWS of `claims`.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, aws_lc_rs::error::Unspecified> {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair.sign(
            &RSA_PKCS1_SHA256,
            &self.rng,
            input.as_bytes(),
            &mut signature,
        )?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

impl Signer {
    /// The claims of `token` if one of the published keys signed it (RS256); nothing else of
    /// the token is checked here.
    pub(crate) fn verify(&self, token: &str) -> Option<Value> {
        let (input, signature) = token.rsplit_once('.')?;
        let (header, payload) = input.split_once('.')?;
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header["alg"] != "RS256" {
            return None;
        }
        let (_, n, e) = self
            .published
            .iter()
            .find(|(kid, _, _)| header["kid"] == kid.as_str())?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        RsaPublicKeyComponents { n, e }
            .verify(&RSA_PKCS1_2048_8192_SHA256, input.as_bytes(), &signature)
            .ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

/// The public JWK of a key: no private members, ever.
fn public_jwk(kid: &str, pair: &KeyPair) -> Value {
    let public = pair.public_key();
    json!({
        "alg": "RS256", "kty": "RSA", "use": "sig", "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
        "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
    })
}

//! The RS256 signing key: generated once, persisted in the store, published as a JWKS.

use aws_lc_rs::{
    rand::{SecureRandom, SystemRandom},
    rsa::{KeyPair, KeySize},
    signature::{KeyPair as _, RSA_PKCS1_SHA256},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rusqlite::OptionalExtension;
use serde_json::{json, Value};

use crate::store::Store;

/// Signs tokens with the current key; knows the public half of every key still published.
pub(crate) struct Signer {
    kid: String,
    pair: KeyPair,
    jwks: Value,
    rng: SystemRandom,
}

/// Makes a new current signing key; the previous one stays published (the JWKS holds the two
/// newest keys), so tokens it signed validate until they expire.
pub(crate) fn rotate(store: &Store) -> Result<String, String> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| e.to_string())?;
    let der = aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair)
        .map_err(|e| e.to_string())?;
    let kid = format!("K{}", random_id(24));
    store
        .call_now(|conn| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            tx.execute("UPDATE signing_keys SET current = 0", [])?;
            tx.execute(
                "INSERT INTO signing_keys (kid, pkcs8, created_at, current) VALUES (?1, ?2, ?3, 1)",
                rusqlite::params![kid, der.as_ref(), crate::tokens::now()],
            )?;
            tx.commit()
        })
        .map_err(|e| e.to_string())?;
    tracing::info!(%kid, "rotated the signing key");
    Ok(kid)
}

impl Signer {
    /// Loads the current key, or generates and stores a 2048-bit one on first start.
    pub(crate) fn load_or_create(store: &Store) -> Result<Self, String> {
        store.call_now(|conn| {
            let current: Option<(String, Vec<u8>)> = conn
                .query_row(
                    "SELECT kid, pkcs8 FROM signing_keys WHERE current = 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(|e| e.to_string())?;
            let (kid, pair) = match current {
                Some((kid, der)) => {
                    let pair = KeyPair::from_pkcs8(&der).map_err(|e| e.to_string())?;
                    (kid, pair)
                }
                None => {
                    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| e.to_string())?;
                    let der = aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair)
                        .map_err(|e| e.to_string())?;
                    let kid = format!("K{}", random_id(24));
                    conn.execute(
                        "INSERT INTO signing_keys (kid, pkcs8, created_at, current) VALUES (?1, ?2, ?3, 1)",
                        rusqlite::params![kid, der.as_ref(), crate::tokens::now()],
                    )
                    .map_err(|e| e.to_string())?;
                    tracing::info!(%kid, "generated a new signing key");
                    (kid, pair)
                }
            };
            // Every stored key is published, so tokens signed before a rotation stay valid.
            let mut stmt = conn
                .prepare("SELECT kid, pkcs8 FROM signing_keys ORDER BY current DESC, created_at DESC, rowid DESC LIMIT 2")
                .map_err(|e| e.to_string())?;
            let keys = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))
                .map_err(|e| e.to_string())?
                .filter_map(Result::ok)
                .filter_map(|(kid, der)| KeyPair::from_pkcs8(&der).ok().map(|p| public_jwk(&kid, &p)))
                .collect::<Vec<_>>();
            Ok(Self {
                kid,
                pair,
                jwks: json!({ "keys": keys }),
                rng: SystemRandom::new(),
            })
        })
    }

    pub(crate) fn jwks(&self) -> &Value {
        &self.jwks
    }

    /// A compact RS256 JWS of `claims`.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, String> {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &self.rng,
                input.as_bytes(),
                &mut signature,
            )
            .map_err(|e| e.to_string())?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
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

/// A random identifier of `len` characters from `[A-Za-z0-9]`, from the system CSPRNG.
pub(crate) fn random_id(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let rng = SystemRandom::new();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut byte = [0u8; 1];
        rng.fill(&mut byte).expect("the system CSPRNG works");
        // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
        if byte[0] < 248 {
            out.push(ALPHABET[(byte[0] % 62) as usize] as char);
        }
    }
    out
}

//! Decoding a compact JWS: the payload and the signature check through `jsonwebtoken`, with the
//! checks that crate does not make: exactly three non-empty segments, a JSON object (not an
//! array or `null`) in the header and the payload, a signature of an RSA key's length, and
//! claims typed strictly (see `claims::RawClaims`, which also refuses a repeated claim).
//!
//! The header is read into a strict struct of our own (`claims::RawHeader`) rather than
//! `jsonwebtoken::Header`, which reads `"crit": null` as no `crit` and takes `alg` in serde's
//! enum forms (`{"RS256": null}`): here `alg` must be the string `RS256`, and `crit` is refused
//! whatever it holds.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey};

use super::{
    claims::{RawClaims, RawHeader},
    error::ValidationError,
};

/// The longest `kid` we look up; real ones are a few dozen characters.
const MAX_KID_LEN: usize = 256;

/// The lengths, in base64url characters, of RSA signatures of 2048 to 8192 bits (256 to 1024
/// bytes): anything else cannot verify, and is refused before any key is looked up.
const SIGNATURE_CHARS: std::ops::RangeInclusive<usize> = 342..=1366;

/// A token decoded, its header checked, not yet verified.
pub(crate) struct Decoded<'a> {
    pub(crate) kid: String,
    pub(crate) claims: RawClaims,
    pub(crate) signed: Signed<'a>,
}

/// What a token's signature covers, and the signature.
pub(crate) struct Signed<'a> {
    /// `base64(header) "." base64(payload)`.
    signing_input: &'a str,
    /// The signature segment, still base64url.
    signature: &'a str,
}

/// Whether a base64url segment decodes to a JSON object. An object starts with `{` (0x7B),
/// whose top six bits (0x1E) encode as `e`; the other bytes whose first character is `e`
/// (`x`, `y`, `z`) cannot start JSON. So the check needs no decoding.
fn holds_object(segment: &str) -> bool {
    segment.starts_with('e')
}

/// Decodes `header.payload.signature`, rejecting anything but RS256 with a `kid` and no `crit`.
pub(crate) fn decode(token: &str) -> Result<Decoded<'_>, ValidationError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ValidationError::Malformed);
    };
    if header.is_empty() || payload.is_empty() || signature.is_empty() || !holds_object(header) {
        return Err(ValidationError::Malformed);
    }

    let header: RawHeader = URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or(ValidationError::Malformed)?;
    if header.alg != "RS256" {
        return Err(ValidationError::UnsupportedAlgorithm);
    }
    if header.crit {
        return Err(ValidationError::CriticalHeader);
    }
    let kid = match header.kid {
        Some(kid) if !kid.is_empty() && kid.len() <= MAX_KID_LEN => kid,
        Some(_) => return Err(ValidationError::Malformed),
        None => return Err(ValidationError::MissingKeyId),
    };
    if !holds_object(payload) {
        return Err(ValidationError::InvalidClaims);
    }
    let claims: RawClaims =
        jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(|e| match e.kind() {
            ErrorKind::Base64(_) => ValidationError::Malformed,
            _ => ValidationError::InvalidClaims,
        })?;
    if !SIGNATURE_CHARS.contains(&signature.len()) {
        return Err(ValidationError::Malformed);
    }
    Ok(Decoded {
        kid,
        claims,
        signed: Signed {
            signing_input: &token[..token.len() - signature.len() - 1],
            signature,
        },
    })
}

/// Checks the RS256 signature of a decoded token with `key`, through `jsonwebtoken`'s aws-lc-rs
/// backend named directly: the process-wide default provider could be another crate's choice.
pub(crate) fn verify(signed: &Signed<'_>, key: &DecodingKey) -> Result<(), ValidationError> {
    let signature = URL_SAFE_NO_PAD
        .decode(signed.signature)
        .map_err(|_| ValidationError::Malformed)?;
    let verifier =
        (jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.verifier_factory)(&Algorithm::RS256, key)
            .map_err(|_| ValidationError::BadSignature)?;
    verifier
        .verify(signed.signing_input.as_bytes(), &signature)
        .map_err(|_| ValidationError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    /// A signature segment of a 2048-bit key's length; its value does not matter to decoding.
    fn sig() -> String {
        URL_SAFE_NO_PAD.encode([7u8; 256])
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(payload), sig())
    }

    const HEADER: &str = r#"{"alg":"RS256","kid":"k1"}"#;

    #[test]
    fn a_well_formed_token_decodes() {
        let t = token(HEADER, r#"{"sub":"u","exp":5}"#);
        let d = decode(&t).unwrap();
        assert_eq!(d.kid, "k1");
        assert_eq!(d.claims.exp, Some(5));
        assert_eq!(d.signed.signature, sig());
        assert_eq!(format!("{}.{}", d.signed.signing_input, sig()), t);
    }

    #[test]
    fn signatures_no_rsa_key_could_make_are_refused_before_any_key_lookup() {
        let t = token(HEADER, "{}");
        let input = &t[..t.rfind('.').unwrap()];
        for bad in [
            "A".to_owned(),
            b64("sig"),
            URL_SAFE_NO_PAD.encode([7u8; 1025]),
        ] {
            assert_eq!(
                decode(&format!("{input}.{bad}")).err(),
                Some(ValidationError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_object_and_nothing_else_starts_with_e() {
        for json in ["{}", "{\"a\":1}", "{ }"] {
            assert!(holds_object(&b64(json)), "{json}");
        }
        for json in ["[]", "null", "1", "\"s\"", " {}", "\u{feff}{}", "true"] {
            assert!(!holds_object(&b64(json)), "{json}");
        }
    }

    #[test]
    fn segment_counts_other_than_three_are_malformed() {
        let t = token(HEADER, "{}");
        for bad in [
            String::new(),
            "a.b".into(),
            format!("{t}."),
            format!("{t}.x.y"),
            format!("{}.{}.", b64(HEADER), b64("{}")),
        ] {
            assert_eq!(
                decode(&bad).err(),
                Some(ValidationError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn padding_whitespace_and_non_canonical_base64_are_malformed() {
        let t = token(HEADER, "{}");
        let (h, rest) = t.split_once('.').unwrap();
        for bad in [
            format!("{h}=.{rest}"),
            format!(" {t}"),
            format!("{h}\n.{rest}"),
            format!("+{t}"),
            t.replacen(".e30.", ".e31.", 1),
            format!("{}.{rest}", &h[..h.len() - 1]),
        ] {
            assert!(decode(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_rs256_with_a_kid_and_no_crit_is_accepted() {
        let cases = [
            (
                r#"{"alg":"none","kid":"k"}"#,
                ValidationError::UnsupportedAlgorithm,
            ),
            (
                r#"{"alg":"HS256","kid":"k"}"#,
                ValidationError::UnsupportedAlgorithm,
            ),
            (
                r#"{"alg":"rs256","kid":"k"}"#,
                ValidationError::UnsupportedAlgorithm,
            ),
            (r#"{"alg":"RS256"}"#, ValidationError::MissingKeyId),
            (r#"{"alg":"RS256","kid":null}"#, ValidationError::Malformed),
            (
                r#"{"alg":{"RS256":null},"kid":"k"}"#,
                ValidationError::Malformed,
            ),
            (r#"{"alg":"RS256","kid":""}"#, ValidationError::Malformed),
            (
                r#"{"alg":"RS256","kid":"k","crit":[]}"#,
                ValidationError::CriticalHeader,
            ),
            (
                r#"{"alg":"RS256","kid":"k","crit":null}"#,
                ValidationError::CriticalHeader,
            ),
            (
                r#"{"alg":"RS256","alg":"RS256","kid":"k"}"#,
                ValidationError::Malformed,
            ),
            (r#"["RS256"]"#, ValidationError::Malformed),
            (
                "\u{feff}{\"alg\":\"RS256\",\"kid\":\"k\"}",
                ValidationError::Malformed,
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(
                decode(&token(header, "{}")).err(),
                Some(expected),
                "{header}"
            );
        }
    }

    #[test]
    fn claims_of_the_wrong_type_or_repeated_are_invalid() {
        for payload in [
            r#"{"exp":"9999999999"}"#,
            r#"{"exp":null}"#,
            r#"{"exp":[]}"#,
            r#"{"exp":{}}"#,
            r#"{"exp":true}"#,
            r#"{"exp":1.5}"#,
            r#"{"exp":-1}"#,
            r#"{"exp":1e400}"#,
            r#"{"nbf":"0"}"#,
            r#"{"exp":1,"exp":9999999999}"#,
            r#"{"roles":"admin"}"#,
            r#"{"aud":5}"#,
            r#"["DS","u"]"#,
            "null",
        ] {
            assert_eq!(
                decode(&token(HEADER, payload)).err(),
                Some(ValidationError::InvalidClaims),
                "{payload}"
            );
        }
    }

    #[test]
    fn deeply_nested_json_does_not_overflow_the_stack() {
        let nested = |field: &str| {
            format!(
                r#"{{"{field}":{}{}}}"#,
                "[".repeat(10_000),
                "]".repeat(10_000)
            )
        };
        // In a claim we read, the depth is an error.
        assert_eq!(
            decode(&token(HEADER, &nested("roles"))).err(),
            Some(ValidationError::InvalidClaims)
        );
        // In a claim we skip, it is skipped iteratively; the signature check then decides.
        assert!(decode(&token(HEADER, &nested("x"))).is_ok());
    }
}

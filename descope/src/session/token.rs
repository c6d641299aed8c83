//! Splitting and decoding a compact JWS, strictly, before anything trusts it.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::de::DeserializeOwned;

use super::{
    claims::{RawClaims, RawHeader},
    error::ValidationError,
};

/// The longest `kid` we look up; real ones are a few dozen characters.
const MAX_KID_LEN: usize = 256;

/// A token split and decoded, not yet verified.
pub(crate) struct Decoded<'a> {
    pub(crate) kid: String,
    pub(crate) claims: RawClaims,
    /// `base64(header) "." base64(payload)`: the bytes the signature covers.
    pub(crate) signing_input: &'a str,
    pub(crate) signature: Vec<u8>,
}

/// Decodes `header.payload.signature`, rejecting anything but RS256 with a `kid` and no `crit`.
pub(crate) fn decode(token: &str) -> Result<Decoded<'_>, ValidationError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ValidationError::Malformed);
    };
    if header.is_empty() || payload.is_empty() || signature.is_empty() {
        return Err(ValidationError::Malformed);
    }
    let signing_input = &token[..header.len() + 1 + payload.len()];

    let header: RawHeader = json_segment(header)?;
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
    let claims: RawClaims = json_segment(payload).map_err(|e| match e {
        ValidationError::Malformed => ValidationError::InvalidClaims,
        other => other,
    })?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| ValidationError::Malformed)?;

    Ok(Decoded {
        kid,
        claims,
        signing_input,
        signature,
    })
}

/// Decodes one segment: unpadded base64url (canonical trailing bits) holding a JSON object.
fn json_segment<T: DeserializeOwned>(segment: &str) -> Result<T, ValidationError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| ValidationError::Malformed)?;
    if bytes.first() != Some(&b'{') {
        // Rejects arrays, `null`, a byte-order mark and leading whitespace in one check.
        return Err(ValidationError::Malformed);
    }
    serde_json::from_slice(&bytes).map_err(|_| ValidationError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(payload), b64("sig"))
    }

    const HEADER: &str = r#"{"alg":"RS256","kid":"k1"}"#;

    #[test]
    fn a_well_formed_token_decodes() {
        let t = token(HEADER, r#"{"sub":"u","exp":5}"#);
        let d = decode(&t).unwrap();
        assert_eq!(d.kid, "k1");
        assert_eq!(d.claims.exp, Some(5));
        assert_eq!(d.signature, b"sig");
        assert_eq!(format!("{}.{}", d.signing_input, b64("sig")), t);
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
                r#"{"alg":"RS256","kid":"k","crit":[]}"#,
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

//! The bad-token catalogue (`docs/security.md`), row by row, through a real axum app
//! whose validator fetches keys from a key server the test controls.

use std::time::Duration;

use aws_lc_rs::hmac;
use serde_json::{json, Value};
use test_support::jwt::{self as support, *};

/// A running protected app, its key server and its validator.
struct Harness {
    app: String,
    keys: KeyServer,
    validator: descope::session::Validator,
}

async fn harness() -> Harness {
    let keys = KeyServer::start(KeyMode::Keys(key_set(&[&support::keys()[0]]))).await;
    let validator = validator(&keys.base_url);
    let app = protected_app(validator.clone()).await;
    Harness {
        app,
        keys,
        validator,
    }
}

impl Harness {
    async fn call(&self, token: &str) -> (u16, reqwest::header::HeaderMap, Value) {
        get_with(&format!("{}/secret", self.app), Some(token)).await
    }

    /// Asserts a 401 with the RFC 6750 challenge and an `error` code, never echoing the token.
    async fn assert_rejected(&self, token: &str, code: &str, case: &str) {
        let (status, headers, body) = self.call(token).await;
        assert_eq!(status, 401, "{case}: status");
        assert_eq!(body["error"], code, "{case}: body {body}");
        let challenge = headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("Bearer"), "{case}: {challenge}");
        if token.len() > 20 {
            assert!(
                !body.to_string().contains(&token[token.len() - 20..]),
                "{case}: token echoed"
            );
        }
    }
}

fn k1() -> &'static TestKey {
    &support::keys()[0]
}

fn with_claim(name: &str, value: Value) -> Value {
    let mut claims = session_claims();
    claims[name] = value;
    claims
}

fn without_claim(name: &str) -> Value {
    let mut claims = session_claims();
    claims.as_object_mut().unwrap().remove(name);
    claims
}

fn header(fields: Value) -> String {
    fields.to_string()
}

#[tokio::test]
async fn a_valid_session_token_is_accepted_with_its_claims() {
    let h = harness().await;
    let (status, _, body) = h.call(&k1().mint(&session_claims())).await;
    assert_eq!(status, 200);
    assert_eq!(body["user"], "U2user");
    assert_eq!(h.keys.hits(), 1);
}

#[tokio::test]
async fn name_and_email_claims_describe_the_user_and_never_refuse_a_token() {
    let h = harness().await;
    let mut claims = session_claims();
    claims["name"] = json!("Ada Lovelace");
    claims["email"] = json!("ada@example.com");
    let found = h.validator.validate(&k1().mint(&claims)).await.unwrap();
    assert_eq!(found.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(found.email.as_deref(), Some("ada@example.com"));

    // A template may put anything there: not a string counts as absent.
    claims["name"] = json!(42);
    claims["email"] = json!({"primary": "ada@example.com"});
    let found = h.validator.validate(&k1().mint(&claims)).await.unwrap();
    assert_eq!(
        (found.name.as_deref(), found.email.as_deref()),
        (None, None)
    );
    let found = h
        .validator
        .validate(&k1().mint(&session_claims()))
        .await
        .unwrap();
    assert_eq!(
        (found.name.as_deref(), found.email.as_deref()),
        (None, None)
    );
}

#[tokio::test]
async fn a_missing_token_gets_a_bare_bearer_challenge() {
    let h = harness().await;
    let (status, headers, body) = get_with(&format!("{}/secret", h.app), None).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert_eq!(body["error"], "missing_token");
    assert_eq!(h.keys.hits(), 0);
}

#[tokio::test]
async fn row_01_alg_none_in_any_case_is_rejected() {
    let h = harness().await;
    let claims = b64(session_claims().to_string());
    for alg in ["none", "None", "NONE", "nOnE"] {
        let head = b64(header(json!({"alg": alg, "kid": "K1"})));
        for token in [
            format!("{head}.{claims}."),
            format!("{head}.{claims}.{}", b64("x")),
        ] {
            h.assert_rejected(&token, "invalid_token", alg).await;
        }
    }
    assert_eq!(h.keys.hits(), 0);
}

#[tokio::test]
async fn row_02_hs256_keyed_with_our_public_key_is_rejected() {
    let h = harness().await;
    let jwk = k1().jwk();
    let n = jwk["n"].as_str().unwrap().to_owned();
    for secret in [
        n.clone(),
        jwk.to_string(),
        format!("-----BEGIN PUBLIC KEY-----\n{n}\n-----END PUBLIC KEY-----\n"),
    ] {
        let input = format!(
            "{}.{}",
            b64(header(json!({"alg": "HS256", "kid": "K1"}))),
            b64(session_claims().to_string())
        );
        let tag = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()),
            input.as_bytes(),
        );
        h.assert_rejected(&format!("{input}.{}", b64(tag)), "invalid_token", "HS256")
            .await;
    }
}

#[tokio::test]
async fn row_03_an_rs256_signature_relabelled_is_rejected() {
    let h = harness().await;
    for alg in ["PS256", "RS512", "RS384", "ES256"] {
        let head = header(json!({"alg": alg, "kid": "K1"}));
        let token = k1().mint_raw(&head, &session_claims().to_string());
        h.assert_rejected(&token, "invalid_token", alg).await;
    }
}

#[tokio::test]
async fn row_04_psychic_ecdsa_signatures_are_rejected() {
    let h = harness().await;
    let input = format!(
        "{}.{}",
        b64(header(json!({"alg": "ES256", "kid": "K1"}))),
        b64(session_claims().to_string())
    );
    for sig in [b64([0u8; 64]), "MAYCAQACAQA".to_owned()] {
        h.assert_rejected(&format!("{input}.{sig}"), "invalid_token", "r=s=0")
            .await;
    }
    // The same zero signature under RS256 fails verification too.
    let input = format!(
        "{}.{}",
        b64(header(json!({"alg": "RS256", "kid": "K1"}))),
        b64(session_claims().to_string())
    );
    h.assert_rejected(
        &format!("{input}.{}", b64([0u8; 256])),
        "invalid_token",
        "zero RS256",
    )
    .await;
}

#[tokio::test]
async fn row_05_an_unknown_kid_refetches_once_per_cooldown_then_401() {
    let h = harness().await;
    h.validator.prefetch_keys().await;
    assert_eq!(h.keys.hits(), 1);

    let stranger = &support::keys()[2]; // K3, not in the key set
    for _ in 0..5 {
        h.assert_rejected(
            &stranger.mint(&session_claims()),
            "invalid_token",
            "unknown kid",
        )
        .await;
    }
    assert_eq!(
        h.keys.hits(),
        2,
        "one refetch for the unknown kid, then the cooldown holds"
    );

    let head = header(json!({"alg": "RS256"}));
    h.assert_rejected(
        &k1().mint_raw(&head, &session_claims().to_string()),
        "invalid_token",
        "no kid",
    )
    .await;
    assert_eq!(h.keys.hits(), 2);
}

#[tokio::test]
async fn row_06_hostile_kids_are_rejected_without_lookups_beyond_the_key_set() {
    let h = harness().await;
    h.validator.prefetch_keys().await;
    let long = "k".repeat(10 * 1024);
    for kid in ["../../dev/null", "' OR 1=1--", "a\u{0}b", long.as_str()] {
        let head = header(json!({"alg": "RS256", "kid": kid}));
        let token = k1().mint_raw(&head, &session_claims().to_string());
        h.assert_rejected(&token, "invalid_token", kid).await;
    }
    assert_eq!(
        h.keys.hits(),
        2,
        "the start-up fetch and one cooldown-limited refetch"
    );
}

#[tokio::test]
async fn row_07_embedded_and_remote_keys_are_never_followed() {
    let h = harness().await;
    let attacker = &support::keys()[2];
    let planted = format!("{}/attacker/jwks.json", h.keys.base_url);
    for extra in [
        json!({"jku": planted}),
        json!({"x5u": planted}),
        json!({"jwk": attacker.jwk()}),
        json!({"x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]}),
    ] {
        let mut head = json!({"alg": "RS256", "kid": "K1"});
        head.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let token = attacker.mint_raw(&head.to_string(), &session_claims().to_string());
        h.assert_rejected(&token, "invalid_token", &head.to_string())
            .await;
    }
    assert_eq!(
        h.keys.stray_hits.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[tokio::test]
async fn row_08_expiry_boundaries_are_exact() {
    let now = 1_800_000_000;
    let keys = KeyServer::start(KeyMode::Keys(key_set(&[k1()]))).await;
    let claims =
        |exp: u64| json!({"drn": "DS", "sub": "U", "iss": PROJECT_ID, "iat": now - 60, "exp": exp});
    for (leeway, exp, ok) in [
        (5, now - 6, false),
        (5, now - 5, false),
        (5, now - 4, true),
        (0, now, false),
        (0, now + 1, true),
    ] {
        let validator = descope::session::Validator::builder(PROJECT_ID)
            .base_url(&keys.base_url)
            .leeway(Duration::from_secs(leeway))
            .clock(move || now)
            .build();
        let result = validator.validate(&k1().mint(&claims(exp))).await;
        assert_eq!(
            result.is_ok(),
            ok,
            "leeway {leeway}, exp = now{:+}",
            exp as i64 - now as i64
        );
        if !ok {
            assert_eq!(
                result.unwrap_err(),
                descope::session::ValidationError::Expired
            );
        }
    }
}

#[tokio::test]
async fn row_08_an_expired_token_says_so() {
    let h = harness().await;
    let token = k1().mint(&with_claim("exp", json!(now() - 6)));
    let (status, headers, body) = h.call(&token).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "expired_token");
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
}

#[tokio::test]
async fn rows_09_to_13_time_issuer_audience_and_required_claims() {
    let h = harness().await;
    let cases = [
        ("nbf in 120 s", with_claim("nbf", json!(now() + 120))),
        ("iat in 1 h", with_claim("iat", json!(now() + 3600))),
        (
            "wrong iss",
            with_claim("iss", json!("P2SomeoneElseAAAAAAAAAAAAAAA")),
        ),
        (
            "iss as a lookalike path",
            with_claim("iss", json!(format!("{PROJECT_ID}x"))),
        ),
        ("missing iss", without_claim("iss")),
        ("wrong aud", with_claim("aud", json!("someone-else"))),
        (
            "aud array without ours",
            with_claim("aud", json!(["a", "b"])),
        ),
        ("missing exp", without_claim("exp")),
        ("missing iat", without_claim("iat")),
        ("missing sub", without_claim("sub")),
    ];
    for (case, claims) in cases {
        h.assert_rejected(&k1().mint(&claims), "invalid_token", case)
            .await;
    }

    for (case, claims) in [
        ("aud with ours", with_claim("aud", json!([PROJECT_ID]))),
        (
            "iss as a URL",
            with_claim(
                "iss",
                json!(format!("https://api.descope.com/{PROJECT_ID}")),
            ),
        ),
        (
            "iss as an app URL",
            with_claim(
                "iss",
                json!(format!("https://api.descope.com/v1/apps/{PROJECT_ID}")),
            ),
        ),
        ("nbf in the past", with_claim("nbf", json!(now() - 10))),
    ] {
        assert_eq!(h.call(&k1().mint(&claims)).await.0, 200, "{case}");
    }
}

#[tokio::test]
async fn row_14_time_claims_of_the_wrong_type_are_rejected() {
    let h = harness().await;
    let bad = [
        json!("9999999999"),
        json!(null),
        json!([]),
        json!({}),
        json!(true),
        json!(1.5),
        json!(-1),
    ];
    for claim in ["exp", "nbf", "iat"] {
        for value in &bad {
            let token = k1().mint(&with_claim(claim, value.clone()));
            h.assert_rejected(&token, "invalid_token", &format!("{claim}={value}"))
                .await;
        }
        let raw = session_claims()
            .to_string()
            .replacen('{', &format!("{{\"{claim}\":1e400,"), 1);
        let head = header(json!({"alg": "RS256", "kid": "K1"}));
        h.assert_rejected(&k1().mint_raw(&head, &raw), "invalid_token", "1e400")
            .await;
    }
}

#[tokio::test]
async fn rows_15_16_refresh_tokens_and_other_projects_are_rejected() {
    let h = harness().await;
    h.assert_rejected(
        &k1().mint(&with_claim("drn", json!("DSR"))),
        "invalid_token",
        "DSR",
    )
    .await;
    h.assert_rejected(&k1().mint(&without_claim("drn")), "invalid_token", "no drn")
        .await;

    let mut foreign = session_claims();
    foreign["iss"] = json!("P2OtherProjectAAAAAAAAAAAAAA");
    h.assert_rejected(
        &support::keys()[2].mint(&foreign),
        "invalid_token",
        "other project",
    )
    .await;
}

#[tokio::test]
async fn rows_17_to_19_malformed_tokens_are_rejected() {
    let h = harness().await;
    let good = k1().mint(&session_claims());
    let (head, rest) = good.split_once('.').unwrap();
    let (signed, _) = good.rsplit_once('.').unwrap();
    let cases = [
        String::from("a"),
        "a.b".into(),
        format!("{good}."),
        format!("{good}.x.y"),
        "a.b.".into(),
        format!("{head}=.{rest}"),
        format!("{head}.{}", rest.replacen('.', "=.", 1)),
        format!("{head}é.{rest}"),
        format!("{}.{rest}", b64("not json")),
        format!("{}.{rest}", b64("[\"RS256\"]")),
        // Signatures no RSA key of 2048 to 8192 bits could make.
        format!("{signed}.{}", b64("sig")),
        format!("{signed}.{}", b64([7; 1025])),
        format!(
            "{head}.{}.{}",
            b64("null"),
            rest.rsplit('.').next().unwrap()
        ),
        format!(
            "{}.{rest}",
            b64("\u{feff}{\"alg\":\"RS256\",\"kid\":\"K1\"}")
        ),
    ];
    for token in cases {
        h.assert_rejected(&token, "invalid_token", &token).await;
    }
}

#[tokio::test]
async fn rows_20_21_huge_and_deep_tokens_are_rejected_quickly() {
    let h = harness().await;
    let big = format!("{}.{}.{}", b64("{}"), "A".repeat(300 * 1024), b64("x"));
    h.assert_rejected(&big, "invalid_token", "300 KB").await;

    let header_1mb = "A".repeat(1024 * 1024);
    let (status, _, _) = get_with(&format!("{}/secret", h.app), Some(&header_1mb)).await;
    assert_eq!(status, 431, "hyper refuses a 1 MB header");

    let deep = format!(
        r#"{{"roles":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let token = k1().mint_raw(&header(json!({"alg": "RS256", "kid": "K1"})), &deep);
    h.assert_rejected(&token, "invalid_token", "deep").await;
}

#[tokio::test]
async fn rows_22_23_duplicates_and_crit_are_rejected() {
    let h = harness().await;
    let claims = session_claims().to_string();
    let dup_exp = claims.replacen('{', "{\"exp\":1,", 1);
    let head = header(json!({"alg": "RS256", "kid": "K1"}));
    h.assert_rejected(&k1().mint_raw(&head, &dup_exp), "invalid_token", "dup exp")
        .await;
    let dup_alg = r#"{"alg":"RS256","alg":"RS256","kid":"K1"}"#;
    h.assert_rejected(&k1().mint_raw(dup_alg, &claims), "invalid_token", "dup alg")
        .await;
    for crit in [json!(["foo"]), json!([]), json!(null)] {
        let head = header(json!({"alg": "RS256", "kid": "K1", "crit": crit, "foo": 1}));
        h.assert_rejected(&k1().mint_raw(&head, &claims), "invalid_token", "crit")
            .await;
    }
    // serde's form of an enum variant, which a typed `alg` would take for RS256.
    let enum_alg = header(json!({"alg": {"RS256": null}, "kid": "K1"}));
    h.assert_rejected(
        &k1().mint_raw(&enum_alg, &claims),
        "invalid_token",
        "alg object",
    )
    .await;
}

#[tokio::test]
async fn row_24_stripped_swapped_and_flipped_signatures_are_rejected() {
    let h = harness().await;
    let a = k1().mint(&session_claims());
    let b = k1().mint(&with_claim("sub", json!("U2other")));
    let (a_input, a_sig) = a.rsplit_once('.').unwrap();
    let (_, b_sig) = b.rsplit_once('.').unwrap();
    let mut flipped = a_sig.as_bytes().to_vec();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    for token in [
        format!("{a_input}."),
        format!("{a_input}.{b_sig}"),
        format!("{a_input}.{}", String::from_utf8(flipped).unwrap()),
    ] {
        h.assert_rejected(&token, "invalid_token", "signature")
            .await;
    }
}

#[tokio::test]
async fn row_25_only_a_well_formed_bearer_header_is_read() {
    let h = harness().await;
    let token = k1().mint(&session_claims());
    let client = reqwest::Client::new();
    let url = format!("{}/secret", h.app);
    let cases = [
        (
            "basic",
            client
                .get(&url)
                .header("authorization", format!("Basic {token}")),
        ),
        (
            "two spaces",
            client
                .get(&url)
                .header("authorization", format!("Bearer  {token}")),
        ),
        ("query", client.get(format!("{url}?access_token={token}"))),
    ];
    for (case, request) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{case}");
    }
    let lower = client
        .get(&url)
        .header("authorization", format!("bearer {token}"));
    assert_eq!(
        lower.send().await.unwrap().status(),
        200,
        "the scheme is case-insensitive"
    );
}

#[tokio::test]
async fn role_guards_answer_403_for_a_valid_session_without_the_role() {
    let h = harness().await;
    let admin = format!("{}/admin", h.app);
    let (status, headers, body) = get_with(&admin, Some(&k1().mint(&session_claims()))).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "insufficient_role");
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("insufficient_scope"));

    let with_role = with_claim("roles", json!(["admin"]));
    assert_eq!(get_with(&admin, Some(&k1().mint(&with_role))).await.0, 200);
    assert_eq!(get_with(&admin, None).await.0, 401);
}

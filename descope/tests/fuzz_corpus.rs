//! Replays the fuzzing corpus (`descope/fuzz/corpus/validate`) through the validator, as the
//! fuzz target does, so every input the fuzzer ever kept is re-checked on stable Rust.

use std::{fs, path::Path};

use descope::session::{ValidationError, Validator};

fn validator() -> Validator {
    Validator::builder("P2FuzzProjectAAAAAAAAAAAAAAA")
        .pinned_key_set(include_str!("../fuzz/fixtures/jwks.json"))
        .unwrap()
        .clock(|| 1_800_000_001)
        .build()
}

#[tokio::test]
async fn the_fuzz_corpus_replays_without_panics() {
    let validator = validator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/validate");
    let mut replayed = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        if let Ok(token) = std::str::from_utf8(&bytes) {
            let _ = validator.validate(token).await;
        }
        replayed += 1;
    }
    assert!(
        replayed >= 6,
        "only {replayed} corpus entries in {}",
        dir.display()
    );
}

#[tokio::test]
async fn the_fuzz_seeds_get_the_expected_answers() {
    let validator = validator();
    let seed = |name: &str| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/validate");
        fs::read_to_string(dir.join(format!("seed-{name}"))).unwrap()
    };
    let claims = validator.validate(&seed("valid")).await.unwrap();
    assert_eq!(claims.user_id, "U2fuzz");
    assert!(claims.has_role("admin") && claims.has_tenant_permission("T1", "p"));
    assert!(validator.validate(&seed("aud")).await.is_ok());
    for (name, error) in [
        ("refresh", ValidationError::NotASessionToken),
        ("expired", ValidationError::Expired),
        ("crit", ValidationError::CriticalHeader),
        ("none", ValidationError::Malformed), // empty signature segment
    ] {
        assert_eq!(
            validator.validate(&seed(name)).await.err(),
            Some(error),
            "{name}"
        );
    }
}

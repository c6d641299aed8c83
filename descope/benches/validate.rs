//! The cost of validating a session token: fresh (parse, claims, RS256 signature), repeated
//! (a verified-token cache hit) and forged (a signature that fails, never cached), against
//! `jsonwebtoken::decode` of the same token as the baseline measured in the same run.
//!
//! Run with `cargo bench -p descope --features axum --bench validate` (the bench's required
//! feature; `scripts/bench.sh` runs it).

use criterion::{criterion_group, criterion_main, Criterion};
use descope::session::Validator;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use test_support::jwt as support;

fn validation(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let key = &support::keys()[0];
    let token = key.mint(&support::session_claims());
    let jwks = support::key_set(&[key]).to_string();
    let signature = token.rfind('.').unwrap() + 100;
    let mut forged = token.clone().into_bytes();
    forged[signature] = if forged[signature] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let forged = String::from_utf8(forged).unwrap();

    let fresh = Validator::builder(support::PROJECT_ID)
        .pinned_key_set(&jwks)
        .unwrap()
        .cache_capacity(0) // every call checks the signature
        .build();
    let cached = Validator::builder(support::PROJECT_ID)
        .pinned_key_set(&jwks)
        .unwrap()
        .build();
    runtime.block_on(cached.validate(&token)).unwrap();

    let jwk = key.jwk();
    let baseline_key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut baseline = Validation::new(Algorithm::RS256);
    baseline.set_issuer(&[support::PROJECT_ID]);
    baseline.leeway = 5;

    let mut group = c.benchmark_group("validate");
    group.bench_function("baseline: jsonwebtoken::decode", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<serde_json::Value>(&token, &baseline_key, &baseline).unwrap()
        })
    });
    group.bench_function("fresh token (signature checked)", |b| {
        b.iter(|| runtime.block_on(fresh.validate(&token)).unwrap())
    });
    group.bench_function("repeated token (cache hit)", |b| {
        b.iter(|| runtime.block_on(cached.validate(&token)).unwrap())
    });
    group.bench_function("forged token (signature fails)", |b| {
        b.iter(|| runtime.block_on(cached.validate(&forged)).unwrap_err())
    });
    group.finish();
}

criterion_group!(benches, validation);
criterion_main!(benches);

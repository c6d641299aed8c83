//! Timing: whether an attacker can tell known accounts from unknown ones by how long the
//! server takes. Interleaved requests, in a test binary of its own and one test at a time, so
//! that no other test shares the machine while one measures.

use std::{future::Future, time::Instant};

use serde_json::{json, Value};
use test_support::local::{rusqlite_open, start_with, Local};

const TRIES: usize = 200;

/// Held by each test while it measures.
static MEASURING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How `b` compares with `a` over [`TRIES`] pairs of calls of `request`, each side first in
/// turn.
struct Comparison {
    /// The median time of `a`, in ms.
    a_ms: f64,
    /// The median time of `b`, in ms.
    b_ms: f64,
    /// The median of the differences within pairs, relative to `a_ms`: each pair ran under the
    /// same machine load, so this is what a systematic difference would show in.
    difference: f64,
    /// The last answers to `a` and `b`.
    answers: [Value; 2],
}

async fn compare<F, Fut>(request: F, a: &'static str, b: &'static str) -> Comparison
where
    F: Fn(&'static str) -> Fut,
    Fut: Future<Output = Value>,
{
    let mut times = [Vec::new(), Vec::new()];
    let mut answers = [Value::Null, Value::Null];
    for i in 0..TRIES {
        for side in [i % 2, 1 - i % 2] {
            let started = Instant::now();
            answers[side] = request([a, b][side]).await;
            times[side].push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let mut differences: Vec<f64> = times[1].iter().zip(&times[0]).map(|(b, a)| b - a).collect();
    let [mut a_times, mut b_times] = times;
    let a_ms = median(&mut a_times);
    Comparison {
        a_ms,
        b_ms: median(&mut b_times),
        difference: median(&mut differences).abs() / a_ms,
        answers,
    }
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

async fn server_with(account: &str) -> Local {
    let local = start_with(|c| {
        c.account_failures = u32::MAX;
        c.address_failures = u32::MAX;
        c.address_signups = u32::MAX;
    })
    .await;
    local.signup(account, "correct horse battery").await;
    local
}

#[tokio::test]
#[ignore = "slow system test: run by scripts/test.sh (cargo test -- --include-ignored)"]
async fn telling_users_apart_by_a_wrong_password_fails() {
    let _measuring = MEASURING.lock().await;
    let local = server_with("ada@example.com").await;
    let sign_in = |login| {
        let local = &local;
        async move {
            let body = json!({"loginId": login, "password": "not the password"});
            let (status, _, body) = local.post("/v1/auth/password/signin", None, body).await;
            assert_eq!(status, 401);
            body
        }
    };
    let c = compare(sign_in, "ada@example.com", "nobody@example.com").await;
    assert_eq!(c.answers[0], c.answers[1]);
    eprintln!(
        "enumeration by password: {TRIES} pairs: wrong password {:.2} ms, unknown user {:.2} ms \
         (medians), {:.1}% apart (median difference within pairs); identical status and body",
        c.a_ms,
        c.b_ms,
        c.difference * 100.0
    );
    // Without the dummy argon2 check, an unknown user would answer in a fraction of the time.
    // Without the unguessable code stored for unknown addresses, they would skip a
    // transaction and its fsync and answer in a fraction of the time.
    assert!(c.difference < 0.25, "timing tells users apart");
}

#[tokio::test]
#[ignore = "slow system test: run by scripts/test.sh (cargo test -- --include-ignored)"]
async fn telling_users_apart_by_a_code_request_fails() {
    let _measuring = MEASURING.lock().await;
    let local = server_with("ada@example.com").await;
    let request = |login| {
        let local = &local;
        async move {
            let body = json!({"loginId": login});
            let (status, _, body) = local.post("/v1/auth/otp/signin/email", None, body).await;
            assert_eq!(status, 200);
            body
        }
    };
    let c = compare(request, "ada@example.com", "nobody@example.com").await;
    assert_eq!(c.answers[0], json!({"maskedEmail": "a***@example.com"}));
    assert_eq!(c.answers[1], json!({"maskedEmail": "n***@example.com"}));
    // The same storage work: a code row for every request, whoever it is for.
    let rows = |login: &str| -> usize {
        rusqlite_open(&local.dir)
            .query_row(
                "SELECT COUNT(*) FROM codes WHERE login_id = ?1",
                [login],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(rows("ada@example.com"), TRIES);
    assert_eq!(rows("nobody@example.com"), TRIES);

    eprintln!(
        "enumeration by code request: {TRIES} pairs: known address {:.2} ms, unknown {:.2} ms \
         (medians), {:.1}% apart (median difference within pairs); the same answer but for \
         the masked address",
        c.a_ms,
        c.b_ms,
        c.difference * 100.0
    );
    // Without the unguessable code stored for unknown addresses, they would skip a
    // transaction and its fsync and answer in a fraction of the time.
    assert!(c.difference < 0.25, "timing tells users apart");
}

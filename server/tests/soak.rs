//! Soak: 200 connections of mixed traffic against the running binary for 60 s after a 10 s
//! warm-up (`SOAK_SECONDS` and `SOAK_CONNECTIONS` change that). Valid, expired, forged and
//! missing tokens, server-function calls, and refreshes and `me` on the embedded local Descope.
//! Passes when every answer has the status its request calls for, none is a 5xx, and the
//! server's resident memory at the end is within 20% of its value after the warm-up.
//!
//! `SOAK_SECONDS=60 cargo test -p server --test soak -- --nocapture` prints the figures.

use test_support::{binary, server_binary, TempDir};

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use descope_local::DEFAULT_PROJECT_ID;
use serde_json::Value;

const USERS: usize = 20;
/// Every tenth request of a user's owning connection rotates its refresh token, and another
/// calls `me`; the other connections read the newest session token of their user.
const MIX: usize = 10;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a connection needs to build its requests.
struct Shared {
    base: String,
    expired: String,
    forged: String,
    /// Each user's newest (session, refresh) tokens.
    tokens: Vec<Mutex<(String, String)>>,
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    by_kind: [u64; MIX],
    server_errors: u64,
    wrong: Vec<String>,
}

async fn connection(id: usize, shared: Arc<Shared>, stop: Arc<AtomicBool>) -> Tally {
    let client = reqwest::Client::new();
    let user = id % USERS;
    let owner = id < USERS;
    let mut tally = Tally::default();
    let mut i = id;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        // Only a user's owning connection rotates its tokens; the others read them.
        let kind = match i % MIX {
            8 | 9 if !owner => 0,
            kind => kind,
        };
        let (session, refresh) = shared.tokens[user].lock().unwrap().clone();
        let secret = format!("{}/get_secret_message", shared.base);
        let server_fn = format!("{}/api/secret", shared.base);
        let descope = format!("{}/descope/v1/auth", shared.base);
        let (request, expected) = match kind {
            0 | 7 => (client.get(&secret).bearer_auth(&session), 200),
            1 => (client.get(&secret).bearer_auth(&shared.expired), 401),
            2 => (client.get(&secret).bearer_auth(&shared.forged), 401),
            3 => (client.get(&secret), 401),
            4 => (client.post(&server_fn).bearer_auth(&session), 200),
            5 => (client.post(&server_fn), 401),
            6 => (client.get(format!("{}/healthz", shared.base)), 200),
            8 => (
                client
                    .post(format!("{descope}/refresh"))
                    .bearer_auth(format!("{DEFAULT_PROJECT_ID}:{refresh}"))
                    .json(&serde_json::json!({})),
                200,
            ),
            9 => (
                client
                    .get(format!("{descope}/me"))
                    .bearer_auth(format!("{DEFAULT_PROJECT_ID}:{refresh}")),
                200,
            ),
            _ => unreachable!("MIX kinds"),
        };
        let started = Instant::now();
        let result = request.send().await;
        let (status, cookie, body) = match result {
            Ok(r) => (
                r.status().as_u16(),
                binary::refresh_cookie(r.headers()),
                r.bytes().await.unwrap_or_default(),
            ),
            Err(e) => {
                tally.wrong.push(format!("kind {kind}: {e}"));
                continue;
            }
        };
        tally
            .latencies_us
            .push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        tally.by_kind[kind] += 1;
        if status >= 500 {
            tally.server_errors += 1;
        }
        if status != expected {
            tally
                .wrong
                .push(format!("kind {kind}: {status} instead of {expected}"));
        } else if kind == 8 {
            let body: Value = serde_json::from_slice(&body).unwrap();
            // The rotated refresh token: in the body, or where the server puts it, the cookie.
            let refresh = body["refreshJwt"].as_str().map(str::to_owned).or(cookie);
            *shared.tokens[user].lock().unwrap() = (
                body["sessionJwt"].as_str().unwrap().to_owned(),
                refresh.unwrap(),
            );
        }
    }
    tally
}

/// A token whose signature no longer matches: one character in the middle of it changed.
fn forge(token: &str) -> String {
    let at = token.rfind('.').unwrap() + 100;
    let mut bytes = token.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[index]) / 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow system test: run by scripts/test.sh (cargo test -- --include-ignored)"]
async fn mixed_traffic_from_many_connections_gets_the_right_answers_in_steady_memory() {
    let seconds = setting("SOAK_SECONDS", 60);
    let warm_up = Duration::from_secs(10.min(seconds.max(2)));
    let connections = setting("SOAK_CONNECTIONS", 200) as usize;
    let dir = TempDir::new("server-soak");
    let client = reqwest::Client::new();

    // An expired but genuine token: minted by the same store with a 1 s lifetime.
    let short = binary::start(
        server_binary!(),
        dir.path(),
        &[("DESCOPE_LOCAL_SESSION_TTL", "1")],
    );
    let minted = Instant::now();
    let expired = binary::sign_up(
        &client,
        &format!("{}/descope", short.base),
        "old@example.com",
    )
    .await
    .session;
    drop(short);

    let server = binary::start(server_binary!(), dir.path(), &[]);
    let mut tokens = Vec::new();
    for u in 0..USERS {
        let account = binary::sign_up(
            &client,
            &format!("{}/descope", server.base),
            &format!("soak{u}@example.com"),
        )
        .await;
        tokens.push(Mutex::new((account.session, account.refresh)));
    }
    let forged = forge(&tokens[0].lock().unwrap().0);
    let shared = Arc::new(Shared {
        base: server.base.clone(),
        expired,
        forged,
        tokens,
    });
    // Past the 1 s lifetime and the validator's 5 s leeway.
    tokio::time::sleep(Duration::from_secs(7).saturating_sub(minted.elapsed())).await;

    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..connections)
        .map(|id| tokio::spawn(connection(id, shared.clone(), stop.clone())))
        .collect();
    tokio::time::sleep(warm_up).await;
    let rss_warm = server.rss_kib();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let rss_end = server.rss_kib();
    stop.store(true, Ordering::Relaxed);
    let mut total = Tally::default();
    for task in tasks {
        let t = task.await.unwrap();
        total.latencies_us.extend(t.latencies_us);
        for (sum, n) in total.by_kind.iter_mut().zip(t.by_kind) {
            *sum += n;
        }
        total.server_errors += t.server_errors;
        total.wrong.extend(t.wrong);
    }
    let elapsed = started.elapsed() + warm_up;

    total.latencies_us.sort_unstable();
    let requests = total.latencies_us.len();
    let growth = rss_end as f64 / rss_warm as f64 - 1.0;
    eprintln!(
        "soak: {connections} connections, {} s after a {} s warm-up: {requests} requests \
         ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms; by kind {:?}; 5xx {}; wrong {}; \
         server RSS {} KiB after warm-up, {} KiB at the end ({:+.1}%)",
        seconds,
        warm_up.as_secs(),
        requests as f64 / elapsed.as_secs_f64(),
        percentile(&total.latencies_us, 0.50),
        percentile(&total.latencies_us, 0.99),
        total.by_kind,
        total.server_errors,
        total.wrong.len(),
        rss_warm,
        rss_end,
        growth * 100.0
    );
    assert!(
        total.wrong.is_empty(),
        "unexpected answers: {:?}",
        &total.wrong[..total.wrong.len().min(10)]
    );
    assert_eq!(total.server_errors, 0);
    assert!(
        total.by_kind.iter().all(|&n| n > 0),
        "every kind of request was sent"
    );
    assert!(
        growth.abs() <= 0.20,
        "memory moved {:.1}% during the soak",
        growth * 100.0
    );
    drop(server);
}

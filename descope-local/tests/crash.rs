//! Crash safety: the standalone server is killed with SIGKILL in the middle of sign-ups and
//! refreshes, three times, and restarted on the same database. Nothing it acknowledged may be
//! lost, the database must be intact, and no refresh token may be accepted twice.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use descope_local::DEFAULT_PROJECT_ID;
use serde_json::{json, Value};
use test_support::{process::Process, TempDir};

const PASSWORD: &str = "correct horse battery";
const WORKERS: usize = 6;
/// Refreshes per account before its newest refresh token is put aside unused.
const CHAIN: usize = 4;

/// What the server acknowledged before it died.
#[derive(Default)]
struct Acknowledged {
    /// Login IDs whose sign-up answered 200.
    accounts: Vec<String>,
    /// Refresh tokens a refresh accepted (answered 200): none may work again.
    spent: Vec<String>,
    /// The newest refresh token of a finished chain, never presented: it must still work.
    unused: Vec<String>,
}

fn start(data_dir: &str) -> Process {
    Process::start(
        env!("CARGO_BIN_EXE_descope-local").as_ref(),
        &[
            ("DESCOPE_LOCAL_DATA_DIR", data_dir),
            ("DESCOPE_LOCAL_ADDR", "127.0.0.1:0"),
            // No grace: a rotated token must fail at once, so "accepted twice" is observable.
            ("DESCOPE_LOCAL_REFRESH_GRACE", "0"),
            ("DESCOPE_LOCAL_ADDRESS_SIGNUPS", "1000000"),
            ("RUST_LOG", "info"),
        ],
        "local Descope at ",
    )
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> reqwest::Result<(u16, Value)> {
    let auth = match token {
        Some(t) => format!("Bearer {DEFAULT_PROJECT_ID}:{t}"),
        None => format!("Bearer {DEFAULT_PROJECT_ID}"),
    };
    let response = client
        .post(format!("{base}{path}"))
        .header("authorization", auth)
        .json(&body)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn refresh(
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> reqwest::Result<(u16, Value)> {
    post(client, base, "/v1/auth/refresh", Some(token), json!({})).await
}

fn refresh_jwt(body: &Value) -> String {
    body["refreshJwt"].as_str().expect("refreshJwt").to_owned()
}

/// Signs up accounts and walks their refresh chains until the server stops answering.
async fn load(base: String, worker: usize, round: usize, acked: Arc<Mutex<Acknowledged>>) {
    let client = reqwest::Client::new();
    for n in 0.. {
        let login = format!("w{worker}-r{round}-{n}@example.com");
        let body = json!({"loginId": login, "password": PASSWORD, "user": {"name": "Crash"}});
        let Ok((200, answer)) = post(&client, &base, "/v1/auth/password/signup", None, body).await
        else {
            return;
        };
        let mut token = refresh_jwt(&answer);
        acked.lock().unwrap().accounts.push(login);
        for step in 1..=CHAIN {
            let Ok((200, answer)) = refresh(&client, &base, &token).await else {
                return;
            };
            let spent = std::mem::replace(&mut token, refresh_jwt(&answer));
            let mut acked = acked.lock().unwrap();
            acked.spent.push(spent);
            if step == CHAIN {
                acked.unused.push(token.clone());
            }
        }
    }
}

/// A pseudo-random kill moment between 0.8 and 2.0 s, different on every run.
fn kill_after() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    Duration::from_millis(800 + u64::from(nanos % 1200))
}

fn check_database(data_dir: &str) {
    let db = rusqlite::Connection::open(format!("{data_dir}/descope-local.sqlite3")).unwrap();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow system test: run by scripts/test.sh (cargo test -- --include-ignored)"]
async fn sigkill_during_sign_ups_and_refreshes_loses_nothing_acknowledged() {
    let dir = TempDir::new("descope-local-crash");
    let data_dir = dir.path().to_str().unwrap();
    let acked = Arc::new(Mutex::new(Acknowledged::default()));

    for round in 0..3 {
        let server = start(data_dir);
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| tokio::spawn(load(server.base.clone(), w, round, acked.clone())))
            .collect();
        let wait = kill_after();
        tokio::time::sleep(wait).await;
        server.kill();
        for worker in workers {
            worker.await.unwrap();
        }
        check_database(data_dir);
        let a = acked.lock().unwrap();
        eprintln!(
            "round {round}: SIGKILL after {wait:?}; acknowledged so far: {} sign-ups, {} refreshes",
            a.accounts.len(),
            a.spent.len()
        );
    }

    let server = start(data_dir);
    let client = reqwest::Client::new();
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(
        acked.accounts.len() >= WORKERS && !acked.spent.is_empty() && !acked.unused.is_empty(),
        "the load did too little to prove anything"
    );

    for login in &acked.accounts {
        let body = json!({"loginId": login, "password": PASSWORD});
        let (status, _) = post(
            &client,
            &server.base,
            "/v1/auth/password/signin",
            None,
            body,
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "acknowledged sign-up {login} cannot sign in");
    }
    // Unused tokens first: replaying spent ones revokes their families.
    for token in &acked.unused {
        let (status, _) = refresh(&client, &server.base, token).await.unwrap();
        assert_eq!(status, 200, "an acknowledged rotation was lost");
    }
    for token in &acked.spent {
        let (status, body) = refresh(&client, &server.base, token).await.unwrap();
        assert_eq!(status, 401, "a spent refresh token was accepted again");
        let code = body["errorCode"].as_str().unwrap();
        // The first replay revokes the family (E061301); later ones find it revoked (E064001).
        assert!(["E061301", "E064001"].contains(&code), "{body}");
    }
    eprintln!(
        "after 3 SIGKILLs: {} acknowledged sign-ups all sign in, {} unused refresh tokens all work, \
         {} spent refresh tokens all refused",
        acked.accounts.len(),
        acked.unused.len(),
        acked.spent.len()
    );
    drop(server);
    check_database(data_dir);
}

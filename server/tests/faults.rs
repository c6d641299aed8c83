//! Faults around the running binary: SIGTERM under load, and the Descope key endpoint going
//! away while the app serves.

use test_support::{binary, server_binary, TempDir};

use std::{
    net::{SocketAddr, TcpStream},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use descope_local::{Config, LocalDescope, DEFAULT_PROJECT_ID};
use serde_json::json;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// One request as the client saw it.
struct Outcome {
    started: Instant,
    finished: Instant,
    /// The status of a complete answer (body read to the end), or `None` if the exchange failed.
    status: Option<u16>,
}

/// Repeats `request` until an exchange fails or `until` passes, recording every outcome.
async fn repeat(
    request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    until: Instant,
    log: Arc<Mutex<Vec<Outcome>>>,
) {
    let client = reqwest::Client::new();
    while Instant::now() < until {
        let started = Instant::now();
        let status = match request(&client).send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                r.bytes().await.ok().map(|_| status)
            }
            Err(_) => None,
        };
        let failed = status.is_none();
        log.lock().unwrap().push(Outcome {
            started,
            finished: Instant::now(),
            status,
        });
        if failed {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_load_finishes_accepted_requests_and_exits_zero() {
    let dir = TempDir::new("server-sigterm");
    let server = binary::start(server_binary!(), dir.path(), &[]);
    let base = server.base.clone();
    let account = binary::sign_up(
        &reqwest::Client::new(),
        &format!("{base}/descope"),
        "term@example.com",
    )
    .await;

    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let until = Instant::now() + Duration::from_secs(20);
    let mut workers = Vec::new();
    for _ in 0..16 {
        let (url, token) = (
            format!("{base}/get_secret_message"),
            account.session.clone(),
        );
        workers.push(tokio::spawn(repeat(
            move |c| c.get(&url).bearer_auth(&token),
            until,
            outcomes.clone(),
        )));
    }
    // Sign-ins are slow (argon2 behind a 4-permit semaphore), so some are always in flight.
    for _ in 0..8 {
        let url = format!("{base}/descope/v1/auth/password/signin");
        let body = json!({"loginId": account.login, "password": binary::PASSWORD});
        workers.push(tokio::spawn(repeat(
            move |c| c.post(&url).bearer_auth(DEFAULT_PROJECT_ID).json(&body),
            until,
            outcomes.clone(),
        )));
    }

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let signalled = Instant::now();
    server.terminate();
    let (status, server) = tokio::task::spawn_blocking(move || {
        let mut server = server;
        (server.wait(Duration::from_secs(15)), server)
    })
    .await
    .unwrap();
    let stopped = signalled.elapsed();
    for worker in workers {
        worker.await.unwrap();
    }
    assert!(status.success(), "exit status {status:?}");
    let log = server.log();
    assert!(
        log.contains("received SIGTERM") && log.contains("stopped"),
        "{log}"
    );

    // Requests sent well before the signal were read by the server: each must complete.
    let accepted_before = signalled - Duration::from_millis(50);
    let outcomes = outcomes.lock().unwrap();
    let mut in_flight = 0;
    for o in outcomes.iter() {
        if let Some(status) = o.status {
            assert_eq!(status, 200, "a request failed during shutdown");
        }
        if o.started < accepted_before {
            assert!(o.status.is_some(), "an accepted request was cut off");
            if o.finished > signalled {
                in_flight += 1;
            }
        }
    }
    assert!(
        in_flight > 0,
        "no request was in flight at SIGTERM; the test proved nothing"
    );
    let refused = TcpStream::connect(base.trim_start_matches("http://")).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    eprintln!(
        "SIGTERM: {} requests answered 200, {in_flight} in flight at the signal all completed, \
         exit 0 after {stopped:?}, new connections refused",
        outcomes.iter().filter(|o| o.status == Some(200)).count()
    );
}

/// An in-process local Descope server the test can stop and restart on the same port.
struct KeyServer {
    config: Config,
    address: SocketAddr,
    stop: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl KeyServer {
    async fn start(config: Config, address: SocketAddr) -> Self {
        let mut server = Self {
            config,
            address,
            stop: None,
        };
        server.up().await;
        server
    }

    async fn up(&mut self) {
        let local = LocalDescope::open(self.config.clone()).unwrap();
        let listener = TcpListener::bind(self.address).await.unwrap();
        self.address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                local
                    .router()
                    .into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        self.stop = Some((stop, task));
    }

    async fn down(&mut self) {
        let (stop, task) = self.stop.take().expect("running");
        stop.send(()).unwrap();
        task.await.unwrap();
    }

    fn base(&self) -> String {
        format!("http://{}", self.address)
    }
}

async fn secret_status(client: &reqwest::Client, base: &str, token: &str) -> (u16, Option<String>) {
    let response = client
        .get(format!("{base}/get_secret_message"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), retry_after)
}

async fn server_fn_status(client: &reqwest::Client, base: &str, token: &str) -> u16 {
    client
        .post(format!("{base}/api/secret"))
        .bearer_auth(token)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_key_endpoint_going_down_keeps_cached_keys_working_and_recovers_by_itself() {
    let dir = TempDir::new("server-keys-down");
    let config = Config::new(DEFAULT_PROJECT_ID, dir.path().join("descope"));
    let mut keys = KeyServer::start(config.clone(), ([127, 0, 0, 1], 0).into()).await;
    let app = binary::start(
        server_binary!(),
        &dir.path().join("app"),
        &[("DESCOPE_BASE_URL", &keys.base())],
    );
    // No pooled connections: the key server is stopped and restarted under the test's feet.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    let first = binary::sign_up(&client, &keys.base(), "keys@example.com").await;
    assert_eq!(
        secret_status(&client, &app.base, &first.session).await.0,
        200
    );

    // A new signing key the app has not seen: rotate, restart, sign in again.
    keys.down().await;
    LocalDescope::rotate_signing_key(&config).unwrap();
    keys.up().await;
    let response = client
        .post(format!("{}/v1/auth/password/signin", keys.base()))
        .bearer_auth(DEFAULT_PROJECT_ID)
        .json(&json!({"loginId": first.login, "password": binary::PASSWORD}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    let new_key_token = body["sessionJwt"].as_str().unwrap().to_owned();

    keys.down().await;
    // Known key: validation needs no network.
    assert_eq!(
        secret_status(&client, &app.base, &first.session).await.0,
        200
    );
    assert_eq!(
        server_fn_status(&client, &app.base, &first.session).await,
        200
    );
    // Unknown key and no way to fetch it: 503 with Retry-After, never 401, never 200.
    let (status, retry_after) = secret_status(&client, &app.base, &new_key_token).await;
    assert_eq!(status, 503);
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| (1..=30).contains(&s))));
    assert_eq!(
        server_fn_status(&client, &app.base, &new_key_token).await,
        503
    );
    // A forged token is still a forgery, keys or not.
    let mut forged = first.session.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(secret_status(&client, &app.base, &forged).await.0, 401);

    // The endpoint returns: the app recovers without help.
    keys.up().await;
    let back = Instant::now();
    let recovered = loop {
        let (status, _) = secret_status(&client, &app.base, &new_key_token).await;
        if status == 200 {
            break back.elapsed();
        }
        assert_eq!(
            status, 503,
            "only 503 while the keys are being fetched again"
        );
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "no recovery in 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        secret_status(&client, &app.base, &first.session).await.0,
        200
    );
    eprintln!("key endpoint down: cached key 200, unknown key 503, recovered {recovered:?} after it returned");
    keys.down().await;
    drop(app);
}

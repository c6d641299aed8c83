//! The key endpoint misbehaving (rows 27 to 31 of the catalogue in `docs/security.md`): down, slow, garbage, rotation and
//! floods of unknown kids. A bad credential must get 401; only an unobtainable key gets 503.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use descope::session::KeySetError;
use serde_json::json;
use test_support::jwt::{self as support, *};

fn k(i: usize) -> &'static TestKey {
    &support::keys()[i]
}

async fn call(app: &str, token: &str) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    get_with(&format!("{app}/secret"), Some(token)).await
}

#[tokio::test]
async fn row_27_cached_keys_keep_working_while_the_endpoint_is_down() {
    let keys = KeyServer::start(KeyMode::Keys(key_set(&[k(0)]))).await;
    let validator = validator(&keys.base_url);
    validator.prefetch_keys().await;
    let app = protected_app(validator).await;
    keys.set(KeyMode::Status(StatusCode::INTERNAL_SERVER_ERROR));

    // A fresh token each time, so the verified-token cache does not hide the key lookup.
    for sub in ["a", "b", "c"] {
        let mut claims = session_claims();
        claims["sub"] = json!(sub);
        assert_eq!(call(&app, &k(0).mint(&claims)).await.0, 200);
    }
    assert_eq!(keys.hits(), 1);
}

#[tokio::test]
async fn row_28_an_unobtainable_key_gets_503_with_retry_after_and_one_fetch_in_flight() {
    for mode in [
        KeyMode::Status(StatusCode::INTERNAL_SERVER_ERROR),
        KeyMode::Slow(Duration::from_secs(10), key_set(&[k(0)])),
    ] {
        let keys = KeyServer::start(mode).await;
        let app = protected_app(validator(&keys.base_url)).await;
        let token = k(0).mint(&session_claims());

        let started = Instant::now();
        let calls: Vec<_> = (0..10).map(|_| call(&app, &token)).collect();
        let results = futures_join_all(calls).await;
        let elapsed = started.elapsed();

        for (status, headers, body) in results {
            assert_eq!(status, 503);
            assert_eq!(body["error"], "keys_unavailable");
            let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=2).contains(&retry), "Retry-After {retry}");
        }
        assert_eq!(keys.hits(), 1, "one fetch for ten concurrent requests");
        assert!(
            elapsed < Duration::from_secs(3),
            "answered within the fetch timeout: {elapsed:?}"
        );

        // A forged token is still 401, even now.
        let mut forged = session_claims();
        forged["exp"] = json!(1);
        assert_eq!(call(&app, &k(0).mint(&forged)).await.0, 401);
    }
}

#[tokio::test]
async fn an_optional_session_is_absent_rather_than_refused_whatever_went_wrong() {
    let keys = KeyServer::start(KeyMode::Status(StatusCode::INTERNAL_SERVER_ERROR)).await;
    let app = protected_app(validator(&keys.base_url)).await;
    let optional = format!("{app}/optional");
    let valid = k(0).mint(&session_claims());
    for (case, token) in [
        ("no token", None),
        ("a malformed token", Some("not.a.jwt")),
        ("keys unavailable", Some(valid.as_str())),
    ] {
        let (status, _, body) = get_with(&optional, token).await;
        assert_eq!((status, &body["user"]), (200, &json!(null)), "{case}");
    }
    keys.set(KeyMode::Keys(key_set(&[k(0)])));
    tokio::time::sleep(Duration::from_millis(400)).await; // past the failure backoff
    let (status, _, body) = get_with(&optional, Some(&valid)).await;
    assert_eq!((status, body["user"].is_string()), (200, true), "{body}");
}

#[tokio::test]
async fn row_28_service_recovers_by_itself_when_the_endpoint_returns() {
    let keys = KeyServer::start(KeyMode::Status(StatusCode::BAD_GATEWAY)).await;
    let app = protected_app(validator(&keys.base_url)).await;
    let token = k(0).mint(&session_claims());
    assert_eq!(call(&app, &token).await.0, 503);

    keys.set(KeyMode::Keys(key_set(&[k(0)])));
    assert_eq!(
        call(&app, &token).await.0,
        503,
        "still inside the failure backoff"
    );
    tokio::time::sleep(Duration::from_millis(350)).await; // the tests' backoff is 300 ms
    assert_eq!(call(&app, &token).await.0, 200);
    assert_eq!(keys.hits(), 2);
}

#[tokio::test]
async fn row_29_garbage_key_sets_are_ignored_and_the_last_good_set_kept() {
    let mut private = k(1).jwk();
    private["d"] = json!("AQAB");
    let mut weak = k(1).jwk();
    weak["n"] = json!(b64([0xff; 128])); // 1024 bits
                                         // Exponents the signature check refuses: 1, and an even one.
    let exponent = |e: &str| {
        let mut jwk = k(1).jwk();
        jwk["e"] = json!(e);
        KeyMode::Keys(json!({ "keys": [jwk] }))
    };
    let garbage = [
        KeyMode::Body("<html>maintenance</html>"),
        KeyMode::Keys(json!({"keys": "x"})),
        KeyMode::Keys(
            json!({"keys": [{"kty": "oct", "kid": "K2", "alg": "HS256", "k": "c2VjcmV0"}]}),
        ),
        KeyMode::Keys(
            json!({"keys": [{"kty": "RSA", "kid": "K2", "alg": "HS256", "n": k(1).jwk()["n"], "e": "AQAB"}]}),
        ),
        KeyMode::Keys(json!({"keys": [private]})),
        KeyMode::Keys(json!({"keys": [weak]})),
        exponent("AQ"),
        exponent("Ag"),
        KeyMode::Keys(
            json!({"keys": [{"kty": "RSA", "kid": "K2", "n": k(1).jwk()["n"], "e": "AQAB"}]}),
        ),
    ];
    for mode in garbage {
        // With no good set yet, a garbage set leaves the key unobtainable: 503.
        let keys = KeyServer::start(mode.clone()).await;
        let app = protected_app(validator(&keys.base_url)).await;
        assert_eq!(call(&app, &k(1).mint(&session_claims())).await.0, 503);

        // After a good set, garbage does not replace it.
        let keys = KeyServer::start(KeyMode::Keys(key_set(&[k(0)]))).await;
        let validator = validator(&keys.base_url);
        validator.prefetch_keys().await;
        let app = protected_app(validator).await;
        keys.set(mode);
        let (status, _, _) = call(&app, &k(1).mint(&session_claims())).await; // unknown kid: refetch
        assert_eq!(status, 503, "the refetch failed, so K2 might exist");
        assert_eq!(keys.hits(), 2);
        assert_eq!(
            call(&app, &k(0).mint(&session_claims())).await.0,
            200,
            "K1 still works"
        );
    }
}

#[tokio::test]
async fn row_30_keys_rotate_in_and_out_mid_traffic() {
    let keys = KeyServer::start(KeyMode::Keys(key_set(&[k(0)]))).await;
    let validator = descope::session::Validator::builder(PROJECT_ID)
        .base_url(&keys.base_url)
        .unknown_key_cooldown(Duration::from_millis(200))
        .build();
    let app = protected_app(validator).await;
    let old = k(0).mint(&session_claims());
    assert_eq!(call(&app, &old).await.0, 200);

    // K2 appears: the first K2 token causes one refetch and passes; K1 tokens still pass.
    keys.set(KeyMode::Keys(key_set(&[k(0), k(1)])));
    let traffic = {
        let (app, old) = (app.clone(), old.clone());
        tokio::spawn(async move {
            for _ in 0..50 {
                assert_eq!(call(&app, &old).await.0, 200);
            }
        })
    };
    assert_eq!(call(&app, &k(1).mint(&session_claims())).await.0, 200);
    traffic.await.unwrap();
    assert_eq!(keys.hits(), 2);
    assert_eq!(call(&app, &old).await.0, 200);

    // K1 is removed: once a refetch sees it gone, K1 tokens fail, even ones verified before.
    keys.set(KeyMode::Keys(key_set(&[k(1)])));
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(call(&app, &k(2).mint(&session_claims())).await.0, 401); // triggers the refetch
    assert_eq!(keys.hits(), 3);
    assert_eq!(call(&app, &old).await.0, 401);
    assert_eq!(call(&app, &k(1).mint(&session_claims())).await.0, 200);
}

#[tokio::test]
async fn row_30_keep_keys_fresh_notices_a_removed_key_by_itself() {
    let keys = KeyServer::start(KeyMode::Keys(key_set(&[k(0), k(1)]))).await;
    let validator = descope::session::Validator::builder(PROJECT_ID)
        .base_url(&keys.base_url)
        .key_max_age(Duration::from_millis(200))
        .build();
    tokio::spawn(validator.clone().keep_keys_fresh());
    let app = protected_app(validator).await;
    let old = k(0).mint(&session_claims());
    assert_eq!(call(&app, &old).await.0, 200);

    keys.set(KeyMode::Keys(key_set(&[k(1)])));
    let deadline = Instant::now() + Duration::from_secs(5);
    while call(&app, &old).await.0 == 200 {
        assert!(
            Instant::now() < deadline,
            "the removed key was never noticed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(call(&app, &old).await.0, 401);
}

#[tokio::test]
async fn row_31_a_flood_of_random_kids_causes_at_most_one_fetch_per_cooldown() {
    let keys = KeyServer::start(KeyMode::Keys(key_set(&[k(0)]))).await;
    let validator = validator(&keys.base_url);
    validator.prefetch_keys().await;
    let app = protected_app(validator.clone()).await;

    let header = |i: usize| json!({"alg": "RS256", "kid": format!("random-{i}")}).to_string();
    let claims = session_claims().to_string();
    let tokens: Vec<_> = (0..200)
        .map(|i| k(2).mint_raw(&header(i), &claims))
        .collect();
    let calls: Vec<_> = tokens.iter().map(|t| call(&app, t)).collect();
    for (status, _, _) in futures_join_all(calls).await {
        assert_eq!(status, 401);
    }
    assert_eq!(keys.hits(), 2, "the start-up fetch and one refetch");
    assert_eq!(validator.key_fetch_count(), 2);
}

/// Runs futures concurrently on this task (no extra dependency needed for a join_all).
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut set = Vec::with_capacity(futures.len());
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(fut) = slot {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => {
                        *result = Some(out);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    set.extend(results.into_iter().map(Option::unwrap));
    set
}

#[tokio::test]
async fn a_pinned_key_set_validates_offline_and_never_fetches() {
    let validator = descope::session::Validator::builder(PROJECT_ID)
        .base_url("http://127.0.0.1:9") // nothing listens there; nothing may be asked
        .pinned_key_set(&key_set(&[k(0)]).to_string())
        .unwrap()
        .build();
    assert!(validator
        .validate(&k(0).mint(&session_claims()))
        .await
        .is_ok());
    assert_eq!(
        validator.validate(&k(1).mint(&session_claims())).await,
        Err(descope::session::ValidationError::UnknownKey)
    );
    assert_eq!(validator.key_fetch_count(), 0);

    let builder = || descope::session::Validator::builder(PROJECT_ID);
    let empty = builder().pinned_key_set(r#"{"keys":[]}"#).err();
    assert_eq!(empty, Some(KeySetError::NoUsableKey));
    let garbage = builder().pinned_key_set("not json").err();
    assert_eq!(garbage, Some(KeySetError::Malformed));
}

//! Hostile HTTP input to the running binary: the app's own API and the embedded local Descope
//! server under `/descope`. Every request gets a clear status and body, the server stays up,
//! and its log says why without printing a token or a password.

use test_support::{binary, server_binary, TempDir};

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use descope_local::DEFAULT_PROJECT_ID;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Sends raw bytes and returns the status line of the answer.
fn raw(base: &str, request: &[u8]) -> String {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server may answer (and close) before it has read everything; that is its right.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The status and JSON body of a request.
async fn call(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn hostile_requests_get_clear_errors_and_leave_no_secret_in_the_log() {
    let dir = TempDir::new("server-hostile");
    let server = binary::start(server_binary!(), dir.path(), &[]);
    let base = server.base.clone();
    let descope = format!("{base}/descope");
    // A new connection per request: after refusing an oversized body unread, the server
    // closes the connection, and a pooled one could be reused just as it closes.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let account = binary::sign_up(&client, &descope, "hostile@example.com").await;
    let local_auth = format!("Bearer {DEFAULT_PROJECT_ID}");

    // Control: the real token works where it belongs.
    let (status, body) = call(
        client
            .get(format!("{base}/get_secret_message"))
            .bearer_auth(&account.session),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["secret_msg"].is_string());

    // Oversized headers: 431 from the HTTP layer, before any handler.
    let huge = "a".repeat(1024 * 1024);
    for path in ["/get_secret_message", "/descope/v1/auth/me"] {
        let status = client
            .get(format!("{base}{path}"))
            .header("x-filler", &huge)
            .send()
            .await
            .map(|r| r.status());
        assert_eq!(
            status.ok(),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
            "{path}"
        );
    }
    let mut many = String::from("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for i in 0..200 {
        many.push_str(&format!("x-h{i}: 1\r\n"));
    }
    many.push_str("\r\n");
    assert!(raw(&base, many.as_bytes()).contains(" 431 "), "200 headers");

    // Oversized bodies: 413, declared or streamed, in each API's error shape.
    let big = vec![b'x'; 1024 * 1024];
    let (status, body) = call(
        client
            .post(format!("{base}/api/secret"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(big.clone()),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    let chunk = "x".repeat(16 * 1024);
    let mut chunked = String::from(
        "POST /api/secret HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    );
    for _ in 0..8 {
        chunked.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    chunked.push_str("0\r\n\r\n");
    assert!(
        raw(&base, chunked.as_bytes()).contains(" 413 "),
        "streamed body"
    );
    let (status, body) = call(
        client
            .post(format!("{descope}/v1/auth/password/signup"))
            .header("authorization", &local_auth)
            .header("content-type", "application/json")
            .body(big),
    )
    .await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("E011007"))
    );

    // Malformed or wrongly typed JSON: 400 in Descope's shape.
    let nested = "[".repeat(10_000);
    for bad in [
        "{not json",
        "",
        "null",
        "[]",
        r#"{"loginId": 5, "password": "x"}"#,
        r#"{"loginId": "hostile@example.com", "password": ["x"]}"#,
        "\u{feff}{}",
        &nested,
    ] {
        let (status, body) = call(
            client
                .post(format!("{descope}/v1/auth/password/signin"))
                .header("authorization", &local_auth)
                .header("content-type", "application/json")
                .body(bad.to_owned()),
        )
        .await;
        assert_eq!(status, 400, "{bad:.40}");
        assert!(
            body["errorCode"]
                .as_str()
                .is_some_and(|c| c.starts_with("E01100")),
            "{body}"
        );
    }

    // Wrong methods: 405 with Allow and a JSON body.
    for (method, url, allow) in [
        (
            Method::DELETE,
            format!("{base}/get_secret_message"),
            "GET,HEAD",
        ),
        (Method::PUT, format!("{base}/healthz"), "GET,HEAD"),
        (Method::GET, format!("{base}/api/secret"), "POST"),
        (Method::GET, format!("{descope}/v1/auth/refresh"), "POST"),
    ] {
        let response = client.request(method.clone(), &url).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method} {url}");
        assert_eq!(response.headers()["allow"], allow, "{method} {url}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"] == "method_not_allowed" || body["errorCode"] == "E011006",
            "{body}"
        );
    }

    // Unknown API paths: 404 JSON.
    for (method, url) in [
        (Method::GET, format!("{base}/api/nope")),
        (Method::POST, format!("{base}/api/secret/../admin")),
        (Method::POST, format!("{descope}/v1/auth/nope")),
    ] {
        let (status, body) = call(client.request(method, &url)).await;
        assert_eq!(status, 404, "{url}");
        assert!(
            body["error"] == "not_found" || body["errorCode"] == "E011005",
            "{body}"
        );
    }

    // A token anywhere but the Authorization header is ignored.
    let token = &account.session;
    for request in [
        client.get(format!("{base}/get_secret_message?access_token={token}")),
        client.get(format!("{base}/get_secret_message?token={token}")),
        client
            .get(format!("{base}/get_secret_message"))
            .header("cookie", format!("DS={token}")),
        client.post(format!("{base}/api/secret?access_token={token}")),
    ] {
        let (status, _) = call(request).await;
        assert_eq!(status, 401);
    }

    // Garbage on the wire: 400 from the HTTP layer.
    assert!(raw(&base, b"GARBAGE\r\n\r\n").contains(" 400 "));
    assert!(raw(
        &base,
        b"GET / HTTP/1.1\r\nHost: x\r\nBad\x01Header: 1\r\n\r\n"
    )
    .contains(" 400 "));

    // Still serving, and the log explains without revealing.
    let (status, _) = call(client.get(format!("{base}/healthz"))).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(200)).await; // let the log pumps catch up
    let log = server.log();
    for secret in [account.session.as_str(), &account.refresh, binary::PASSWORD] {
        assert!(!log.contains(secret), "a secret reached the log:\n{log}");
    }
    assert!(!log.contains("panicked"), "{log}");
    for reason in [
        "status=413",
        "status=405",
        "status=404",
        "code=\"E011001\"",
        "request refused",
    ] {
        assert!(
            log.contains(reason),
            "the log does not say `{reason}`:\n{log}"
        );
    }
    drop(server);
}

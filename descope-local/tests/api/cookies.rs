//! Token delivery by cookie ("manage in cookies"): the refresh token only ever travels in an
//! httpOnly cookie, which refresh, me and logout accept, and logout expires.

use descope_local::{SameSite, TokenDelivery};
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use serde_json::{json, Value};
use test_support::local::{assert_descope_error, bearer, start, start_with, Local};

const PASSWORD: &str = "correct horse battery staple";

/// `POST path` with `Bearer <projectId>` and, if given, a `Cookie` header: (status, headers,
/// body).
async fn post_with_cookie(
    local: &Local,
    path: &str,
    cookie: Option<&str>,
    body: Value,
) -> (u16, HeaderMap, Value) {
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("{}{path}", local.base))
        .header("authorization", bearer(None))
        .json(&body);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap())
}

/// The one `Set-Cookie` of an answer.
fn set_cookie(headers: &HeaderMap) -> String {
    let all: Vec<_> = headers.get_all(SET_COOKIE).iter().collect();
    assert_eq!(all.len(), 1, "{all:?}");
    all[0].to_str().unwrap().to_owned()
}

/// `name=value` of a `Set-Cookie`, as a browser sends it back.
fn sent_back(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn sign_up(local: &Local) -> (HeaderMap, Value) {
    let (status, headers, body) = post_with_cookie(
        local,
        "/v1/auth/password/signup",
        None,
        json!({"loginId": "ada@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (headers, body)
}

#[tokio::test]
async fn the_refresh_token_is_an_http_only_cookie_and_never_in_the_body() {
    let local = start_with(|config| config.token_delivery = TokenDelivery::Cookies).await;
    let (headers, body) = sign_up(&local).await;
    assert!(body.get("refreshJwt").is_none(), "{body}");
    assert!(body["sessionJwt"].is_string());
    assert_eq!(body["cookieName"], "DSR");
    let cookie = set_cookie(&headers);
    let max_age = body["cookieMaxAge"].as_i64().unwrap();
    assert!(cookie.starts_with("DSR=ey"), "{cookie}");
    assert!(
        cookie.ends_with(&format!(
            "; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict"
        )),
        "{cookie}"
    );
    let refresh = sent_back(&cookie);

    // Refresh and me take the cookie alone.
    let (status, headers, body) =
        post_with_cookie(&local, "/v1/auth/refresh", Some(&refresh), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("refreshJwt").is_none(), "{body}");
    assert!(set_cookie(&headers).starts_with("DSR=ey"));
    let me = reqwest::Client::new()
        .get(format!("{}/v1/auth/me", local.base))
        .header("authorization", bearer(None))
        .header(COOKIE, &refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<Value>().await.unwrap()["email"],
        "ada@example.com"
    );

    // Logout expires the cookie, and the token in it is dead.
    let (status, headers, body) =
        post_with_cookie(&local, "/v1/auth/logout", Some(&refresh), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        set_cookie(&headers).starts_with("DSR=; Path=/; Max-Age=0; HttpOnly"),
        "{headers:?}"
    );
    let (status, _, body) =
        post_with_cookie(&local, "/v1/auth/refresh", Some(&refresh), json!({})).await;
    assert_eq!(status, 401);
    assert_descope_error(&body, "E064001");
}

#[tokio::test]
async fn the_cookie_is_named_and_scoped_as_the_project_says() {
    let local = start_with(|config| {
        config.token_delivery = TokenDelivery::Cookies;
        config.refresh_cookie.name = "AppRefresh".into();
        config.refresh_cookie.same_site = SameSite::Lax;
        config.refresh_cookie.domain = Some("app.test".into());
        config.refresh_cookie.path = "/descope".into();
        config.public_url = Some("https://app.test".into());
    })
    .await;
    let (headers, body) = sign_up(&local).await;
    assert_eq!(body["cookieName"], "AppRefresh");
    assert_eq!(body["cookieDomain"], "app.test");
    assert_eq!(body["cookiePath"], "/descope");
    let cookie = set_cookie(&headers);
    assert!(cookie.starts_with("AppRefresh=ey"), "{cookie}");
    assert!(cookie.contains("; Path=/descope; Max-Age="), "{cookie}");
    assert!(
        cookie.ends_with("; HttpOnly; SameSite=Lax; Domain=app.test; Secure"),
        "{cookie}"
    );

    // The renamed cookie is the one read; a `DSR` cookie is not.
    let token = sent_back(&cookie).split_once('=').unwrap().1.to_owned();
    let (status, _, _) = post_with_cookie(
        &local,
        "/v1/auth/refresh",
        Some(&format!("DSR={token}")),
        json!({}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, _) = post_with_cookie(
        &local,
        "/v1/auth/refresh",
        Some(&format!("AppRefresh={token}")),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn in_body_mode_no_cookie_is_set() {
    let local = start().await;
    let (headers, body) = sign_up(&local).await;
    assert!(body["refreshJwt"].is_string());
    assert!(headers.get(SET_COOKIE).is_none(), "{headers:?}");
    let refresh = body["refreshJwt"].as_str().unwrap();
    let (_, headers, _) = local
        .post("/v1/auth/logout", Some(refresh), json!({}))
        .await;
    assert!(headers.get(SET_COOKIE).is_none(), "{headers:?}");
}

/// All the `Set-Cookie` values of an answer.
fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn two_refresh_cookies_end_the_session_and_every_one_is_expired() {
    let local = start_with(|config| config.token_delivery = TokenDelivery::Cookies).await;
    let (headers, _) = sign_up(&local).await;
    let own = sent_back(&set_cookie(&headers));
    // Another account's refresh token, planted beside Ada's (as a page on another port of
    // this host can): it is sent first, and would sign her into that account.
    let (status, headers, _) = post_with_cookie(
        &local,
        "/v1/auth/password/signup",
        None,
        json!({"loginId": "mallory@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200);
    let planted = sent_back(&set_cookie(&headers));

    let (status, headers, body) = post_with_cookie(
        &local,
        "/v1/auth/refresh",
        Some(&format!("{planted}; {own}")),
        json!({}),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert_descope_error(&body, "E061301");
    let expired = set_cookies(&headers);
    for path in ["/", "/v1", "/v1/auth", "/v1/auth/refresh"] {
        assert!(
            expired
                .iter()
                .any(|c| c.starts_with(&format!("DSR=; Path={path}; Max-Age=0;"))),
            "{path}: {expired:?}"
        );
    }
    // One cookie alone still works.
    let (status, _, _) = post_with_cookie(&local, "/v1/auth/refresh", Some(&own), json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_refused_logout_still_expires_the_cookie() {
    let local = start_with(|config| config.token_delivery = TokenDelivery::Cookies).await;
    let (status, headers, body) = post_with_cookie(
        &local,
        "/v1/auth/logout",
        Some("DSR=not-a-token"),
        json!({}),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert!(set_cookie(&headers).starts_with("DSR=; Path=/; Max-Age=0"));
}

#[tokio::test]
async fn in_body_mode_a_refresh_cookie_is_not_read() {
    let local = start().await;
    let (_, body) = sign_up(&local).await;
    let refresh = body["refreshJwt"].as_str().unwrap();
    let (status, _, _) = post_with_cookie(
        &local,
        "/v1/auth/refresh",
        Some(&format!("DSR={refresh}")),
        json!({}),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_session_token_may_come_as_a_readable_ds_cookie_too() {
    let local = start_with(|config| {
        config.token_delivery = TokenDelivery::Cookies;
        config.session_cookie = true;
    })
    .await;
    let (headers, body) = sign_up(&local).await;
    let cookies = set_cookies(&headers);
    let session = body["sessionJwt"].as_str().unwrap();
    let ds = cookies
        .iter()
        .find(|c| c.starts_with("DS="))
        .expect("a DS cookie");
    assert!(
        ds.starts_with(&format!("DS={session}; Path=/; Max-Age=")),
        "{ds}"
    );
    assert!(
        !ds.contains("HttpOnly") && ds.ends_with("; SameSite=Strict"),
        "{ds}"
    );
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("DSR=ey") && c.contains("HttpOnly")));

    let refresh = sent_back(cookies.iter().find(|c| c.starts_with("DSR=")).unwrap());
    let (_, headers, _) =
        post_with_cookie(&local, "/v1/auth/logout", Some(&refresh), json!({})).await;
    let expired = set_cookies(&headers);
    assert!(
        expired
            .iter()
            .any(|c| c.starts_with("DS=; Path=/; Max-Age=0")),
        "{expired:?}"
    );
    assert!(
        expired
            .iter()
            .any(|c| c.starts_with("DSR=; Path=/; Max-Age=0")),
        "{expired:?}"
    );
}

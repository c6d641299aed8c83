//! The session of page requests, from the `DS` cookie the browser client keeps.
//!
//! Every page request's cookie is validated like a bearer token; a valid one leaves an
//! [`app::session::PageSession`] in the request for rendering, with the user's details on
//! the pages that show them. Protected pages without a session
//! are redirected to the login page with an empty body, and the login page sends a signed-in
//! user on. The cookie decides what a page shows (the profile's details and secret included):
//! the API and server functions accept nothing but `Authorization: Bearer`, so the cookie
//! cannot be used for cross-site requests, and it is `SameSite=Strict`, so no other site's
//! page loads a signed-in page.

use app::session::{safe_next, PageSession};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use crate::startup::AppState;

/// Pages only a signed-in user may see.
const PROTECTED: &[&str] = &["/profile"];
/// Pages that show the user's details, looked up for them (`GET` only: `HEAD` shows nothing).
const DETAILED: &[&str] = &["/profile"];

/// Validates the `DS` cookie and redirects where the session decides the page.
pub async fn page_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Only rendering reads the page session; server-function calls (POST) do not.
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let cookies = request.headers().get_all(header::COOKIE);
    let token = descope::api::cookie(cookies.iter().filter_map(|v| v.to_str().ok()), "DS");
    let claims = match token {
        Some(token) => state.validator.validate(token).await.ok(),
        None => None,
    };
    let path = request.uri().path().to_owned();
    let session = match claims {
        Some(claims) => Some(PageSession {
            user_id: claims.user_id.clone(),
            details: match *request.method() == Method::GET && DETAILED.contains(&path.as_str()) {
                true => state.users.details(&claims).await,
                false => None,
            },
        }),
        None => None,
    };
    if request.method() == Method::GET {
        match (&session, path.as_str()) {
            (None, p) if PROTECTED.contains(&p) => {
                let next = request.uri().path_and_query().map_or(p, |pq| pq.as_str());
                let target = format!("/login?next={}", encode(next));
                return no_store(Redirect::to(&target).into_response());
            }
            (Some(_), "/login") => {
                let next = request
                    .uri()
                    .query()
                    .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("next=")))
                    .map(decode);
                return no_store(Redirect::to(&safe_next(next)).into_response());
            }
            _ => {}
        }
    }
    if let Some(session) = session {
        request.extensions_mut().insert(session);
    }
    // Pages differ by session: never let a cache keep one (Back after logout must not show it).
    no_store(next.run(request).await)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Percent-encodes a path for a query parameter.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Decodes a percent-encoded query value; anything malformed is kept as is.
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn next_paths_survive_the_round_trip() {
        for path in ["/profile", "/profile?tab=a b&x=1", "/ü"] {
            assert_eq!(decode(&encode(path)), path);
        }
    }
}

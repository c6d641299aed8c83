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

use std::{convert::Infallible, future::Future};

use app::session::{safe_next, PageSession};
use axum::{
    extract::Request,
    http::{header, HeaderValue, Method},
    response::{IntoResponse, Redirect, Response},
};
use tower::Service;

use crate::{
    selective::{pass, Step},
    startup::AppState,
};

/// A page only a signed-in user may see.
struct Protected {
    path: &'static str,
    /// Whether it shows the user's details, looked up for it (`GET` only: `HEAD` shows nothing).
    details: bool,
}

const PROTECTED: &[Protected] = &[Protected {
    path: "/profile",
    details: true,
}];

/// Gives page requests their [`PageSession`]; wrap routes in it with
/// [`StepLayer`](crate::selective::StepLayer). Only rendering reads the page session: other
/// requests (server-function calls are `POST`s) pass straight through.
#[derive(Clone)]
pub struct PageSessions {
    state: AppState,
}

impl PageSessions {
    /// Validates cookies with `state`'s validator and looks details up in its directory.
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

impl Step for PageSessions {
    fn applies_to(&self, request: &Request) -> bool {
        matches!(*request.method(), Method::GET | Method::HEAD)
    }

    fn run<S>(self, request: Request, route: S) -> impl Future<Output = Response> + Send + 'static
    where
        S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
        S::Future: Send,
    {
        page(self.state, request, route)
    }
}

/// Validates the `DS` cookie and redirects where the session decides the page.
async fn page<S>(state: AppState, mut request: Request, route: S) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let cookies = request.headers().get_all(header::COOKIE);
    let token = descope::api::cookie(cookies.iter().filter_map(|v| v.to_str().ok()), "DS");
    let claims = match token {
        Some(token) => state.validator.validate(token).await.ok(),
        None => None,
    };
    let path = request.uri().path().to_owned();
    let protected = PROTECTED.iter().find(|page| page.path == path);
    let session = match claims {
        Some(claims) => Some(PageSession {
            user_id: claims.user_id.clone(),
            details: match *request.method() == Method::GET && protected.is_some_and(|p| p.details)
            {
                true => state.users.details(&claims).await,
                false => None,
            },
        }),
        None => None,
    };
    if request.method() == Method::GET {
        match (&session, path.as_str()) {
            (None, p) if protected.is_some() => {
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
    no_store(pass(route, request).await)
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

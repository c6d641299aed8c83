//! A cap on request bodies, enforced before any handler reads one.
//!
//! Server functions read their bodies themselves, so axum's `DefaultBodyLimit` does not reach
//! them and an oversized body would surface as a 500 from inside the function. Buffering here
//! (bodies are small form posts) turns both a declared and a streamed oversize into a 413.
//! Requests without a body, nearly all of them, pass straight through: no buffering, no boxed
//! future.

use std::convert::Infallible;

use axum::{
    body::{Body, HttpBody},
    extract::Request,
    response::{IntoResponse, Response},
};
use http_body_util::LengthLimitError;
use tower::Service;

use crate::{
    api_error::ApiError,
    selective::{pass, Step},
};

/// The largest body the app accepts: server-function arguments are a few short fields.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Refuses bodies over [`MAX_BODY_BYTES`] with 413; requests without a body pass untouched.
/// Wrap routes in it with [`StepLayer`](crate::selective::StepLayer).
#[derive(Clone, Copy, Debug, Default)]
pub struct BodyLimit;

/// Whatever the protocol frames a body with (`Content-Length`, chunks, HTTP/2 frames), hyper
/// reports an empty body as ended, and a declared length as the lower bound of its size.
impl Step for BodyLimit {
    fn applies_to(&self, request: &Request) -> bool {
        !request.body().is_end_stream()
    }

    async fn run<S>(self, request: Request, route: S) -> Response
    where
        S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
        S::Future: Send,
    {
        if request.body().size_hint().lower() > MAX_BODY_BYTES as u64 {
            return ApiError::TooLarge.into_response();
        }
        let (parts, body) = request.into_parts();
        match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(bytes) => pass(route, Request::from_parts(parts, Body::from(bytes))).await,
            Err(e) => match e.into_inner().is::<LengthLimitError>() {
                true => ApiError::TooLarge,
                false => ApiError::UnreadableBody,
            }
            .into_response(),
        }
    }
}

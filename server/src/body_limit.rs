//! A cap on request bodies, enforced before any handler reads one.
//!
//! Server functions read their bodies themselves, so axum's `DefaultBodyLimit` does not reach
//! them and an oversized body would surface as a 500 from inside the function. Buffering here
//! (bodies are small form posts) turns both a declared and a streamed oversize into a 413.
//! Requests without a body, nearly all of them, pass straight through: no buffering, no boxed
//! future.

use std::{
    convert::Infallible,
    task::{Context, Poll},
};

use axum::{
    body::{Body, HttpBody},
    extract::Request,
    response::{IntoResponse, Response},
};
use futures_util::future::{self, BoxFuture, Either};
use http_body_util::LengthLimitError;
use tower::{Layer, Service};

use crate::api_error::ApiError;

/// The largest body the app accepts: server-function arguments are a few short fields.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The [`Layer`] that wraps routes in [`BodyLimit`].
#[derive(Clone, Copy, Debug, Default)]
pub struct BodyLimitLayer;

impl<S> Layer<S> for BodyLimitLayer {
    type Service = BodyLimit<S>;

    fn layer(&self, inner: S) -> BodyLimit<S> {
        BodyLimit { inner }
    }
}

/// Refuses bodies over [`MAX_BODY_BYTES`] with 413; requests without a body pass untouched.
#[derive(Clone, Debug)]
pub struct BodyLimit<S> {
    inner: S,
}

/// What a request's body says of itself before it is read: whatever the protocol frames it
/// with (`Content-Length`, chunks, HTTP/2 frames), hyper reports an empty body as ended and a
/// declared length as the lower bound of its size.
enum Declared {
    Empty,
    TooLarge,
    /// Small enough by its declared length, or of no declared length: read it to be sure.
    Unknown,
}

fn declared(body: &Body) -> Declared {
    if body.is_end_stream() {
        Declared::Empty
    } else if body.size_hint().lower() > MAX_BODY_BYTES as u64 {
        Declared::TooLarge
    } else {
        Declared::Unknown
    }
}

impl<S> Service<Request> for BodyLimit<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match declared(request.body()) {
            Declared::Empty => Either::Left(self.inner.call(request)),
            Declared::TooLarge => Either::Right(Box::pin(future::ready(Ok(
                ApiError::TooLarge.into_response()
            )))),
            Declared::Unknown => {
                // The service that was made ready goes with the request; a clone stays.
                let ready = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, ready);
                Either::Right(Box::pin(async move {
                    let (parts, body) = request.into_parts();
                    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
                        Ok(bytes) => {
                            inner
                                .call(Request::from_parts(parts, Body::from(bytes)))
                                .await
                        }
                        Err(e) => Ok(match e.into_inner().is::<LengthLimitError>() {
                            true => ApiError::TooLarge,
                            false => ApiError::UnreadableBody,
                        }
                        .into_response()),
                    }
                }))
            }
        }
    }
}

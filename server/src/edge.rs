//! What every request goes through on its way in and out, as one layer: its log span, the
//! security headers of every answer, and an error line for each 5xx.
//!
//! One hand-written layer with an unboxed future, instead of a trace layer, three header
//! layers and a middleware function: each of those boxed or cloned per request, and `/healthz`
//! was a quarter slower than a bare axum server (BENCHMARKS.md).

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    task::{ready, Context, Poll},
    time::Instant,
};

use axum::{
    extract::Request,
    http::{header, HeaderValue},
    response::Response,
};
use pin_project_lite::pin_project;
use tower::{Layer, Service};
use tracing::Span;

/// The [`Layer`] that wraps every route in [`Edge`].
#[derive(Clone, Copy, Debug, Default)]
pub struct EdgeLayer;

impl<S> Layer<S> for EdgeLayer {
    type Service = Edge<S>;

    fn layer(&self, inner: S) -> Edge<S> {
        Edge { inner }
    }
}

/// See the [module documentation](self).
#[derive(Clone, Debug)]
pub struct Edge<S> {
    inner: S,
}

impl<S> Service<Request> for Edge<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = EdgeFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // Method and path only: a client may (wrongly) put a token in the query string, and
        // tokens never go to the logs.
        let span = tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.uri().path()
        );
        let https = forwarded_https(&request);
        let started = Instant::now();
        let answer = span.in_scope(|| self.inner.call(request));
        EdgeFuture {
            answer,
            span,
            https,
            started,
        }
    }
}

pin_project! {
    /// The inner service's answer, polled inside the request's span and finished on its way
    /// out (no boxing: this wraps every request).
    pub struct EdgeFuture<F> {
        #[pin]
        answer: F,
        span: Span,
        https: bool,
        started: Instant,
    }
}

impl<F> Future for EdgeFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _in_span = this.span.enter();
        let mut response = ready!(this.answer.poll(cx))?;
        secure(&mut response, *this.https);
        let status = response.status();
        if status.is_server_error() {
            tracing::error!(
                status = status.as_u16(),
                latency_ms = this.started.elapsed().as_millis() as u64,
                "response failed"
            );
        }
        Poll::Ready(Ok(response))
    }
}

/// Whether the request reached the app over https: the server speaks plain HTTP behind a
/// TLS-terminating proxy, which says so in `X-Forwarded-Proto`.
fn forwarded_https(request: &Request) -> bool {
    request
        .headers()
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// The headers of every answer. `Strict-Transport-Security` only over https: browsers ignore
/// it over plain http, so a spoofed `X-Forwarded-Proto` changes nothing.
fn secure(response: &mut Response, https: bool) {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}

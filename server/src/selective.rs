//! Middleware that only some requests need, as a tower layer: the requests a [`Step`] does not
//! apply to go straight to the route, with no boxed future and no clone of the route. axum's
//! `middleware::from_fn` boxes and clones for every request, and `Router::layer` puts a
//! middleware on every route it wraps.

use std::{
    convert::Infallible,
    future::Future,
    task::{Context, Poll},
};

use axum::{extract::Request, response::Response};
use futures_util::future::{BoxFuture, Either};
use tower::{Layer, Service};

/// What a [`StepLayer`] runs, for the requests it applies to.
pub trait Step: Clone + Send + Sync + 'static {
    /// Whether `request` needs [`Step::run`]; the others go straight to the route.
    fn applies_to(&self, request: &Request) -> bool;

    /// Answers `request`, passing it on to `route` (made ready) when it should go on.
    fn run<S>(self, request: Request, route: S) -> impl Future<Output = Response> + Send + 'static
    where
        S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
        S::Future: Send;
}

/// The [`Layer`] that wraps routes in a [`Step`].
#[derive(Clone, Debug)]
pub struct StepLayer<T>(pub T);

impl<T: Clone, S> Layer<S> for StepLayer<T> {
    type Service = Stepped<T, S>;

    fn layer(&self, route: S) -> Stepped<T, S> {
        Stepped {
            step: self.0.clone(),
            route,
        }
    }
}

/// A route behind a [`Step`].
#[derive(Clone, Debug)]
pub struct Stepped<T, S> {
    step: T,
    route: S,
}

impl<T, S> Service<Request> for Stepped<T, S>
where
    T: Step,
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.route.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if !self.step.applies_to(&request) {
            return Either::Left(self.route.call(request));
        }
        // The route that was made ready goes with the request; a clone stays.
        let ready = self.route.clone();
        let route = std::mem::replace(&mut self.route, ready);
        let answer = self.step.clone().run(request, route);
        Either::Right(Box::pin(async move { Ok(answer.await) }))
    }
}

/// Passes `request` on to `route` and answers what it answers.
pub async fn pass<S>(mut route: S, request: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    match route.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

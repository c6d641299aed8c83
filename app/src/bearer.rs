//! A server-function client that sends the stored session token as `Authorization: Bearer`.
//!
//! Server functions authenticate by this header only, never by cookie, which keeps them out of
//! reach of cross-site request forgery.

use std::future::Future;

use leptos::server_fn::{
    client::{browser::BrowserClient, Client},
    error::FromServerFnError,
    request::browser::BrowserRequest,
    response::browser::BrowserResponse,
    Bytes,
};

/// [`BrowserClient`] plus the bearer token.
pub struct BearerClient;

impl<E: FromServerFnError> Client<E> for BearerClient {
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        if let Some(token) = crate::session::browser::session_token() {
            req.headers()
                .set("Authorization", &format!("Bearer {token}"));
        }
        <BrowserClient as Client<E>>::send(req)
    }

    #[allow(clippy::type_complexity)]
    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl futures::Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E>>::spawn(future)
    }
}

//! The protected secret message, as a server function: the profile's "Ask the server again"
//! calls it with the session token (the page itself arrives with the secret already in it).

use leptos::{
    prelude::*,
    server_fn::{
        codec::JsonEncoding,
        error::{FromServerFnError, ServerFnErrorErr},
    },
};
use serde::{Deserialize, Serialize};

/// What a valid session unlocks (the text of Descope's Flask sample).
pub const SECRET_MESSAGE: &str = "This is the secret message. Congrats!";

/// Why the secret was not given, in terms the UI can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SecretError {
    /// No session token, or one that is not valid: sign in again.
    #[error("Please sign in to see the secret message.")]
    Unauthenticated,
    /// The session token expired: refresh it and retry.
    #[error("Your session has expired.")]
    Expired,
    /// The server cannot check tokens right now: keep the session and retry later.
    #[error("The server cannot verify sessions right now; try again in {retry_after_secs} s.")]
    Unavailable {
        /// When to try again.
        retry_after_secs: u64,
    },
    /// The call itself failed (network, encoding…).
    #[error("The request failed: {0}")]
    Request(String),
}

impl FromServerFnError for SecretError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value.to_string())
    }
}

/// Returns [`SECRET_MESSAGE`] to a request whose `Authorization: Bearer` header holds a valid
/// session token. The token is read from the header, never from a cookie, so a cross-site
/// request cannot spend a victim's session here.
#[server(prefix = "/api", endpoint = "secret")]
pub async fn get_secret_message() -> Result<String, SecretError> {
    use descope::{extract::bearer_token, session::ValidationError, session::Validator};
    use http::{header, request::Parts, HeaderValue, StatusCode};

    // The token alone is copied out of the request: cloning all of `Parts` costs more.
    let token = with_context::<Parts, _>(|parts| bearer_token(parts).map(str::to_owned));
    let (Some(token), Some(validator)) = (token, use_context::<Validator>()) else {
        return Err(SecretError::Request(
            "the server is missing its validator".into(),
        ));
    };
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let result = match token {
        Ok(token) => validator.validate(&token).await.map_err(|e| {
            tracing::info!(reason = %e, "secret server function refused a token");
            match e {
                ValidationError::Expired => SecretError::Expired,
                ValidationError::KeysUnavailable { retry_after } => SecretError::Unavailable {
                    retry_after_secs: retry_after.as_secs().max(1),
                },
                _ => SecretError::Unauthenticated,
            }
        }),
        Err(e) => {
            tracing::info!(reason = %e, "secret server function refused a request");
            Err(SecretError::Unauthenticated)
        }
    };
    match result {
        Ok(_claims) => Ok(SECRET_MESSAGE.to_owned()),
        Err(error) => {
            if let SecretError::Unavailable { retry_after_secs } = &error {
                response.set_status(StatusCode::SERVICE_UNAVAILABLE);
                response.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            } else {
                response.set_status(StatusCode::UNAUTHORIZED);
            }
            Err(error)
        }
    }
}

/// Calls [`get_secret_message`] from the browser with `token` as `Authorization: Bearer`: the
/// server function's endpoint and JSON encoding over the SDK's `fetch`, instead of Leptos's
/// generic server-function client, which would add about 12 KB (brotli) to the WASM for this
/// one call.
#[cfg(feature = "hydrate")]
pub async fn ask(token: Option<&str>) -> Result<String, SecretError> {
    use leptos::server_fn::ServerFn;
    let answer = descope::browser::fetch("POST", GetSecretMessage::PATH, token, None)
        .await
        .map_err(|e| SecretError::Request(e.to_string()))?;
    decode_answer(answer.ok(), &answer.body)
}

/// Reads an answer of [`get_secret_message`]'s endpoint as its JSON encoding wrote it: the
/// message on success, else the [`SecretError`]. The server's tests read the real endpoint's
/// answers with it, so [`ask`] cannot drift from what the function sends.
pub fn decode_answer(success: bool, body: &str) -> Result<String, SecretError> {
    let decoded = match success {
        true => serde_json::from_str::<String>(body).map(Ok),
        false => serde_json::from_str::<SecretError>(body).map(Err),
    };
    decoded.unwrap_or_else(|e| Err(SecretError::Request(format!("unexpected answer: {e}"))))
}

//! Magic links by email: sign-up-or-in (and sign-in, sign-up) and verify. The link points at
//! the app's `URI` with the token in `t`, as Descope's do.

use axum::{extract::State, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    normalise_login,
    otp::{mask_email, Audience},
    password::UserDetails,
    required, ApiJson, Caller,
};
use crate::{
    error::ApiError,
    inbox::Message,
    store,
    tokens::{now, token_hash},
    LocalDescope,
};

pub(super) fn router() -> Router<LocalDescope> {
    Router::new()
        .route("/v1/auth/magiclink/signup-in/email", post(signup_in))
        .route("/v1/auth/magiclink/signin/email", post(signin))
        .route("/v1/auth/magiclink/signup/email", post(signup))
        .route("/v1/auth/magiclink/verify", post(verify))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Start {
    login_id: Option<String>,
    #[serde(rename = "URI")]
    uri: Option<String>,
    #[serde(default)]
    user: Option<UserDetails>,
}

async fn signup_in(
    State(l): State<LocalDescope>,
    c: Caller,
    ApiJson(b): ApiJson<Start>,
) -> Result<Json<Value>, ApiError> {
    l.send_link(b, c, Audience::Anyone).await
}

async fn signin(
    State(l): State<LocalDescope>,
    c: Caller,
    ApiJson(b): ApiJson<Start>,
) -> Result<Json<Value>, ApiError> {
    l.send_link(b, c, Audience::ExistingUsers).await
}

async fn signup(
    State(l): State<LocalDescope>,
    c: Caller,
    ApiJson(b): ApiJson<Start>,
) -> Result<Json<Value>, ApiError> {
    l.send_link(b, c, Audience::NewUsers).await
}

#[derive(Deserialize)]
struct Verify {
    token: Option<String>,
}

async fn verify(
    State(local): State<LocalDescope>,
    _caller: Caller,
    ApiJson(body): ApiJson<Verify>,
) -> Result<Json<Value>, ApiError> {
    let hash = token_hash(required(&body.token, "token")?);
    let pending = local
        .inner
        .store
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let pending =
                store::live_code_by_hash(&tx, &hash, now())?.ok_or(ApiError::CodeExhausted)?;
            store::consume_code(&tx, pending.id)?;
            tx.commit()?;
            Ok(pending)
        })
        .await?;
    local.email_login(pending).await.map(Json)
}

impl LocalDescope {
    async fn send_link(
        &self,
        body: Start,
        caller: Caller,
        audience: Audience,
    ) -> Result<Json<Value>, ApiError> {
        let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
        let uri = required(&body.uri, "URI")?.to_owned();
        if !(uri.starts_with("http://") || uri.starts_with("https://")) {
            return Err(ApiError::Validation("URI must be an http(s) URL.".into()));
        }
        self.inner.limits.check(&login_id, caller.address)?;
        let token = crate::keys::random_id(40);
        let name = body.user.and_then(|u| u.name).unwrap_or_default();
        if self
            .store_code(&login_id, "magiclink", token_hash(&token), name, audience)
            .await?
        {
            let separator = if uri.contains('?') { '&' } else { '?' };
            self.inner.inbox.deliver(Message {
                to: login_id.clone(),
                kind: "magiclink",
                code: None,
                link: Some(format!("{uri}{separator}t={token}")),
                sent_at: now(),
            });
        }
        Ok(Json(json!({ "maskedEmail": mask_email(&login_id) })))
    }
}

//! Magic links by email: sign-up-or-in (and sign-in, sign-up) and verify. The link points at
//! the app's `URI` with the token in `t`, as Descope's do; the `URI` must be on an approved
//! origin, as Descope refuses unapproved redirect domains, so a link cannot carry a token to
//! someone else's site.

use axum::{extract::State, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{normalise_login, otp::Audience, password::UserDetails, required, ApiJson, Caller};
use crate::{
    config::origin,
    error::ApiError,
    inbox::{mask_email, Message},
    network,
    store::{self, CodeKind},
    tokens::{now, token_hash},
    Config, LocalDescope,
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
    caller: Caller,
    ApiJson(body): ApiJson<Verify>,
) -> Result<Json<Value>, ApiError> {
    let hash = link_hash(required(&body.token, "token")?);
    let guess = local.inner.limits.guess(None, caller.address)?;
    let pending = local
        .inner
        .store
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let pending = store::live_code_by_hash(&tx, CodeKind::MagicLink, &hash, now())?
                .ok_or(ApiError::CodeExhausted)?;
            store::consume_code(&tx, pending.id)?;
            tx.commit()?;
            Ok(pending)
        })
        .await?;
    guess.succeeded();
    local.email_login(pending).await.map(Json)
}

/// `uri` with the token added to its query as `t`, as Descope's links carry it; serialised
/// from the parsed URL, so the link is the URL whose origin was approved.
fn link(uri: &str, token: &str) -> Result<String, ApiError> {
    let mut url =
        url::Url::parse(uri).map_err(|_| ApiError::Validation("URI is not a URL.".into()))?;
    url.query_pairs_mut().append_pair("t", token);
    Ok(url.into())
}

/// The stored form of a link token, apart from every code's.
fn link_hash(token: &str) -> String {
    token_hash(&format!("magiclink\0{token}"))
}

/// Whether a magic link may point at `uri`: an http(s) URL on one of the configured redirect
/// origins, or on a loopback origin when none are configured.
fn redirect_allowed(uri: &str, config: &Config) -> bool {
    let Some(wanted) = origin(uri) else {
        return false;
    };
    if config.redirect_origins.is_empty() {
        return network::host_of(&wanted).is_some_and(|host| network::is_loopback_name(&host));
    }
    config
        .redirect_origins
        .iter()
        .any(|approved| origin(approved).as_deref() == Some(&*wanted))
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
        if !redirect_allowed(&uri, &self.inner.config) {
            return Err(ApiError::Validation(
                "The URI is not on an approved redirect origin (DESCOPE_LOCAL_REDIRECT_ORIGINS)."
                    .into(),
            ));
        }
        self.inner.limits.sign_up(caller.address)?;
        let token = crate::keys::random_id(40);
        let name = body.user.and_then(|u| u.name).unwrap_or_default();
        if self
            .store_code(
                &login_id,
                CodeKind::MagicLink,
                link_hash(&token),
                name,
                audience,
            )
            .await?
        {
            self.inner.inbox.deliver(Message {
                to: login_id.clone(),
                kind: CodeKind::MagicLink.as_str(),
                code: None,
                link: Some(link(&uri, &token)?),
                sent_at: now(),
            });
        }
        Ok(Json(json!({ "maskedEmail": mask_email(&login_id) })))
    }
}

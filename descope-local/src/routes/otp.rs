//! One-time codes by email: sign-up-or-in, sign-up, sign-in and verify.
//!
//! Codes are 6 digits from the system CSPRNG, stored as a hash bound to the login ID, usable
//! once, for 10 minutes and at most 5 wrong tries. Starting answers the same whether or not the
//! user exists (except sign-up, which must say the user exists).

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use axum::{extract::State, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{normalise_login, password::UserDetails, required, ApiJson, Caller};
use crate::{
    error::ApiError,
    inbox::{mask_email, Message},
    keys::random_id,
    limits::Secret,
    store::{self, CodeKind},
    tokens::{now, token_hash},
    LocalDescope,
};

/// How long a code lives, in seconds.
pub(crate) const CODE_TTL: i64 = 600;
/// Wrong tries after which a code is dead.
pub(crate) const MAX_ATTEMPTS: i64 = 5;

pub(super) fn router() -> Router<LocalDescope> {
    Router::new()
        .route("/v1/auth/otp/signup-in/email", post(signup_in))
        .route("/v1/auth/otp/signup/email", post(signup))
        .route("/v1/auth/otp/signin/email", post(signin))
        .route("/v1/auth/otp/verify/email", post(verify))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Start {
    login_id: Option<String>,
    #[serde(default)]
    user: Option<UserDetails>,
}

/// Which users a start may send a code to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Audience {
    Anyone,
    NewUsers,
    ExistingUsers,
}

async fn signup_in(
    State(l): State<LocalDescope>,
    c: Caller,
    ApiJson(b): ApiJson<Start>,
) -> Result<Json<Value>, ApiError> {
    l.send_code(b, c, Audience::Anyone).await
}

async fn signup(
    State(l): State<LocalDescope>,
    c: Caller,
    ApiJson(b): ApiJson<Start>,
) -> Result<Json<Value>, ApiError> {
    l.send_code(b, c, Audience::NewUsers).await
}

async fn signin(
    State(l): State<LocalDescope>,
    c: Caller,
    ApiJson(b): ApiJson<Start>,
) -> Result<Json<Value>, ApiError> {
    l.send_code(b, c, Audience::ExistingUsers).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Verify {
    login_id: Option<String>,
    code: Option<String>,
}

async fn verify(
    State(local): State<LocalDescope>,
    caller: Caller,
    ApiJson(body): ApiJson<Verify>,
) -> Result<Json<Value>, ApiError> {
    let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
    let code = required(&body.code, "code")?.to_owned();
    let guess = local
        .inner
        .limits
        .guess(Some((Secret::Code, &login_id)), caller.address)?;
    let presented = code_hash(&login_id, &code);
    let pending = local
        .inner
        .store
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let Some(pending) = store::live_code(&tx, &login_id, CodeKind::Otp, now())? else {
                return Ok(Err(ApiError::CodeExhausted));
            };
            let matches = aws_lc_rs::constant_time::verify_slices_are_equal(
                pending.hash.as_bytes(),
                presented.as_bytes(),
            )
            .is_ok();
            if matches {
                store::consume_code(&tx, pending.id)?;
            } else {
                store::code_failed(&tx, pending.id, MAX_ATTEMPTS)?;
            }
            tx.commit()?;
            Ok(if matches {
                Ok(pending)
            } else if pending.attempts + 1 >= MAX_ATTEMPTS {
                Err(ApiError::CodeExhausted)
            } else {
                Err(ApiError::WrongCode)
            })
        })
        .await??;
    guess.succeeded();
    local.email_login(pending).await.map(Json)
}

/// The stored form of a code: bound to its kind and login ID, so it is useless as a link token
/// or for anyone else.
fn code_hash(login_id: &str, code: &str) -> String {
    token_hash(&format!("otp\0{login_id}\0{code}"))
}

fn six_digits() -> String {
    let rng = SystemRandom::new();
    loop {
        let mut bytes = [0u8; 4];
        rng.fill(&mut bytes).expect("the system CSPRNG works");
        let n = u32::from_be_bytes(bytes);
        // 4,294,000,000 is a multiple of 1,000,000: rejecting above it keeps codes uniform.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

impl LocalDescope {
    async fn send_code(
        &self,
        body: Start,
        caller: Caller,
        audience: Audience,
    ) -> Result<Json<Value>, ApiError> {
        let login_id = normalise_login(required(&body.login_id, "loginId")?)?;
        let name = body.user.and_then(|u| u.name).unwrap_or_default();
        self.inner.limits.sign_up(caller.address)?;
        let code = six_digits();
        let hash = code_hash(&login_id, &code);
        if self
            .store_code(&login_id, CodeKind::Otp, hash, name, audience)
            .await?
        {
            self.inner.inbox.deliver(Message {
                to: login_id.clone(),
                kind: CodeKind::Otp.as_str(),
                code: Some(code),
                link: None,
                sent_at: now(),
            });
        }
        Ok(Json(json!({ "maskedEmail": mask_email(&login_id) })))
    }

    /// Stores a code if `audience` allows it for `login_id`; tells whether it may be sent.
    ///
    /// A sign-in for an unknown user stores a code no one knows instead, so that it does the
    /// same work and answers the same as for a known one: nothing tells them apart.
    pub(super) async fn store_code(
        &self,
        login_id: &str,
        kind: CodeKind,
        hash: String,
        name: String,
        audience: Audience,
    ) -> Result<bool, ApiError> {
        let login = login_id.to_owned();
        self.inner
            .store
            .call(move |conn| {
                let exists = store::user_by_login(conn, &login)?.is_some();
                let (hash, send) = match (audience, exists) {
                    (Audience::NewUsers, true) => return Err(ApiError::UserExists),
                    (Audience::ExistingUsers, false) => (token_hash(&random_id(43)), false),
                    _ => (hash, true),
                };
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                store::insert_code(&tx, &login, kind, &hash, name.trim(), now() + CODE_TTL)?;
                tx.commit()?;
                Ok(send)
            })
            .await
    }

    /// Signs in (creating on first use) the owner of a verified email address.
    ///
    /// The first proof of an address that an account was created for without one (a password
    /// sign-up) claims the account for the address's owner: a password set before, possibly
    /// by someone else waiting for the owner to arrive, is dropped with every session.
    pub(super) async fn email_login(&self, pending: store::PendingCode) -> Result<Value, ApiError> {
        let (user, first_seen) = self
            .inner
            .store
            .call(move |conn| {
                if let Some((user, _)) = store::user_by_login(conn, &pending.login_id)? {
                    if !user.verified_email {
                        let tx = conn
                            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                        store::claim_for_verified_owner(&tx, &user.id)?;
                        tx.commit()?;
                    }
                    let user =
                        store::user_by_id(conn, &user.id)?.ok_or(ApiError::InvalidCredentials)?;
                    return Ok((user, false));
                }
                let user = store::insert_user(
                    conn,
                    &store::NewUser {
                        login_id: &pending.login_id,
                        name: &pending.name,
                        password_hash: None,
                        roles: &json!([]),
                        tenants: &json!({}),
                        verified_email: true,
                    },
                )?;
                Ok((user, true))
            })
            .await?;
        self.sign_in(user, vec!["email".into()], first_seen).await
    }
}

//! `/_dev/clock`: the server's clock, read and moved by a developer's tests, so that expiry and
//! refresh can be tried without waiting. For clients on this machine only, and not mounted at
//! all when other machines may reach the server (see `http::router`).
//!
//! - `GET /_dev/clock` answers `{"now": <unix seconds>, "offsetSeconds": N}`.
//! - `POST /_dev/clock` with `{"advanceSeconds": N}` moves the clock N seconds forward, and
//!   with `{"reset": true}` back to real time; both answer as `GET` does.
//!
//! Going back does not undo what happened ahead: a token issued then is refused as issued in
//! the future once it is seen fresh, and stored expiries keep the times they were given.
//!
//! A page of another site cannot move the clock: the body must be `application/json`, which a
//! browser sends cross-site only after a CORS preflight that only the allowed origins pass (the
//! app's own, by default). Who counts as local is the inbox's rule (`network::is_local_client`).

use axum::{extract::State, routing::get, Json, Router};
use serde::{Deserialize, Serialize};

use super::{
    error::HttpError,
    extract::{ApiJson, LocalClient, Shared},
};
use crate::support::clock::Clock;

/// The furthest the clock may be from real time: a hundred years, past any token's or code's
/// life, and far from any overflow.
const MAX_OFFSET_SECONDS: i64 = 100 * 365 * 24 * 60 * 60;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClockState {
    now: i64,
    offset_seconds: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockChange {
    advance_seconds: Option<i64>,
    #[serde(default)]
    reset: bool,
}

pub(super) fn router() -> Router<Shared> {
    Router::new().route("/_dev/clock", get(read).post(change))
}

fn answer(clock: &Clock) -> Json<ClockState> {
    Json(ClockState {
        now: clock.now(),
        offset_seconds: clock.offset(),
    })
}

async fn read(_: LocalClient, State(api): State<Shared>) -> Json<ClockState> {
    answer(&api.services.clock)
}

async fn change(
    _: LocalClient,
    State(api): State<Shared>,
    ApiJson(change): ApiJson<ClockChange>,
) -> Result<Json<ClockState>, HttpError> {
    let clock = &api.services.clock;
    match (change.advance_seconds, change.reset) {
        (Some(seconds), false)
            if seconds > 0 && clock.advance_within(seconds, MAX_OFFSET_SECONDS) =>
        {
            tracing::info!(seconds, offset = clock.offset(), "clock advanced");
        }
        (None, true) => {
            clock.reset();
            tracing::info!("clock back to real time");
        }
        _ => {
            return Err(HttpError::BadRequest(format!(
                "send {{\"advanceSeconds\": N}} with N > 0 (the clock goes at most \
                 {MAX_OFFSET_SECONDS} s ahead), or {{\"reset\": true}}"
            )))
        }
    }
    Ok(answer(clock))
}

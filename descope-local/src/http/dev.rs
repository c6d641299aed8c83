//! `/_dev/…`: what a developer's tests steer the server with. For clients on this machine
//! only, and not mounted at all when other machines may reach the server (see `http::router`).
//!
//! The clock, so that expiry and refresh can be tried without waiting:
//! - `GET /_dev/clock` answers `{"now": <unix seconds>, "offsetSeconds": N}`.
//! - `POST /_dev/clock` with `{"advanceSeconds": N}` moves the clock N seconds forward, and
//!   with `{"reset": true}` back to real time; both answer as `GET` does.
//!
//! Going back does not undo what happened ahead: a token issued then is refused as issued in
//! the future once it is seen fresh, and stored expiries keep the times they were given.
//!
//! Faults (`faults`), so that an app can be watched coping with a failing identity service:
//! - `POST /_dev/faults` with `{"target": "refresh", "status": 503, "times": 2}` or
//!   `{"target": "me", "delayMs": 3000, "seconds": 10}`: the next `times` requests of that
//!   endpoint family (1 when neither is given), or those of the next `seconds`, answer that
//!   status (500, 503 or 429) or hang that long first.
//! - A fault waits until it is used up, its window ends or it is cleared; of several armed for
//!   one family, the first armed serves first. At most `MAX_FAULTS` wait at once.
//! - `GET /_dev/faults` lists the faults still waiting; `DELETE /_dev/faults` removes them all
//!   and ends the delays already running.
//!
//! A page of another site cannot call these: a body must be `application/json`, which a
//! browser sends cross-site only after a CORS preflight that only the allowed origins pass (the
//! app's own, by default), and the preflight grants no `DELETE`. Who counts as local is the
//! inbox's rule (`network::is_local_client`).

use std::time::{Duration, Instant};

use axum::{extract::State, http::StatusCode, routing::get, Json, Router};
use serde::{Deserialize, Serialize};

use super::{
    error::HttpError,
    extract::{ApiJson, LocalClient, Shared},
    faults::{Effect, Fault, Lasts, Target, MAX_FAULTS},
};
use crate::support::clock::Clock;

/// The furthest the clock may be from real time: a hundred years, past any token's or code's
/// life, and far from any overflow.
pub(super) const MAX_OFFSET_SECONDS: i64 = 100 * 365 * 24 * 60 * 60;

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
    Router::new()
        .route("/_dev/clock", get(read).post(change))
        .route(
            "/_dev/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
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

/// The longest an injected delay may be: past any client's timeout, short of a stuck test.
const MAX_DELAY_MS: u64 = 60_000;
/// The most requests, and the longest window, one fault may last.
const MAX_TIMES: u32 = 1_000;
const MAX_SECONDS: u64 = 3_600;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultRequest {
    target: Target,
    status: Option<u16>,
    delay_ms: Option<u64>,
    times: Option<u32>,
    seconds: Option<u64>,
}

impl FaultRequest {
    fn fault(self) -> Result<Fault, String> {
        let effect = match (self.status, self.delay_ms) {
            (Some(status @ (500 | 503 | 429)), None) => {
                Effect::Status(StatusCode::from_u16(status).expect("a listed status"))
            }
            (None, Some(ms @ 1..=MAX_DELAY_MS)) => Effect::Delay(Duration::from_millis(ms)),
            _ => {
                return Err(format!(
                    "give \"status\" (500, 503 or 429) or \"delayMs\" (1 to {MAX_DELAY_MS})"
                ))
            }
        };
        let lasts = match (self.times, self.seconds) {
            (None, None) => Lasts::Times(1),
            (Some(n @ 1..=MAX_TIMES), None) => Lasts::Times(n),
            (None, Some(s @ 1..=MAX_SECONDS)) => {
                Lasts::Until(Instant::now() + Duration::from_secs(s))
            }
            _ => {
                return Err(format!(
                    "give \"times\" (1 to {MAX_TIMES}) or \"seconds\" (1 to {MAX_SECONDS}), \
                     not both"
                ))
            }
        };
        Ok(Fault {
            target: self.target,
            effect,
            lasts,
        })
    }
}

/// A waiting fault as the API shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FaultView {
    target: Target,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    times: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds_left: Option<u64>,
}

impl From<Fault> for FaultView {
    fn from(fault: Fault) -> Self {
        let (status, delay_ms) = match fault.effect {
            Effect::Status(s) => (Some(s.as_u16()), None),
            Effect::Delay(d) => (None, Some(d.as_millis() as u64)),
        };
        let times = match fault.lasts {
            Lasts::Times(n) => Some(n),
            Lasts::Until(_) => None,
        };
        let seconds_left = fault.seconds_left(Instant::now());
        Self {
            target: fault.target,
            status,
            delay_ms,
            times,
            seconds_left,
        }
    }
}

#[derive(Serialize)]
struct FaultList {
    faults: Vec<FaultView>,
}

fn fault_list(api: &Shared) -> Json<FaultList> {
    Json(FaultList {
        faults: api.faults.list().into_iter().map(FaultView::from).collect(),
    })
}

async fn list_faults(_: LocalClient, State(api): State<Shared>) -> Json<FaultList> {
    fault_list(&api)
}

async fn add_fault(
    _: LocalClient,
    State(api): State<Shared>,
    ApiJson(request): ApiJson<FaultRequest>,
) -> Result<Json<FaultList>, HttpError> {
    let fault = request.fault().map_err(HttpError::BadRequest)?;
    if !api.faults.add(fault) {
        return Err(HttpError::BadRequest(format!(
            "{MAX_FAULTS} faults are waiting already; DELETE /_dev/faults to start again"
        )));
    }
    tracing::info!(?fault, "fault armed");
    Ok(fault_list(&api))
}

#[derive(Serialize)]
struct Cleared {
    cleared: usize,
}

async fn clear_faults(_: LocalClient, State(api): State<Shared>) -> Json<Cleared> {
    let cleared = api.faults.clear();
    tracing::info!(cleared, "faults cleared");
    Json(Cleared { cleared })
}

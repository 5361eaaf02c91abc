//! The sandbox's own controls, for tests and demos: the clock, fault rules, counts. Bearer feed token.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::Duration;
use koodesk_domain::time;
use serde::{Deserialize, Serialize};

use super::{json, without_feed_token, AppState};
use crate::faults::FaultRule;

fn bad(message: String) -> Response {
    json(StatusCode::BAD_REQUEST, &serde_json::json!({"code": "invalid", "message": message}))
}

#[derive(Serialize)]
struct ClockView {
    now: String,
    speed: f64,
}

fn view(state: &AppState) -> ClockView {
    ClockView { now: time::format_rfc3339(&state.clock.now()), speed: state.clock.speed() }
}

pub async fn clock(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    json(StatusCode::OK, &view(&state))
}

#[derive(Deserialize)]
pub struct ClockChange {
    set: Option<String>,
    advance_seconds: Option<i64>,
    speed: Option<f64>,
}

pub async fn set_clock(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<ClockChange>, JsonRejection>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let Json(c) = match body {
        Ok(b) => b,
        Err(e) => return bad(format!("the request body: {}", e.body_text())),
    };
    if let Some(s) = &c.set {
        let t = match time::parse_datetime(s) {
            Ok(t) => t,
            Err(e) => return bad(format!("set: {e}")),
        };
        if let Err(e) = state.clock.set(t) {
            return bad(format!("set: {e}"));
        }
    }
    if let Some(secs) = c.advance_seconds {
        if let Err(e) = state.clock.advance(Duration::seconds(secs)) {
            return bad(format!("advance_seconds: {e}"));
        }
    }
    if let Some(speed) = c.speed {
        if let Err(e) = state.clock.set_speed(speed) {
            return bad(format!("speed: {e}"));
        }
    }
    // Bring the world to the new time now, so the reply reflects it.
    drop(state.world());
    json(StatusCode::OK, &view(&state))
}

pub async fn faults(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    json(StatusCode::OK, &state.faults.list())
}

pub async fn add_fault(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<FaultRule>, JsonRejection>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    match body {
        Ok(Json(rule)) => {
            state.faults.add(rule);
            json(StatusCode::OK, &state.faults.list())
        }
        Err(e) => bad(format!("a fault rule is {{route, kind, ms|status, count}}: {}", e.body_text())),
    }
}

pub async fn clear_faults(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    state.faults.clear();
    json(StatusCode::OK, &state.faults.list())
}

pub async fn stats(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let stats = state.world().stats();
    let usage = state.usage.lock().map(|u| u.len()).unwrap_or(0);
    json(StatusCode::OK, &serde_json::json!({"world": stats, "usage_records": usage}))
}

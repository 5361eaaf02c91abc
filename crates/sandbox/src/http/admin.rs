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
use crate::caller::{self, CallRecord, Caller};
use crate::faults::FaultRule;
use crate::world::{OrderRequest, WorldError};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_protocol::open_api::OrderType;
use koodesk_protocol::production::ProductionRequest;
use koodesk_protocol::secret::Secret;

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
    // Bring the world to the new time now, so the reply reflects it, and let calls now due go out.
    drop(state.world());
    state.live_calls_wake.notify_one();
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

/// One production-interface delivery: the request, every attempt so far, and how it ended.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub id: u64,
    pub activity: &'static str,
    pub url: String,
    pub attempts: Vec<CallRecord>,
    pub done: bool,
    /// `succeeded`, `processing` (000004: KooGallery polls queryInstance), `failed`, or `running`.
    pub outcome: &'static str,
}

#[derive(Deserialize)]
pub struct DeliveryRequest {
    url: String,
    /// The production-interface key; the sandbox's interface key if absent.
    key: Option<String>,
    request: ProductionRequest,
}

pub async fn start_delivery(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<DeliveryRequest>, JsonRejection>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let Json(d) = match body {
        Ok(b) => b,
        Err(e) => return bad(format!("the body is {{url, key?, request}}: {}", e.body_text())),
    };
    if let Err(e) = d.request.validate() {
        return bad(format!("request: {e}"));
    }
    let key = d.key.map(Secret::new).unwrap_or_else(|| state.cfg.interface_key.clone());
    let caller = match Caller::new(&d.url, key) {
        Ok(c) => c,
        Err(e) => return bad(format!("url: {e}")),
    };
    let Ok(mut list) = state.deliveries.lock() else {
        return bad("try again".into());
    };
    let id = list.len() as u64 + 1;
    list.push(Delivery {
        id,
        activity: d.request.activity(),
        url: d.url.clone(),
        attempts: Vec::new(),
        done: false,
        outcome: "running",
    });
    drop(list);
    let task_state = state.clone();
    tokio::spawn(async move {
        let record_into = |r: &CallRecord| {
            if let Ok(mut list) = task_state.deliveries.lock() {
                if let Some(d) = list.iter_mut().find(|d| d.id == id) {
                    d.attempts.push(r.clone());
                }
            }
            task_state.call_recorded();
        };
        let records = caller.deliver(&d.request, &task_state.clock, record_into).await;
        if let Ok(mut list) = task_state.deliveries.lock() {
            if let Some(d) = list.iter_mut().find(|d| d.id == id) {
                d.done = true;
                d.outcome = caller::outcome(&records);
            }
        }
        task_state.call_recorded();
    });
    json(StatusCode::ACCEPTED, &serde_json::json!({"id": id}))
}

pub async fn deliveries(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let list = state.deliveries.lock().map(|l| l.clone()).unwrap_or_default();
    json(StatusCode::OK, &list)
}

/// Body of `POST /admin/orders`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrders {
    count: usize,
    /// `saas`, `license`, … (any if absent).
    access_type: Option<AccessType>,
    /// `period`, `one-time`, … (any if absent).
    billing_mode: Option<BillingMode>,
    /// `NEW` (the default), `TRIAL`, `RENEW` or `CHANGE`.
    order_type: Option<OrderType>,
    /// For RENEW and CHANGE: the order whose instance is renewed or changed.
    of_order: Option<String>,
}

/// Buyers place orders now, on the sandbox clock: tests and demos need not wait for the world's next hour. SaaS
/// orders among them are provisioned at once — by real calls when the sandbox has `call_interface` [KG §7].
pub async fn place_orders(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<PlaceOrders>, JsonRejection>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let Json(p) = match body {
        Ok(b) => b,
        Err(e) => {
            return bad(format!(
                "the body is {{count, access_type?, billing_mode?, order_type?, of_order?}}: {}",
                e.body_text()
            ))
        }
    };
    let req = OrderRequest {
        count: p.count,
        access_type: p.access_type,
        billing_mode: p.billing_mode,
        order_type: p.order_type.unwrap_or(OrderType::New),
        of_order: p.of_order,
    };
    let (placed, now) = {
        let mut world = state.world();
        (world.place_orders(&req), world.now())
    };
    match placed {
        Ok(ids) => {
            state.live_calls_wake.notify_one();
            let at = time::format_rfc3339(&now);
            json(StatusCode::CREATED, &serde_json::json!({"order_ids": ids, "placed_at": at}))
        }
        Err(e) => {
            let status = match e {
                WorldError::NotFound { .. } => StatusCode::NOT_FOUND,
                WorldError::Refused(_) => StatusCode::CONFLICT,
                WorldError::Invalid(_) => StatusCode::BAD_REQUEST,
            };
            json(status, &serde_json::json!({"code": e.code(), "message": e.to_string()}))
        }
    }
}

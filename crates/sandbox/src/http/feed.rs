//! The seller feed: pages of orders, supervision flows, unsubscriptions, invoice requests and bills, and the seller's
//! actions. Bearer feed token; every reply carries `Body-Sign` keyed with the feed token.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use koodesk_domain::time;
use koodesk_protocol::feed::{self, FeedError, InvoiceIssued, SupervisionActionRequest, UnsubscriptionDecision};
use koodesk_protocol::signature;

use super::{without_feed_token, AppState};
use crate::world::WorldError;

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (status, Json(FeedError { code: code.to_string(), message: message.into() })).into_response()
}

/// A signed JSON reply.
fn signed(state: &AppState, status: StatusCode, body: Vec<u8>) -> Response {
    let sig = signature::body_sign_header(state.cfg.feed_token.expose(), &body);
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_str(&sig) {
        h.insert("Body-Sign", v);
    }
    resp
}

fn world_error(e: WorldError) -> Response {
    let status = match e {
        WorldError::NotFound { .. } => StatusCode::NOT_FOUND,
        WorldError::Refused(_) => StatusCode::CONFLICT,
        WorldError::Invalid(_) => StatusCode::BAD_REQUEST,
    };
    error(status, e.code(), e.to_string())
}

fn outcome(state: &AppState, r: Result<feed::ActionOutcome, WorldError>) -> Response {
    match r {
        Ok(o) => signed(state, StatusCode::OK, serde_json::to_vec(&o).unwrap_or_default()),
        Err(e) => world_error(e),
    }
}

fn body_error(e: JsonRejection) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid", format!("the request body: {}", e.body_text()))
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let page = feed::page_request(&kind, q.get("cursor").map(String::as_str), q.get("limit").map(String::as_str));
    let (kind, after, limit) = match page {
        Ok(p) => (p.kind, p.after, p.limit),
        Err(r) => {
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
            return (status, Json(r.error)).into_response();
        }
    };
    let body = state.world().page_json(kind, after, limit);
    signed(&state, StatusCode::OK, body)
}

/// `GET /feed/v1/interface-health`: the production interface this month, as the world's calls show it [KG §7].
pub async fn interface_health(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let view = state.world().interface_health();
    match serde_json::to_vec(&view) {
        Ok(body) => signed(&state, StatusCode::OK, body),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("the interface-health view: {e}")),
    }
}

pub async fn supervision_action(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(order_id): Path<String>,
    body: Result<Json<SupervisionActionRequest>, JsonRejection>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let Json(req) = match body {
        Ok(b) => b,
        Err(e) => return body_error(e),
    };
    let r = state.world().supervision_action(&order_id, &req.action_id, req.action);
    outcome(&state, r)
}

pub async fn delivery(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(order_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    file: Bytes,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let (Some(action_id), Some(file_name)) = (q.get("action_id"), q.get("file_name")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid",
            "delivery needs ?action_id=…&file_name=… and the file as the body",
        );
    };
    let r = state.world().deliver(&order_id, action_id, file_name, file.len());
    outcome(&state, r)
}

pub async fn unsubscription_decision(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<UnsubscriptionDecision>, JsonRejection>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let Json(d) = match body {
        Ok(b) => b,
        Err(e) => return body_error(e),
    };
    let r = state.world().decide_unsubscription(&id, &d.action_id, d.approve, &d.reason);
    outcome(&state, r)
}

pub async fn invoice_issued(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<InvoiceIssued>, JsonRejection>,
) -> Response {
    if let Some(refusal) = without_feed_token(&state, &headers) {
        return refusal;
    }
    let Json(d) = match body {
        Ok(b) => b,
        Err(e) => return body_error(e),
    };
    let issued_at = match d.issued_at.as_deref().map(time::parse_datetime) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => return error(StatusCode::BAD_REQUEST, "invalid", format!("issued_at: {e}")),
    };
    let r = state.world().invoice_issued(&id, &d.action_id, &d.invoice_number, issued_at);
    outcome(&state, r)
}

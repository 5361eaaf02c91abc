//! The HTTP side: routes, the Body-Sign on every production-interface and feed reply, TLS (rustls, reloaded on
//! SIGHUP), and a graceful shutdown that lets in-flight calls finish.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use koodesk_protocol::feed::{self, FeedError, Kind};
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use subtle::ConstantTimeEq;

use crate::db::Db;
use crate::feed as feed_view;
use crate::interface::Interface;
use crate::log;
use crate::metrics::Metrics;

/// Largest request body read: KooGallery's bodies are a few hundred bytes.
const MAX_BODY: usize = 256 * 1024;

pub struct Shared {
    pub interface: Arc<Interface>,
    pub db: Db,
    pub feed_token: Secret,
    pub metrics: Arc<Metrics>,
    pub enrichment_configured: bool,
}

pub fn router(path: &str, shared: Arc<Shared>) -> Router {
    Router::new()
        .route(path, post(saasproduce))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/feed/v1/openapi.yaml", get(openapi))
        .route("/feed/v1/interface-health", get(interface_health))
        .route("/feed/v1/{kind}", get(page))
        .route("/feed/v1/{kind}/{id}/{action}", post(actions))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

/// The caller: the peer, or the first `X-Forwarded-For` hop when the peer is a reverse proxy on this machine.
fn source(peer: SocketAddr, headers: &HeaderMap) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().chars().take(64).collect::<String>())
        .filter(|v| !v.is_empty());
    match forwarded {
        Some(f) if peer.ip().is_loopback() => f,
        _ => peer.ip().to_string(),
    }
}

fn signed(key: &Secret, status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let sign = signature::body_sign_header(key.expose(), &body);
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&sign) {
        h.insert("Body-Sign", v);
    }
    resp
}

async fn saasproduce(
    State(s): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    // An unreadable body (too long, broken off) cannot match its signature: it is refused like any other.
    let body = body.unwrap_or_default();
    let answer = s.interface.call(query.as_deref().unwrap_or(""), &body, source(peer, &headers)).await;
    signed(s.interface.key(), StatusCode::OK, "application/json;charset=UTF-8", answer.body)
}

async fn healthz(State(s): State<Arc<Shared>>) -> Response {
    match s.db.ping().await {
        Ok(()) => {
            let body =
                serde_json::json!({"status": "ok", "database": s.db.engine(), "version": env!("CARGO_PKG_VERSION")});
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        Err(e) => {
            log::warn("healthz", &[("error", &e.to_string())]);
            let body = serde_json::json!({"status": "unavailable", "database": s.db.engine(), "error": "the database does not answer", "version": env!("CARGO_PKG_VERSION")});
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
        }
    }
}

async fn metrics(State(s): State<Arc<Shared>>) -> Response {
    let backlog = s.db.backlog().await.ok();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render(backlog)).into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], crate::openapi::document()).into_response()
}

fn feed_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (status, axum::Json(FeedError { code: code.to_string(), message: message.into() })).into_response()
}

/// `Authorization: Bearer <feed token>`, compared in constant time.
fn unauthorised(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let ok: bool = given.as_bytes().ct_eq(s.feed_token.expose().as_bytes()).into();
    (!ok).then(|| {
        feed_error(StatusCode::UNAUTHORIZED, "unauthorized", "this API needs `Authorization: Bearer <feed token>`")
    })
}

async fn page(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = unauthorised(&s, &headers) {
        return r;
    }
    let page = feed::page_request(&kind, q.get("cursor").map(String::as_str), q.get("limit").map(String::as_str));
    let (kind, after, limit) = match page {
        Ok(p) => (p.kind, p.after, p.limit),
        Err(r) => {
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
            return (status, axum::Json(r.error)).into_response();
        }
    };
    let body = if kind == Kind::Orders {
        let after_i = i64::try_from(after).unwrap_or(i64::MAX);
        let rows = match s.db.orders_page(after_i, limit as i64).await {
            Ok(r) => r,
            Err(e) => {
                log::error("feed", &[("error", &e.to_string())]);
                return feed_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the gateway's database does not answer; try again",
                );
            }
        };
        match feed_view::orders_page(&rows, after, limit) {
            Ok(b) => b,
            Err(e) => {
                log::error("feed", &[("error", &e.to_string())]);
                return feed_error(StatusCode::INTERNAL_SERVER_ERROR, "damaged", e.to_string());
            }
        }
    } else if kind == Kind::Bills {
        feed_view::empty_page(kind, after)
    } else {
        let after_i = i64::try_from(after).unwrap_or(i64::MAX);
        match s.db.records_page(kind.path(), after_i, limit as i64).await {
            Ok(rows) => feed_view::records_page(kind, &rows, after, limit),
            Err(e) => {
                log::error("feed", &[("error", &e.to_string())]);
                return feed_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the gateway's database does not answer; try again",
                );
            }
        }
    };
    signed(&s.feed_token, StatusCode::OK, "application/json", body)
}

async fn interface_health(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(r) = unauthorised(&s, &headers) {
        return r;
    }
    let (period, since) = feed_view::month_start_ms(chrono::Utc::now());
    let counts = s.db.health(since).await;
    let pending = s.db.pending_orders(50).await;
    match (counts, pending) {
        (Ok(c), Ok(p)) => {
            let view = feed_view::health(period, c, p, s.enrichment_configured);
            signed(&s.feed_token, StatusCode::OK, "application/json", serde_json::to_vec(&view).unwrap_or_default())
        }
        (Err(e), _) | (_, Err(e)) => {
            log::error("interface-health", &[("error", &e.to_string())]);
            feed_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the gateway's database does not answer; try again",
            )
        }
    }
}

/// Seller actions. KooGallery has no API for them [REAL-DATA §1]; what the gateway takes is what its desks
/// record: a tracker entry (`…/record`), an unsubscription decided and an invoice issued on the Seller Console
/// (`…/decision`, `…/issued`), kept so every desk syncing it sees them. Other actions are refused with where to
/// take them.
async fn actions(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((kind, id, action)): Path<(String, String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Some(r) = unauthorised(&s, &headers) {
        return r;
    }
    let body = body.unwrap_or_default();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let unavailable = |e: crate::db::DbError| {
        log::error("record", &[("error", &e.to_string())]);
        feed_error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the gateway's database does not answer; try again")
    };
    let feed_kind = Kind::from_path(&kind);
    if action == feed::RECORD_ACTION
        && !matches!(feed_kind, Some(Kind::Supervision | Kind::Unsubscriptions | Kind::InvoiceRequests))
    {
        return feed_error(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no `{kind}` records: a desk records supervision, unsubscriptions or invoice-requests"),
        );
    }
    let record = match (feed_kind, action.as_str()) {
        (Some(k @ (Kind::Supervision | Kind::Unsubscriptions | Kind::InvoiceRequests)), feed::RECORD_ACTION) => {
            feed_view::record_entry(k, &id, &body, now_ms)
        }
        (Some(k @ (Kind::Unsubscriptions | Kind::InvoiceRequests)), "decision" | "issued") => {
            let stored = match s.db.get_record(k.path(), &id).await {
                Ok(v) => v,
                Err(e) => return unavailable(e),
            };
            match (k, action.as_str()) {
                (Kind::Unsubscriptions, "decision") => {
                    feed_view::record_decision(&id, stored.as_deref(), &body, now_ms)
                }
                (Kind::InvoiceRequests, "issued") => feed_view::record_issued(&id, stored.as_deref(), &body, now_ms),
                _ => return not_on_gateway(&kind, &action),
            }
        }
        _ => return not_on_gateway(&kind, &action),
    };
    let record = match record {
        Ok(r) => r,
        Err(r) => {
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
            return feed_error(status, r.code, r.message);
        }
    };
    match s.db.put_record(&record).await {
        Ok((seq, repeated)) => {
            log::info(
                "recorded",
                &[
                    ("kind", &kind),
                    ("id", &id),
                    ("action", &action),
                    ("by", record.recorded_by.as_deref().unwrap_or("")),
                ],
            );
            let outcome =
                feed::ActionOutcome { action_id: record.action_id, seq: u64::try_from(seq).unwrap_or(0), repeated };
            signed(&s.feed_token, StatusCode::OK, "application/json", serde_json::to_vec(&outcome).unwrap_or_default())
        }
        Err(e) => unavailable(e),
    }
}

fn not_on_gateway(kind: &str, action: &str) -> Response {
    feed_error(
        StatusCode::CONFLICT,
        "not-on-gateway",
        format!("KooGallery has no API for `{kind}` {action}: take it on the Seller Console (卖家中心), then record it in KooDesk"),
    )
}

/// How long in-flight calls get to finish after SIGTERM.
pub const DRAIN: Duration = Duration::from_secs(30);

//! What `koodesk check-oauth` asks the sandbox IdP [KG §8]: the record of a login (what the client did with its
//! code and tokens), a spent refresh token presented again, and the clock moved to a token's expiry. Each is
//! authorized by the OAuth client's own credentials (HTTP Basic client_id:client_secret) — a client sees only its
//! own logins — or by the seller's feed token, like the other admin routes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use koodesk_domain::time;
use koodesk_protocol::oauth::{ErrorCode, ReplayRefresh};
use serde::Deserialize;

use super::oauth::{client_credentials, oauth_error, refresh_grant, token_reply};
use super::{bearer, json, token_matches, AppState};

/// Who is asking: the OAuth client (its own logins only) or the seller with the feed token (any login).
enum Caller {
    Client(String),
    Seller,
}

fn caller(state: &AppState, headers: &HeaderMap) -> Option<Caller> {
    if token_matches(bearer(headers), &state.cfg.feed_token) {
        return Some(Caller::Seller);
    }
    let (id, secret) = client_credentials(headers, &HashMap::new())?;
    (id == state.cfg.oauth_client_id && token_matches(Some(&secret), &state.cfg.oauth_client_secret))
        .then_some(Caller::Client(id))
}

fn refused() -> Response {
    oauth_error(
        ErrorCode::InvalidClient,
        "this needs the OAuth client's credentials (HTTP Basic client_id:client_secret) or the feed token",
    )
}

fn allowed(caller: &Caller, client_id: &str) -> bool {
    match caller {
        Caller::Seller => true,
        Caller::Client(id) => id == client_id,
    }
}

fn not_found(what: String) -> Response {
    json(StatusCode::NOT_FOUND, &serde_json::json!({"code": "not_found", "message": what}))
}

/// `GET /admin/oauth/login?code=…`: the login that code answered, with every use of its code and tokens.
pub async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(who) = caller(&state, &headers) else { return refused() };
    let code = q.get("code").map(String::as_str).unwrap_or("");
    let record = state.oauth.lock().ok().and_then(|s| s.login_by_code(code).cloned());
    match record.filter(|r| allowed(&who, &r.client_id)) {
        Some(r) => json(StatusCode::OK, &r),
        None => not_found("code: no login of this client was answered with that code".into()),
    }
}

/// `POST /admin/oauth/replay-refresh` {code, generation}: the spent refresh token of that generation presented
/// to the token endpoint again (recorded as a replay); the reply is the token endpoint's.
pub async fn replay_refresh(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<ReplayRefresh>, JsonRejection>,
) -> Response {
    let Some(who) = caller(&state, &headers) else { return refused() };
    let Json(r) = match body {
        Ok(b) => b,
        Err(e) => {
            return json(StatusCode::BAD_REQUEST, &serde_json::json!({"code": "invalid", "message": e.body_text()}))
        }
    };
    let now = state.clock.now();
    let Ok(mut s) = state.oauth.lock() else {
        return oauth_error(ErrorCode::InvalidRequest, "try again");
    };
    let Some(client_id) = s.login_by_code(&r.code).filter(|l| allowed(&who, &l.client_id)).map(|l| l.client_id.clone())
    else {
        return not_found("code: no login of this client was answered with that code".into());
    };
    let Some(spent) = s.spent_refresh(&r.code, r.generation) else {
        return not_found(format!("generation: the refresh token of generation {} has not been spent", r.generation));
    };
    token_reply(refresh_grant(&mut s, &client_id, &spent, now, true))
}

#[derive(Deserialize)]
pub struct ClockSet {
    set: String,
}

/// `POST /admin/oauth/clock` {set}: the sandbox clock moved forward to `set`, as `/admin/clock` does.
pub async fn clock(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<ClockSet>, JsonRejection>,
) -> Response {
    if caller(&state, &headers).is_none() {
        return refused();
    }
    let bad = |m: String| json(StatusCode::BAD_REQUEST, &serde_json::json!({"code": "invalid", "message": m}));
    let Json(c) = match body {
        Ok(b) => b,
        Err(e) => return bad(format!("the request body: {}", e.body_text())),
    };
    let t = match time::parse_datetime(&c.set) {
        Ok(t) => t,
        Err(e) => return bad(format!("set: {e}")),
    };
    if let Err(e) = state.clock.set(t) {
        return bad(format!("set: {e}"));
    }
    drop(state.world());
    state.live_calls_wake.notify_one();
    json(StatusCode::OK, &serde_json::json!({"now": time::format_rfc3339(&state.clock.now())}))
}
